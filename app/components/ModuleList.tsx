import { normalizePath } from '../../src/mounts/paths';
import { formatBytes } from '../../src/spec/memory';
import { fileBytes, type PickedItem } from '../lib/files';
import { addModules, addMounts, removeModule, setField, setModuleTarget } from '../state/form';
import { setNotice, useApp } from '../state/store';
import { DropZone, FilePicker } from './DropZone';

async function addModuleFiles(files: readonly File[]): Promise<void> {
  addModules(await Promise.all(files.map(async (picked) => ({ name: picked.name, data: await fileBytes(picked) }))));
}

/** Dropped single files become modules; folders and archives are mounts. */
function addDropped(items: PickedItem[]): void {
  const files = items.flatMap((item) =>
    item.tree.kind === 'file' && item.kind === 'file' ? [{ name: item.name, data: item.tree.data }] : [],
  );
  addModules(files);
  addMounts(items.filter((item) => item.kind !== 'file'));
}

export function ModuleList() {
  const modules = useApp((s) => s.form.modules);
  const entryModule = useApp((s) => s.form.entryModule);
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
          {modules.map((module) => {
            const isEntry = normalizePath(module.target) === normalizePath(entryModule);
            return (
              <li key={module.id} className="item-row">
                <span className="item-name" title={module.fileName}>
                  {module.fileName}
                </span>
                <span className="muted">{formatBytes(module.file.data.byteLength)}</span>
                <label className="inline-field">
                  at
                  <input
                    aria-label={`Target path of ${module.fileName}`}
                    data-testid="module-target"
                    value={module.target}
                    onChange={(event) => setModuleTarget(module.id, event.target.value)}
                  />
                </label>
                <label className="inline-check">
                  <input
                    type="radio"
                    name="entry-module"
                    checked={isEntry}
                    onChange={() => setField('entryModule', module.target)}
                  />
                  entry
                </label>
                <button
                  type="button"
                  className="small"
                  onClick={() => removeModule(module.id)}
                  aria-label={`Remove ${module.fileName}`}
                >
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
