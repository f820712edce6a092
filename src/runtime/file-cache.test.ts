import { describe, expect, it } from 'vitest';
import { mountsForWorker, SHARED_FROM_BYTES } from '../executor/worker-files.js';
import { ContentHashes } from '../mounts/content-hash.js';
import type { Mount } from '../mounts/mount-table.js';
import { directory, file } from '../mounts/tree.js';
import { FileCache } from './file-cache.js';

const big = (fill: number) => new Uint8Array(SHARED_FROM_BYTES).fill(fill);
const mount = (tree: Mount['tree']): Mount => ({ target: 'data', tree, writable: false, role: 'input' });

describe('big input files are sent to a warm worker once', () => {
  it('the host sends a big file with its hash, then only the hash once the worker holds it; small files as they are', async () => {
    const hashes = new ContentHashes();
    const small = file('small');
    const bigFile = file(big(1));
    const mounts = [mount(directory({ big: bigFile, small }))];
    /** The data of the big file in a resolved mount (compared by identity: deep equality is slow on 1 MiB). */
    const bigData = (resolved: Mount[]) =>
      resolved[0]!.tree.kind === 'directory' ? resolved[0]!.tree.entries['big'] : undefined;
    const first = await mountsForWorker(mounts, new Set(), hashes);
    const sent = first[0]!.tree.kind === 'directory' ? first[0]!.tree.entries : {};
    expect(sent['small']).toBe(small);
    expect(sent['big']).toMatchObject({ kind: 'file', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const worker = new FileCache();
    expect((bigData(worker.resolve(first)) as { data: Uint8Array }).data).toBe(bigFile.data);
    expect(worker.held).toEqual([(sent['big'] as { sha256: string }).sha256]);

    const second = await mountsForWorker(mounts, new Set(worker.held), hashes);
    const resent = second[0]!.tree.kind === 'directory' ? second[0]!.tree.entries : {};
    expect(resent['big']).toEqual({ kind: 'held', sha256: worker.held[0] });
    expect((bigData(worker.resolve(second)) as { data: Uint8Array }).data).toBe(bigFile.data);
  });

  it('the worker forgets the least recently used files past its limit, and says which it holds', async () => {
    const hashes = new ContentHashes();
    const worker = new FileCache(2 * SHARED_FROM_BYTES);
    const [a, b, c] = [big(1), big(2), big(3)];
    const send = async (data: Uint8Array) =>
      worker.resolve(await mountsForWorker([mount(file(data))], new Set(worker.held), hashes));
    await send(a);
    await send(b);
    await send(a); // a is used again, so b is the oldest
    await send(c);
    expect(new Set(worker.held)).toEqual(new Set([await hashes.of(a), await hashes.of(c)]));
    expect(() => worker.resolve([mount({ kind: 'held', sha256: 'f'.repeat(64) } as never)])).toThrowError(
      /no longer holds/,
    );
  });
});
