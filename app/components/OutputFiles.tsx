import { useMemo, useState } from 'react';
import { resultFolder } from '../../src/mounts/paths';
import { directory, type FileTree, listFiles } from '../../src/mounts/tree';
import { formatBytes } from '../../src/spec/memory';
import { download } from '../lib/download';
import { hexDump, PREVIEW_TEXT_BYTES, textOf } from '../lib/preview';
import { zipFiles } from '../lib/zip';
import { useApp } from '../state/store';

interface OutputFile {
  path: string;
  data: Uint8Array;
}

const byName = ([a]: [string, FileTree], [b]: [string, FileTree]) => (a < b ? -1 : a > b ? 1 : 0);

function TreeView({
  tree,
  path,
  selected,
  onSelect,
}: {
  tree: FileTree;
  path: string;
  selected: string | null;
  onSelect: (path: string) => void;
}) {
  if (tree.kind !== 'directory') return null;
  const entries = Object.entries(tree.entries).sort(byName);
  if (entries.length === 0) return <p className="muted tree-empty">(empty)</p>;
  return (
    <ul className="file-tree">
      {entries.map(([name, child]) => {
        const childPath = path === '' ? name : `${path}/${name}`;
        return (
          <li key={name}>
            {child.kind === 'directory' ? (
              <>
                <span className="tree-dir">{name}/</span>
                <TreeView tree={child} path={childPath} selected={selected} onSelect={onSelect} />
              </>
            ) : child.kind === 'symlink' ? (
              <span className="muted">
                {name} → {child.target}
              </span>
            ) : (
              <button
                type="button"
                className={childPath === selected ? 'tree-file selected' : 'tree-file'}
                data-testid="output-file"
                data-path={childPath}
                onClick={() => onSelect(childPath)}
              >
                {name} <span className="muted">{formatBytes(child.data.byteLength)}</span>
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function FilePreview({ file }: { file: OutputFile }) {
  const text = useMemo(() => textOf(file.data), [file]);
  const name = file.path.split('/').pop()!;
  return (
    <div className="file-preview">
      <div className="panel-head">
        <h3>{file.path}</h3>
        <button type="button" className="small" onClick={() => download(name, file.data)}>
          Download
        </button>
      </div>
      <pre className={text === null ? 'preview-body' : 'preview-body text'} data-testid="file-preview">
        {text ?? hexDump(file.data)}
      </pre>
      {text !== null && file.data.byteLength > PREVIEW_TEXT_BYTES && (
        <p className="muted">Showing the first {formatBytes(PREVIEW_TEXT_BYTES)}.</p>
      )}
    </div>
  );
}

/** The output mounts (and writable inputs) as the job left them, as one tree with a folder per mount. */
export function OutputFiles() {
  const outputs = useApp((s) => s.run.result?.outputs);
  const [selected, setSelected] = useState<string | null>(null);
  const root = useMemo(
    () => directory(Object.fromEntries((outputs ?? []).map((mount) => [resultFolder(mount.name), mount.tree]))),
    [outputs],
  );
  const files = useMemo((): OutputFile[] => listFiles(root), [root]);
  const selectedFile = files.find((f) => f.path === selected);
  return (
    <section className="panel outputs-panel" aria-labelledby="files-title" data-testid="outputs">
      <div className="panel-head">
        <h2 id="files-title">Outputs</h2>
        {files.length > 0 && (
          <button
            type="button"
            className="small"
            onClick={() => download('outputs.zip', zipFiles(files), 'application/zip')}
          >
            Download all (.zip)
          </button>
        )}
      </div>
      {Object.keys(root.entries).length === 0 ? (
        <p className="muted">Output directories and writable mounts appear here after a run.</p>
      ) : (
        <div className="outputs-body">
          <TreeView tree={root} path="" selected={selected} onSelect={setSelected} />
          {selectedFile !== undefined && <FilePreview file={selectedFile} />}
        </div>
      )}
    </section>
  );
}
