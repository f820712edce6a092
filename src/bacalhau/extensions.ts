/**
 * Brine's extensions (Engine.Params.Brine), which Bacalhau ignores: what each did in Brine and
 * what happens instead on Bacalhau. Used by the "On Bacalhau" lines of a run, the warnings of
 * `brine validate --bacalhau` and the comments `brine export` leaves where it removes them.
 */
import { formatBytes } from '../spec/memory.js';
import type { BrineOptions } from '../spec/types.js';

export interface BrineExtension {
  /** The key under Engine.Params.Brine, e.g. "Stdin". */
  key: string;
  /** What it made Brine do. */
  brine: string;
  /** What happens on Bacalhau instead. */
  bacalhau: string;
}

/** One entry per extension the job sets that changes what the program sees. */
export function brineExtensions(brine: BrineOptions): BrineExtension[] {
  const found: BrineExtension[] = [];
  const add = (key: string, did: string, instead: string) => found.push({ key, brine: did, bacalhau: instead });
  if (brine.stdin !== undefined && brine.stdin.byteLength > 0) {
    add(
      'Stdin',
      `the program read ${formatBytes(brine.stdin.byteLength)} on stdin`,
      'stdin is empty (Brine.Stdin is not given)',
    );
  }
  if (brine.argv0 !== '')
    add('Argv0', `argv[0] was ${JSON.stringify(brine.argv0)}`, 'argv[0] is "" (Brine.Argv0 is ignored)');
  if (brine.env !== undefined) {
    const names = Object.keys(brine.env).join(', ');
    add(
      'Env',
      `the program saw ${names} in its environment`,
      `the program does not see ${names} (Brine.Env is ignored)`,
    );
  }
  if (brine.systemEnv === false) {
    add(
      'SystemEnv',
      'the BACALHAU_* variables were left out',
      'the BACALHAU_* variables are set (Brine.SystemEnv is ignored)',
    );
  }
  if (brine.preopens.length > 0) {
    add(
      'Preopens',
      `${brine.preopens.map((p) => `/${p}`).join(', ')} ${brine.preopens.length > 1 ? 'were' : 'was'} preopened after /`,
      'the only preopen is "/" at fd 3 (Brine.Preopens is ignored)',
    );
  }
  if (brine.rootPreopen === false)
    add('RootPreopen', '/ was not preopened', '"/" is preopened at fd 3 (Brine.RootPreopen is ignored)');
  if (brine.seed !== undefined) {
    add(
      'Seed',
      `the clocks and random_get were deterministic (seed ${brine.seed})`,
      'clocks are real and random_get is fixed per module (Brine.Seed is ignored)',
    );
  }
  if (brine.compat !== undefined) {
    add(
      'Compat',
      `the run showed Bacalhau's observable behaviour (${brine.compat})`,
      'the job runs with that behaviour anyway',
    );
  }
  return found;
}
