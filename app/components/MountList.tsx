import { countFiles, treeSize } from '../../src/mounts/tree';
import { formatBytes } from '../../src/spec/memory';
import { type PickedItem, readPickedFiles, readPickedFolder } from '../lib/files';
import { plural } from '../lib/format';
import type { InputRow } from '../lib/jobForm';
import { addMounts, setInputWritable } from '../state/job';
import { setNotice } from '../state/store';
import { DropZone, FilePicker } from './DropZone';
import { InputRowItem, useInputRows } from './InputRow';

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
  const detail = <span className={'tree' in row.content ? 'muted' : 'problem'}>{describeMount(row)}</span>;
  return (
    <InputRowItem row={row} targetTestId="mount-target" detail={detail}>
      <label className="inline-check">
        <input
          type="checkbox"
          checked={row.readWrite}
          disabled={!('tree' in row.content)}
          onChange={(event) => setInputWritable(row.index, event.target.checked)}
        />
        writable
      </label>
    </InputRowItem>
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
