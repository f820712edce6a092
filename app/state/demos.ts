/** Loading demo jobs, the job of a shared link, or the job kept across a reload. */
import { parseJob } from '../../src/spec/parse';
import { fetchDemoIndex, loadDemoJob } from '../lib/demos';
import { serializeError } from '../lib/errors';
import { decodeShareHash } from '../lib/share';
import { loadJob } from './job';
import { keepEdits, readSavedEdits, type SavedEdits } from './session';
import { setNotice, store } from './store';

function reportFailure(what: string, error: unknown): void {
  const { code, message } = serializeError(error, 'InputConfigError');
  setNotice(`${what}: ${code}: ${message}`);
}

/** Loads a demo's job, unless it is the job shown already, unchanged (its run then stays). */
export async function loadDemo(id: string): Promise<void> {
  const { demos, demoId } = store.getState();
  const demo = demos.find((d) => d.id === id);
  if (demo === undefined || demoId === id) return;
  try {
    const { job, files } = await loadDemoJob(demo);
    loadJob(job, files, id);
  } catch (error) {
    reportFailure(`Could not load the demo "${demo.title}"`, error);
  }
}

/**
 * Startup: the job this tab was editing before it was reloaded, unless a link to another job was
 * opened since; else the job in the link; else the default demo. Then the job is kept as it changes.
 */
export async function loadInitialJob(): Promise<void> {
  let defaultDemo = '';
  try {
    const index = await fetchDemoIndex();
    store.setState({ demos: index.demos });
    defaultDemo = index.default;
  } catch (error) {
    reportFailure('Could not load the demo list', error);
  }
  const saved = await readSavedEdits().catch((error: unknown) => {
    reportFailure('The job kept from before the reload could not be read', error);
    return null;
  });
  await loadFirstJob(saved, defaultDemo);
  keepEdits();
}

async function loadFirstJob(saved: SavedEdits | null, defaultDemo: string): Promise<void> {
  try {
    const shared = decodeShareHash(location.hash);
    if (shared !== null && location.hash !== saved?.hash) {
      loadJob(parseJob(shared));
      setNotice('Loaded the job from the link.');
      return;
    }
  } catch (error) {
    reportFailure('The job in the link could not be read', error);
  }
  if (saved?.edits !== undefined) {
    store.setState({ ...saved.edits, demoId: '' });
    setNotice('Restored the job you were editing before the page was reloaded.');
  } else if (saved !== null && saved.demoId !== '') await loadDemo(saved.demoId);
  else if (defaultDemo !== '') await loadDemo(defaultDemo);
}
