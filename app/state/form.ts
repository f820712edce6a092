/** Changes to the job form, from its controls, the YAML view, demos and shared links. */
import { normalizePath } from '../../src/mounts/paths';
import { file } from '../../src/mounts/tree';
import { parseJob } from '../../src/spec/parse';
import type { Job } from '../../src/spec/types';
import { clearRun } from '../executor';
import { serializeError } from '../lib/errors';
import type { PickedItem } from '../lib/files';
import {
  emptyForm,
  formToYaml,
  type JobForm,
  jobToForm,
  type MountItem,
  newItemId,
  newModuleTarget,
  newMountTarget,
} from '../lib/jobForm';
import { store } from './store';

export type TextField =
  | 'entryModule'
  | 'entrypoint'
  | 'parameters'
  | 'env'
  | 'stdin'
  | 'memory'
  | 'timeout'
  | 'importModules';

/** A change made through the form: the YAML view follows it, and the job is no longer the demo's. */
function edit(change: (form: JobForm) => Partial<JobForm>): void {
  const { form } = store.getState();
  store.setState({ form: { ...form, ...change(form) }, yamlDraft: null, yamlError: null, demoId: '' });
}

export function setField(field: TextField, value: string): void {
  edit(() => ({ [field]: value }));
}

/** Engine.Params.Brine.Trace: record every WASI call of the next run (left out of the job when off). */
export function setTrace(on: boolean): void {
  edit((form) => {
    const { trace: _, ...brine } = form.extras.brine;
    return { extras: { ...form.extras, brine: on ? { ...brine, trace: true } : brine } };
  });
}

export function addModules(files: readonly { name: string; data: Uint8Array }[]): void {
  edit((form) => {
    let { entryModule } = form;
    const modules = [...form.modules];
    for (const { name, data } of files) {
      const { target, isEntry } = newModuleTarget({ ...form, entryModule }, name);
      if (isEntry) entryModule = target;
      modules.push({ id: newItemId(), fileName: name, target, file: file(data) });
    }
    return { modules, entryModule };
  });
}

/** Retargets a module; the entry module path follows its module. */
export function setModuleTarget(id: string, target: string): void {
  edit((form) => {
    const module = form.modules.find((m) => m.id === id);
    const wasEntry = module !== undefined && normalizePath(module.target) === normalizePath(form.entryModule);
    return {
      modules: form.modules.map((m) => (m.id === id ? { ...m, target } : m)),
      ...(wasEntry ? { entryModule: target } : {}),
    };
  });
}

export function removeModule(id: string): void {
  edit((form) => ({ modules: form.modules.filter((m) => m.id !== id) }));
}

export function addMounts(items: readonly PickedItem[]): void {
  edit((form) => ({
    mounts: [
      ...form.mounts,
      ...items.map(
        (item): MountItem => ({
          id: newItemId(),
          label: item.kind === 'zip' ? `${item.name}.zip` : item.name,
          target: newMountTarget(item.kind, item.name),
          readWrite: false,
          content: { kind: 'files', tree: item.tree },
        }),
      ),
    ],
  }));
}

export function updateMount(id: string, change: Partial<Pick<MountItem, 'target' | 'readWrite'>>): void {
  edit((form) => ({ mounts: form.mounts.map((m) => (m.id === id ? { ...m, ...change } : m)) }));
}

export function removeMount(id: string): void {
  edit((form) => ({ mounts: form.mounts.filter((m) => m.id !== id) }));
}

export function addOutput(): void {
  edit((form) => {
    const taken = new Set(form.outputs.map((o) => o.name));
    let name = 'outputs';
    for (let n = 2; taken.has(name); n++) name = `outputs${n}`;
    return { outputs: [...form.outputs, { id: newItemId(), name, path: `/${name}` }] };
  });
}

/** Renames an output; its Path follows (the WASM executor mounts it at the Name). */
export function renameOutput(id: string, name: string): void {
  edit((form) => ({
    outputs: form.outputs.map((o) => (o.id === id ? { ...o, name, path: `/${normalizePath(name)}` } : o)),
  }));
}

export function removeOutput(id: string): void {
  edit((form) => ({ outputs: form.outputs.filter((o) => o.id !== id) }));
}

/** The form's job as YAML, or null while the form does not make a job. */
function jobYaml(form: JobForm): string | null {
  try {
    return formToYaml(form).yaml;
  } catch {
    return null;
  }
}

/**
 * YAML typed or pasted: the form follows it whenever it parses; otherwise the error shows. YAML of
 * another job (not just other text) clears the run, which belongs to the job it ran.
 */
export function editYaml(text: string): void {
  const { form } = store.getState();
  let edited: JobForm;
  try {
    edited = jobToForm(parseJob(text), form);
  } catch (error) {
    store.setState({ yamlDraft: text, yamlError: serializeError(error, 'SpecError') });
    return;
  }
  store.setState({ form: edited, yamlDraft: text, yamlError: null, demoId: '' });
  if (jobYaml(edited) !== jobYaml(form)) clearRun();
}

/** Leaving the YAML view: valid text is replaced by the YAML of the form. */
export function endYamlEdit(): void {
  if (store.getState().yamlError === null) store.setState({ yamlDraft: null });
}

/** Another job (a demo's, a link's) replaces the form; the run of the previous one is cleared. */
export function loadJob(job: Job, demoId = ''): void {
  store.setState({ form: jobToForm(job), yamlDraft: null, yamlError: null, demoId });
  clearRun();
}

export function newJob(): void {
  store.setState({ form: emptyForm(), yamlDraft: null, yamlError: null, demoId: '' });
  clearRun();
}
