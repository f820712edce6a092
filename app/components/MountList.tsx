import { countFiles, treeSize } from '../../src/mounts/tree';
import { formatBytes } from '../../src/spec/memory';
import { type PickedItem, readPickedFiles, readPickedFolder } from '../lib/files';
import { plural } from '../lib/format';
import type { MountItem } from '../lib/jobForm';
import { addMounts, removeMount, updateMount } from '../state/form';
import { setNotice, useApp } from '../state/store';
import { DropZone, FilePicker } from './DropZone';

function pick(read: (files: File[]) => Promise<PickedItem[]>) {
  return (files: File[]) =>
    void read(files).then(addMounts, (error: unknown) => setNotice(`Could not read the files: ${String(error)}`));
}

function describeMount(mount: MountItem): string {
  if (mount.content.kind === 'external') {
    return `${mount.content.source.type === 'localDirectory' ? 'host path' : mount.content.source.sourceType}: not available offline`;
  }
  const { tree } = mount.content;
  const size = formatBytes(treeSize(tree));
  return tree.kind === 'directory' ? `${plural(countFiles(tree), 'file')}, ${size}` : size;
}

export function MountList() {
  const mounts = useApp((s) => s.form.mounts);
  return (
    <section className="panel" aria-labelledby="mounts-title">
      <h2 id="mounts-title">Input mounts</h2>
      <DropZone hint="Drop files, folders or .zip archives (unpacked) to mount them." onItems={addMounts}>
        <FilePicker label="Add files or .zip" testId="mount-input" onFiles={pick(readPickedFiles)} />
        <FilePicker label="Add a folder" folder onFiles={pick(readPickedFolder)} />
      </DropZone>
      {mounts.length > 0 && (
        <ul className="item-list">
          {mounts.map((mount) => (
            <li key={mount.id} className="item-row">
              <span className="item-name" title={mount.label}>
                {mount.label}
              </span>
              <span className="muted">{describeMount(mount)}</span>
              <label className="inline-field">
                at
                <input
                  aria-label={`Target path of ${mount.label}`}
                  data-testid="mount-target"
                  value={mount.target}
                  onChange={(event) => updateMount(mount.id, { target: event.target.value })}
                />
              </label>
              <label className="inline-check">
                <input
                  type="checkbox"
                  checked={mount.readWrite}
                  onChange={(event) => updateMount(mount.id, { readWrite: event.target.checked })}
                />
                writable
              </label>
              <button
                type="button"
                className="small"
                onClick={() => removeMount(mount.id)}
                aria-label={`Remove ${mount.label}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
