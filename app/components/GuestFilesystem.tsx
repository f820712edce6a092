import '../teaching.css';
import { useMemo } from 'react';
import {
  describeOrigin,
  describePreopens,
  type FsNode,
  filesystemChanges,
  guestFilesystem,
} from '../../src/executor/guest-fs';
import { formatBytes } from '../../src/spec/memory';
import { plural } from '../lib/format';
import { sourceContent } from '../lib/jobFiles';
import { originOf } from '../lib/origins';
import { useApp } from '../state/store';

function Badges({ node }: { node: FsNode }) {
  const { mount } = node;
  return (
    <>
      {node.preopens !== undefined && <span className="fs-badge preopen">{describePreopens(node.preopens)}</span>}
      {node.change !== undefined && <span className={`fs-badge change-${node.change}`}>{node.change}</span>}
      {mount !== undefined && (
        <>
          <span className={`fs-badge ${mount.writable ? 'writable' : 'read-only'}`}>
            {mount.writable ? 'writable' : 'read-only'}
          </span>
          <span className="fs-origin">{describeOrigin(mount.origin)}</span>
        </>
      )}
      {node.kind === 'symlink' && <span className="muted">→ {node.target}</span>}
      {node.kind === 'unknown' && <span className="muted">(its files are not available here)</span>}
      {node.kind === 'file' && <span className="muted">{formatBytes(node.size!)}</span>}
      {node.files !== undefined && mount !== undefined && (
        <span className="muted">
          {node.files === 0 ? 'empty' : `${plural(node.files, 'file')}, ${formatBytes(node.size!)}`}
        </span>
      )}
    </>
  );
}

function FsTree({ node, path }: { node: FsNode; path: string }) {
  const name = node.kind === 'directory' && node.name !== '/' ? `${node.name}/` : node.name;
  return (
    <li>
      <div className="fs-row" data-testid="fs-node" data-path={path} data-change={node.change}>
        <span className={node.kind === 'directory' ? 'fs-name tree-dir' : 'fs-name'}>{name}</span>
        <Badges node={node} />
      </div>
      {(node.children?.length ?? 0) > 0 && (
        <ul>
          {node.children!.map((child) => (
            <FsTree key={child.name} node={child} path={`${path === '/' ? '' : path}/${child.name}`} />
          ))}
          {node.more !== undefined && <li className="muted">… {node.more.toLocaleString('en-US')} more</li>}
        </ul>
      )}
    </li>
  );
}

/**
 * The filesystem as the guest sees it: before the run, every mount with where it came from and
 * whether the guest may write to it, and the preopened directories; after the run, the writable
 * mounts with what the run did to their files.
 */
export function GuestFilesystem() {
  const job = useApp((s) => s.job);
  const files = useApp((s) => s.files);
  const outputs = useApp((s) => s.run.result?.outputs);
  const view = useMemo(() => {
    const contents = job.inputs.map(({ source }) => {
      const content = sourceContent(source, files);
      return 'tree' in content ? content.tree : undefined;
    });
    // Where the page got each input's files: dropped, picked or a demo's, else the job's file it names.
    const labels = (i: number) => {
      const { source } = job.inputs[i]!;
      const tree = contents[i];
      const named = source.type === 'localDirectory' ? `the job's file "${source.sourcePath}"` : undefined;
      return (tree && originOf(tree)) ?? named;
    };
    return {
      before: guestFilesystem(job, contents, labels),
      after: outputs === undefined ? null : filesystemChanges(job, contents, outputs),
    };
  }, [job, files, outputs]);
  return (
    <section className="panel guest-fs" aria-labelledby="guest-fs-title" data-testid="guest-fs">
      <h2 id="guest-fs-title">The guest's filesystem</h2>
      <h3>What the guest will see</h3>
      <ul className="fs-tree" data-testid="fs-before">
        <FsTree node={view.before} path="/" />
      </ul>
      {view.after !== null && (
        <>
          <h3>After the run</h3>
          {view.after.length === 0 ? (
            <p className="muted">No writable mount came back from this run.</p>
          ) : (
            <ul className="fs-tree" data-testid="fs-after">
              {view.after.map((node) => (
                <FsTree key={node.name} node={node} path={node.name} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
