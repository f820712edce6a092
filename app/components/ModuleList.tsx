import { normalizePath } from '../../src/mounts/paths';
import { formatBytes } from '../../src/spec/memory';
import { fileBytes, type PickedItem } from '../lib/files';
import { type InputRow, inputPath, inputRows } from '../lib/jobForm';
import { addModules, addMounts, removeInput, setEntryModule, setInputTarget } from '../state/job';
import { setNotice, useApp } from '../state/store';
import { DropZone, FilePicker } from './DropZone';
import { FieldProblems, useFieldErrors } from './JobFields';

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

/** The job's inputs of one kind, computed once per job and files. */
export function useInputRows(kind: InputRow['kind']): InputRow[] {
  const job = useApp((s) => s.job);
  const files = useApp((s) => s.files);
  return inputRows(job, files).filter((row) => row.kind === kind);
}

function ModuleRow({ row, isEntry }: { row: InputRow; isEntry: boolean }) {
  const errors = useFieldErrors(inputPath(row.index));
  const bytes = 'tree' in row.content && row.content.tree.kind === 'file' ? row.content.tree.data.byteLength : 0;
  return (
    <li>
      <div className="item-row">
        <span className="item-name" title={row.label}>
          {row.label}
        </span>
        <span className="muted">{formatBytes(bytes)}</span>
        <label className="inline-field">
          at
          <input
            aria-label={`Target path of ${row.label}`}
            aria-invalid={errors.length > 0 || undefined}
            data-testid="module-target"
            value={row.target}
            onChange={(event) => setInputTarget(row.index, event.target.value)}
          />
        </label>
        <label className="inline-check">
          <input type="radio" name="entry-module" checked={isEntry} onChange={() => setEntryModule(row.target)} />
          entry
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
