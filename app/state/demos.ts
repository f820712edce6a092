/** Loading demo jobs and the job of a shared link into the form. */
import { parseJob } from '../../src/spec/parse';
import { fetchDemoIndex, loadDemoJob } from '../lib/demos';
import { serializeError } from '../lib/errors';
import { decodeShareHash } from '../lib/share';
import { loadJob } from './form';
import { setNotice, store } from './store';

function reportFailure(what: string, error: unknown): void {
  const { code, message } = serializeError(error, 'InputConfigError');
  setNotice(`${what}: ${code}: ${message}`);
}

export async function loadDemo(id: string): Promise<void> {
  const demo = store.getState().demos.find((d) => d.id === id);
  if (demo === undefined) return;
  try {
    loadJob(await loadDemoJob(demo), id);
  } catch (error) {
    reportFailure(`Could not load the demo "${demo.title}"`, error);
  }
}

/** Startup: the job in the link if there is one, else the default demo. */
export async function loadInitialJob(): Promise<void> {
  let defaultDemo = '';
  try {
    const index = await fetchDemoIndex();
    store.setState({ demos: index.demos });
    defaultDemo = index.default;
  } catch (error) {
    reportFailure('Could not load the demo list', error);
  }
  try {
    const shared = decodeShareHash(location.hash);
    if (shared !== null) {
      loadJob(parseJob(shared));
      setNotice('Loaded the job from the link.');
      return;
    }
  } catch (error) {
    reportFailure('The job in the link could not be read', error);
  }
  if (defaultDemo !== '') await loadDemo(defaultDemo);
}
