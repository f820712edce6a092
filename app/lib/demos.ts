/**
 * Demo jobs (public/demos): real Bacalhau job files whose localDirectory sources are relative to
 * the job file. The UI fetches those files and mounts them in memory.
 */
import { errors } from '../../src/errors/index';
import { normalizePath } from '../../src/mounts/paths';
import { type FileTree, file, treeFromFiles } from '../../src/mounts/tree';
import { parseJob } from '../../src/spec/parse';
import type { Job } from '../../src/spec/types';
import { fileBytes } from './files';
import { markOrigin } from './origins';

export interface DemoInfo {
  id: string;
  title: string;
  description: string;
  /** The job file, relative to the site root. */
  job: string;
  /** Every file of the demo, relative to the job file's folder. */
  files: string[];
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

/** The demo's job, with its localDirectory sources fetched into in-memory sources. */
export async function loadDemoJob(demo: DemoInfo): Promise<Job> {
  const jobUrl = new URL(demo.job, document.baseURI);
  const job = parseJob(await (await fetchOk(jobUrl)).text());
  const fetchFile = async (path: string) => fileBytes(await (await fetchOk(new URL(path, jobUrl))).blob());
  for (const input of job.inputs) {
    const { source } = input;
    if (source.type !== 'localDirectory') continue;
    const path = normalizePath(source.sourcePath);
    const folder = new URL(path, jobUrl).pathname;
    let tree: FileTree;
    if (demo.files.includes(path)) tree = markOrigin(file(await fetchFile(path)), `demo file ${folder}`);
    else {
      const inside = demo.files.filter((f) => f.startsWith(`${path}/`));
      if (inside.length === 0) throw errors.inputConfig(`demo "${demo.id}" has no file or folder "${path}"`);
      tree = markOrigin(
        treeFromFiles(
          await Promise.all(inside.map(async (f) => ({ path: f.slice(path.length + 1), data: await fetchFile(f) }))),
        ),
        `demo folder ${folder}`,
      );
    }
    input.source = { type: 'memory', tree, readWrite: source.readWrite };
  }
  return job;
}
