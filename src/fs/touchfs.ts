import { wasi } from '@bjorn3/browser_wasi_shim';

/**
 * Bacalhau mounts each output directory as a `touchfs` behind wazero's fs.FS adapter (reference
 * §3.3, docs/bacalhau-rules.md rt-touchfs): the first open of a missing name creates it (whatever
 * the flags, a stat included), every open of an existing file is read-only, and directories,
 * unlinks, renames, links, symlinks and timestamps are ENOSYS, so outputs are flat files.
 *
 * In the Bacalhau compatibility mode the output directories behave so ('enforce'). In Brine's
 * own mode they are ordinary writable directories, and what Bacalhau would have done differently
 * is noted for the result's "On Bacalhau" lines ('observe').
 */
export class OutputPolicy {
  private readonly noted = new Set<string>();

  constructor(readonly mode: 'enforce' | 'observe') {}

  /** The differences seen (observe mode), in the order they happened. */
  get notes(): string[] {
    return [...this.noted];
  }

  /**
   * An operation on `path` (directly in an output) that touchfs does not have: ENOSYS when
   * enforcing, otherwise null (go ahead) after noting it.
   */
  refuse(operation: string, path: string): number | null {
    if (this.mode === 'enforce') return wasi.ERRNO_NOSYS;
    this.note(`${operation} ${path} fails (ENOSYS): outputs are flat files`);
    return null;
  }

  /** A difference the caller handles itself (it creates the file, or opens it read-only, when enforcing). */
  note(text: string): void {
    if (this.mode === 'observe' && this.noted.size < MAX_NOTES) this.noted.add(text);
  }
}

/** Differences kept per run (a guest looping over files would repeat them endlessly). */
const MAX_NOTES = 20;
