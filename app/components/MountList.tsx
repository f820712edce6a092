import { countFiles, treeSize } from '../../src/mounts/tree';
import { formatBytes } from '../../src/spec/memory';
import { type PickedItem, readPickedFiles, readPickedFolder } from '../lib/files';
import { plural } from '../lib/format';
import { type InputRow, inputPath } from '../lib/jobForm';
import { addMounts, removeInput, setInputTarget, setInputWritable } from '../state/job';
import { setNotice } from '../state/store';
import { DropZone, FilePicker } from './DropZone';
import { FieldProblems, useFieldErrors } from './JobFields';
import { useInputRows } from './ModuleList';

function pick(read: (files: File[]) => Promise<PickedItem[]>) {
  return (files: File[]) =>
    void read(files).then(addMounts, (error: unknown) => setNotice(`Could not read the files: ${String(error)}`));
}

function describeMount({ content }: InputRow): string {
  if (!('tree' in content)) return content.missing;
  const { tree } = content;
  const size = formatBytes(treeSize(tree));
  return tree.kind === 'directory' ? `${plural(countFiles(tree), 'file')}, ${size}` : size;
}

function MountRow({ row }: { row: InputRow }) {
  const errors = useFieldErrors(inputPath(row.index));
  return (
    <li>
      <div className="item-row">
        <span className="item-name" title={row.label}>
          {row.label}
        </span>
        <span className={'tree' in row.content ? 'muted' : 'problem'}>{describeMount(row)}</span>
        <label className="inline-field">
          at
          <input
            aria-label={`Target path of ${row.label}`}
            aria-invalid={errors.length > 0 || undefined}
            data-testid="mount-target"
            value={row.target}
            onChange={(event) => setInputTarget(row.index, event.target.value)}
          />
        </label>
        <label className="inline-check">
          <input
            type="checkbox"
            checked={row.readWrite}
            disabled={!('tree' in row.content)}
            onChange={(event) => setInputWritable(row.index, event.target.checked)}
          />
          writable
        </label>
        <button
          type="button"
          className="small"
          onClick={() => removeInput(row.index)}
          aria-label={`Remove ${row.label}`}
        >
          Remove
        </button>
      </div>
      <FieldProblems problems={errors} />
    </li>
  );
}

export function MountList() {
  const mounts = useInputRows('mount');
  return (
    <section className="panel" aria-labelledby="mounts-title">
      <h2 id="mounts-title">Input mounts</h2>
      <DropZone hint="Drop files, folders or .zip archives (unpacked) to mount them." onItems={addMounts}>
        <FilePicker label="Add files or .zip" testId="mount-input" onFiles={pick(readPickedFiles)} />
        <FilePicker label="Add a folder" folder onFiles={pick(readPickedFolder)} />
      </DropZone>
      {mounts.length > 0 && (
        <ul className="item-list">
          {mounts.map((row) => (
            <MountRow key={row.index} row={row} />
          ))}
        </ul>
      )}
    </section>
  );
}
