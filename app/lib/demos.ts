/**
 * Demo jobs (public/demos): real Bacalhau job files whose localDirectory sources are relative to
 * the job file. The UI loads the job as written, with those files fetched as the job's files.
 */
import { errors } from '../../src/errors/index';
import { type FileTree, file, treeFromFiles } from '../../src/mounts/tree';
import { parseJob } from '../../src/spec/parse';
import type { Job } from '../../src/spec/types';
import { fileBytes } from './files';
import { fileKey, type JobFiles } from './jobFiles';
import { markOrigin } from './origins';

export interface DemoInfo {
  id: string;
  title: string;
  description: string;
  /** The job file, relative to the site root. */
  job: string;
  /** Every file of the demo, relative to the job file's folder. */
  files: string[];
  /** Why the demo runs only in the page (not with the CLI, nor exported to Bacalhau as it is). */
  pageOnly?: string;
  /** What to notice when it runs (the teaching note shown beside it). */
  notice?: string;
}

export interface DemoIndex {
  default: string;
  demos: DemoInfo[];
}

async function fetchOk(url: URL): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  return response;
}

export async function fetchDemoIndex(): Promise<DemoIndex> {
  return (await fetchOk(new URL('demos/index.json', document.baseURI))).json() as Promise<DemoIndex>;
}

/**
 * The demo's job as written, with the files its localDirectory sources read, and the page's
 * address in place of ${PAGE_URL} (the app's base URL) and ${PAGE_HOST} (its host name), for
 * demos that fetch from the page's own server.
 */
export async function loadDemoJob(demo: DemoInfo): Promise<{ job: Job; files: JobFiles }> {
  const jobUrl = new URL(demo.job, document.baseURI);
  const page = { URL: new URL('.', document.baseURI).href, HOST: location.hostname };
  const text = (await (await fetchOk(jobUrl)).text()).replace(
    /\$\{PAGE_(URL|HOST)\}/g,
    (_, name: keyof typeof page) => page[name],
  );
  const job = parseJob(text);
  const files = await demoFiles(job, demo, async (path) =>
    fileBytes(await (await fetchOk(new URL(path, jobUrl))).blob()),
  );
  return { job, files };
}

/** The files a demo's localDirectory sources read (a file, or a folder of the demo's files), read by `read`. */
export async function demoFiles(
  job: Job,
  demo: DemoInfo,
  read: (path: string) => Promise<Uint8Array>,
): Promise<JobFiles> {
  const files: [string, FileTree][] = [];
  const folder = `/${demo.job.replace(/[^/]*$/, '')}`;
  for (const { source } of job.inputs) {
    if (source.type !== 'localDirectory') continue;
    const path = fileKey(source.sourcePath);
    if (demo.files.includes(path)) files.push([path, markOrigin(file(await read(path)), `demo file ${folder}${path}`)]);
    else {
      const inside = demo.files.filter((f) => f.startsWith(`${path}/`));
      if (inside.length === 0) throw errors.inputConfig(`demo "${demo.id}" has no file or folder "${path}"`);
      const tree = treeFromFiles(
        await Promise.all(inside.map(async (f) => ({ path: f.slice(path.length + 1), data: await read(f) }))),
      );
      files.push([path, markOrigin(tree, `demo folder ${folder}${path}`)]);
    }
  }
  return Object.fromEntries(files);
}
