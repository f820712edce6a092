import { BrineError, errors, errorText } from '../errors/index.js';
import type { ReadLocal } from '../executor/types.js';
import { normalizePath } from '../mounts/paths.js';
import { file, treeFromFiles } from '../mounts/tree.js';

const FETCH_HINT =
  'Sources are fetched relative to the job file (or the page, for a job in the element). A directory cannot be fetched: list its files in the files attribute, e.g. files="inputs/a.csv inputs/b.csv".';

/** The bytes at `url`; an InputConfigError naming the source when they cannot be fetched. */
async function fetchSource(sourcePath: string, url: URL): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw errors.inputConfig(
      `input source "${sourcePath}" could not be fetched from ${url}: ${errorText(error)}`,
      { url: url.href },
      FETCH_HINT,
    );
  }
  // Servers redirect "dir" to "dir/" (then list it, or not): a page, not the source.
  const problem = response.url.endsWith('/')
    ? 'it is a directory'
    : response.ok
      ? null
      : `${response.status} ${response.statusText}`.trim();
  if (problem !== null) {
    throw errors.inputConfig(
      `input source "${sourcePath}" could not be fetched from ${url}: ${problem}`,
      { url: url.href },
      FETCH_HINT,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Reads localDirectory sources over HTTP, relative to `base`: the files listed under a source's
 * path make it a directory; any other source is fetched as one file.
 */
export function fetchReader(base: URL, listed: readonly string[]): ReadLocal {
  return async (sourcePath) => {
    const path = normalizePath(sourcePath);
    const prefix = path === '' ? '' : `${path}/`;
    const below = listed.filter((name) => normalizePath(name).startsWith(prefix));
    if (below.length === 0) return file(await fetchSource(sourcePath, new URL(sourcePath, base)));
    return treeFromFiles(
      await Promise.all(
        below.map(async (name) => ({
          path: normalizePath(name).slice(prefix.length),
          data: await fetchSource(sourcePath, new URL(name, base)),
        })),
      ),
    );
  };
}

/** The job text at `src` (relative to `base`) and its URL, or a SpecError that says why it could not be had. */
export async function fetchJob(src: string, base: URL): Promise<{ text: string; url: URL }> {
  const refuse = (why: string) =>
    new BrineError(
      'SpecError',
      `could not load the job from "${src}": ${why}`,
      { src },
      'Check the src attribute: it must be the URL of a job YAML file this page can fetch.',
    );
  let url: URL;
  let response: Response;
  try {
    url = new URL(src, base);
    response = await fetch(url);
  } catch (error) {
    throw refuse(errorText(error));
  }
  if (!response.ok) throw refuse(`${response.status} ${response.statusText}`.trim());
  return { text: await response.text(), url };
}
