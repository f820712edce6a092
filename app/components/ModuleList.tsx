import { normalizePath } from '../../src/mounts/paths';
import { formatBytes } from '../../src/spec/memory';
import { fileBytes, type PickedItem } from '../lib/files';
import type { InputRow } from '../lib/jobForm';
import { addModules, addMounts, setEntryModule } from '../state/job';
import { setNotice, useApp } from '../state/store';
import { DropZone, FilePicker } from './DropZone';
import { InputRowItem, useInputRows } from './InputRow';

async function addModuleFiles(files: readonly File[]): Promise<void> {
  addModules(await Promise.all(files.map(async (picked) => ({ name: picked.name, data: await fileBytes(picked) }))));
}

/** Dropped single files become modules; folders and archives are mounts. */
function addDropped(items: PickedItem[]): void {
  const files = items.flatMap((item) =>
    item.tree.kind === 'file' && item.kind === 'file' ? [{ name: item.name, data: item.tree.data }] : [],
  );
  if (files.length > 0) addModules(files);
  const mounts = items.filter((item) => item.kind !== 'file');
  if (mounts.length > 0) addMounts(mounts);
}

function ModuleRow({ row, isEntry }: { row: InputRow; isEntry: boolean }) {
  const bytes = 'tree' in row.content && row.content.tree.kind === 'file' ? row.content.tree.data.byteLength : 0;
  return (
    <InputRowItem row={row} targetTestId="module-target" detail={<span className="muted">{formatBytes(bytes)}</span>}>
      <label className="inline-check">
        <input type="radio" name="entry-module" checked={isEntry} onChange={() => setEntryModule(row.target)} />
        entry
      </label>
    </InputRowItem>
  );
}

export function ModuleList() {
  const modules = useInputRows('module');
  const entryModule = useApp((s) => s.job.entryModule);
  return (
    <section className="panel" aria-labelledby="modules-title">
      <h2 id="modules-title">Modules</h2>
      <DropZone hint="Drop .wasm files here: the entry module and any modules it imports." onItems={addDropped}>
        <FilePicker
          label="Add .wasm files"
          testId="module-input"
          accept=".wasm,application/wasm"
          onFiles={(files) =>
            void addModuleFiles(files).catch((error: unknown) =>
              setNotice(`Could not read the files: ${String(error)}`),
            )
          }
        />
      </DropZone>
      {modules.length > 0 && (
        <ul className="item-list">
          {modules.map((row) => (
            <ModuleRow key={row.index} row={row} isEntry={normalizePath(row.target) === normalizePath(entryModule)} />
          ))}
        </ul>
      )}
    </section>
  );
}
