import { errors } from '../errors/index.js';
import { MountTable } from '../mounts/mount-table.js';
import { normalizePath } from '../mounts/paths.js';
import { directory, type FileTree } from '../mounts/tree.js';
import { decodeInline } from '../spec/inline.js';
import type { Job } from '../spec/types.js';
import { isBacalhauMode } from './bacalhau-mode.js';
import type { ReadLocal } from './types.js';

/** The job's filesystem: its inputs read and mounted at their targets, then its outputs and preopens checked. */
export async function mountJob(job: Job, readLocal: ReadLocal | undefined): Promise<MountTable> {
  const table = new MountTable();
  for (const input of job.inputs) {
    const { source } = input;
    let tree: FileTree;
    let writable = false;
    switch (source.type) {
      case 'inline':
        tree = decodeInline(source.url);
        break;
      case 'memory':
        tree = source.tree;
        writable = source.readWrite;
        break;
      case 'localDirectory':
        if (readLocal === undefined) {
          throw errors.inputConfig(
            `input source "${source.sourcePath}" is a host path, and nothing reads host paths here: give its contents (runJob's files) or run it in Node`,
            { target: input.target },
          );
        }
        tree = await readLocal(source.sourcePath);
        writable = source.readWrite;
        break;
      case 'other': // refused by admission
        throw errors.inputConfig(`input source type "${source.sourceType}" cannot be read here`, {
          target: input.target,
        });
    }
    if (isBacalhauMode(job) && normalizePath(input.target) === '') {
      // Bacalhau's mountfs files an input at "/" under ".", where no path reaches it.
      tree = directory();
      writable = false;
    }
    table.addInput(input.target, tree, writable);
  }
  for (const output of job.outputs) table.addOutput(output.name);
  for (const preopen of job.brine.preopens) {
    if (table.lookup(preopen)?.kind !== 'directory') {
      throw errors.spec(`preopen "${preopen}" is not a directory of the mounted filesystem`, 'Brine.Preopens');
    }
  }
  return table;
}
