/**
 * SHA-256 of file contents, remembered per buffer: the same Uint8Array seen again costs a
 * WeakMap lookup. Buffers handed to Brine must not be changed afterwards.
 */
export class ContentHashes {
  private readonly known = new WeakMap<Uint8Array, Promise<string>>();

  /** Whether the hash of this very buffer is known (or being computed). */
  has(bytes: Uint8Array): boolean {
    return this.known.has(bytes);
  }

  of(bytes: Uint8Array): Promise<string> {
    let hash = this.known.get(bytes);
    if (hash === undefined) {
      hash = crypto.subtle
        .digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)
        .then((digest) => Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join(''));
      this.known.set(bytes, hash);
    }
    return hash;
  }
}
