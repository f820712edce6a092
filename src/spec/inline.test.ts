import { gunzipSync, gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isBrineError } from '../errors/index.js';
import { directory, type FileTree, file } from '../mounts/tree.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import { decodeInline, encodeInline, isDataUrl, parseDataUrl } from './inline.js';
import { readTar, writeTar } from './tar.js';

const encoder = new TextEncoder();

function expectInputConfig(fn: () => unknown, message: RegExp): void {
  try {
    fn();
    expect.unreachable();
  } catch (error) {
    expect(isBrineError(error, 'InputConfigError')).toBe(true);
    expect((error as Error).message).toMatch(/^input configuration error: /);
    expect((error as Error).message).toMatch(message);
  }
}

/** A ustar header written independently of tar.ts. */
function ustar(name: string, type: string, data = new Uint8Array(0), link = ''): Uint8Array[] {
  const block = new Uint8Array(512);
  const put = (offset: number, text: string) => block.set(encoder.encode(text), offset);
  put(0, name);
  put(100, '0000644\0');
  put(124, `${data.length.toString(8).padStart(11, '0')}\0`);
  put(136, '00000000000\0');
  put(148, '        ');
  put(156, type);
  put(157, link);
  put(257, 'ustar\u000000');
  put(
    148,
    `${block
      .reduce((a, b) => a + b, 0)
      .toString(8)
      .padStart(6, '0')}\0 `,
  );
  const padding = new Uint8Array((512 - (data.length % 512)) % 512);
  return [block, data, padding];
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

const tarGzUrl = (tar: Uint8Array, type = 'application/gzip') => `data:${type};base64,${bytesToBase64(gzipSync(tar))}`;

describe('base64', () => {
  it('round-trips large inputs (chunked)', () => {
    const bytes = new Uint8Array(300_001).map((_, i) => (i * 7919) % 256);
    const text = bytesToBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect(Buffer.from(base64ToBytes(text)).equals(bytes)).toBe(true);
  });

  it('matches known vectors, ignores whitespace and missing padding, accepts URL-safe', () => {
    expect(bytesToBase64(encoder.encode('hello'))).toBe('aGVsbG8=');
    expect(base64ToBytes('aGVs\nbG8')).toEqual(encoder.encode('hello'));
    expect(base64ToBytes('-_8=')).toEqual(new Uint8Array([0xfb, 0xff]));
  });

  it('rejects invalid input', () => {
    expect(() => base64ToBytes('a$b=')).toThrow('invalid base64 data');
  });
});

describe('data URLs', () => {
  it('decodes base64 and percent-encoded forms', () => {
    expect(parseDataUrl('data:application/wasm;base64,AGFzbQ==')).toEqual({
      contentType: 'application/wasm',
      data: new Uint8Array([0, 0x61, 0x73, 0x6d]),
    });
    expect(parseDataUrl('data:,a%20b%E2%82%AC%zz')).toEqual({
      contentType: 'text/plain',
      data: encoder.encode('a b€%zz'),
    });
    expect(parseDataUrl('DATA:Text/Plain;charset=utf-8;BASE64,aGk=').contentType).toBe('text/plain');
    expect(decodeInline('data:text/plain;charset=utf-8,hi')).toEqual(file('hi'));
  });

  it('recognises data URLs', () => {
    expect(isDataUrl('data:,x')).toBe(true);
    expect(isDataUrl('https://example.com/x')).toBe(false);
    expect(isDataUrl('data:no-comma')).toBe(false);
  });

  it('rejects non-data URLs and bad base64 with InputConfigError', () => {
    expectInputConfig(() => decodeInline('https://example.com/a.wasm'), /not a data: URL/);
    expectInputConfig(() => decodeInline('data:application/wasm;base64,@@@'), /invalid data URL: invalid base64/);
  });
});

describe('inline archives', () => {
  it('gunzips and untars a tar built in the test into a directory tree', () => {
    const tar = concat([
      ...ustar('data/', '5'),
      ...ustar('data/a.txt', '0', encoder.encode('alpha')),
      ...ustar('data/sub/b.bin', '0', new Uint8Array(600).fill(7)),
      ...ustar('data/link', '2', undefined, 'a.txt'),
      ...ustar('./empty/', '5'),
      new Uint8Array(1024),
    ]);
    for (const type of ['application/gzip', 'application/x-gzip', 'application/x-tar+gzip']) {
      expect(decodeInline(tarGzUrl(tar, type))).toEqual(
        directory({
          data: directory({
            'a.txt': file('alpha'),
            sub: directory({ 'b.bin': file(new Uint8Array(600).fill(7)) }),
            link: { kind: 'symlink', target: 'a.txt' },
          }),
          empty: directory(),
        }),
      );
    }
    const gz = gzipSync(tar, { mtime: 0 }); // a fixed mtime: the header must not change between the two calls
    expect(decodeInline(`data:application/octet-stream;base64,${bytesToBase64(gz)}`)).toEqual(file(gz));
  });

  // Made by Python's tarfile (GNU and pax formats): a 124-character name, a symlink, a hard link, UTF-8.
  const GNU =
    'H4sIAAAAAAACA+3XTQrCMBAF4Kw9RU6QJm1+XHqAXiJYq2JoQVPwSp7Di9lWEC0FQUha7Ps26bqPN8OwpLDeJiQk3tJS9m9r+I58a6M4oYpE0Fy8PVNKFoo98z/snKuZv/pp8tef+QuuRUYoR/7B9cGvCCy2/yzZ5HW1z4/VKeD8H+n9q/Mpl4P5b4wShObof6z5X00k1MqBGeX/ff8P+p+lJlPY/zG4dvSjBYvvvwu3/X+4/4SQuu1/GvQqQf/f7z97LmaUf6q6+0/EOE6Rf/eLt7a836a7/+Ww/xz3fxyNL9fYggAAAAAAAAAAAP/pAdP2FYYAKAAA';
  const PAX =
    'H4sIAAAAAAACA+2XQY6CMBSGu/YUnAD6CqWzmThLl16hGXAwQ9BgJ+FKnsOLTUFjRE0mLlrI9P82ZdeQP1/f/+Kk0EYnzCXckmfZcFruzyffihNnkWQe+DkY3dorWZjE5/yrsq53senMNPnn4/yJ5zJlEUf+zhmCXzAQrP9x8rHW3arURdm6e/+feH91XpC891+Q9b+D/86hjKK9NtX7ZRA0E9HPHjxDk81/p9n+Pf+zsf+pUEpi/vug3jVfsCB4/+tt8z2f/Y9ICuu/cLqVwP/b/U+3xYzyF7Lf/8jHchp8/tP3f57SQ//nCv3fB0KO6v+n3pyO6OLBvf8296WzQfty/yeeqhz938vvm80bLAAAAAAAAAAAAP43v6OK2qsAKAAA';
  it.each([
    ['GNU', GNU],
    ['pax', PAX],
  ])('reads %s long names, symlinks and hard links', (_, base64) => {
    expect(decodeInline(`data:application/gzip;base64,${base64}`)).toEqual(
      directory({
        data: directory({
          'hello.txt': file('hello\n'),
          [`${'n'.repeat(120)}.txt`]: file('long'),
          link: { kind: 'symlink', target: 'hello.txt' },
          hard: file('hello\n'),
          'café.txt': file('utf8'),
        }),
      }),
    );
  });

  it('rejects absolute paths and .. components', () => {
    const archive = (name: string) =>
      tarGzUrl(concat([...ustar(name, '0', encoder.encode('x')), new Uint8Array(1024)]));
    expectInputConfig(() => decodeInline(archive('/etc/passwd')), /archive entry "\/etc\/passwd" has an absolute path/);
    expectInputConfig(() => decodeInline(archive('a/../../x')), /archive entry "a\/..\/..\/x" has a "\.\." component/);
  });

  it('rejects corrupt gzip and tar data', () => {
    expectInputConfig(() => decodeInline('data:application/gzip;base64,AAAA'), /invalid gzip data/);
    expectInputConfig(() => decodeInline(tarGzUrl(new Uint8Array(512).fill(65))), /invalid tar archive: /);
    const truncated = concat(ustar('a.txt', '0', new Uint8Array(2000))).subarray(0, 1024);
    expectInputConfig(() => decodeInline(tarGzUrl(truncated)), /truncated entry/);
  });

  it('keeps names such as __proto__ as entries', () => {
    const tar = concat([...ustar('__proto__', '0', encoder.encode('p')), new Uint8Array(1024)]);
    const tree = readTar(tar);
    expect(Object.keys(tree.entries)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tree.entries)).toBe(Object.prototype);
  });
});

describe('encodeInline', () => {
  const tree: FileTree = directory({
    'b.txt': file('bee'),
    'a.bin': file(new Uint8Array([0, 1, 2, 255])),
    nested: directory({ deeper: directory({ [`${'x'.repeat(150)}.dat`]: file('long name') }), empty: directory() }),
    link: { kind: 'symlink', target: `../${'t'.repeat(120)}` },
  });

  it('writes a single file as a base64 octet-stream data URL', () => {
    expect(encodeInline(file('hi'))).toBe('data:application/octet-stream;base64,aGk=');
    expect(decodeInline(encodeInline(file(new Uint8Array([9, 8, 7]))))).toEqual(file(new Uint8Array([9, 8, 7])));
  });

  it('round-trips a directory through a deterministic tar.gz', () => {
    const url = encodeInline(tree);
    expect(url.startsWith('data:application/gzip;base64,')).toBe(true);
    expect(decodeInline(url)).toEqual(tree);
    expect(encodeInline(tree)).toBe(url);
    const gz = base64ToBytes(url.slice(url.indexOf(',') + 1));
    expect(gz.subarray(4, 8)).toEqual(new Uint8Array(4)); // gzip mtime 0
  });

  it('writes sorted ustar entries with zero mtimes that a reader of the format accepts', () => {
    const tar = writeTar(directory({ z: file('1'), a: directory({ f: file('2') }) }));
    const names = [0, 512, 1536].map((offset) =>
      new TextDecoder().decode(tar.subarray(offset, offset + 100)).replace(/\0+$/, ''),
    );
    expect(names).toEqual(['a/', 'a/f', 'z']);
    expect(new TextDecoder().decode(tar.subarray(257, 265))).toBe('ustar\u000000');
    expect(new TextDecoder().decode(tar.subarray(136, 147))).toBe('0'.repeat(11));
    expect(tar.length).toBe(512 * 5 + 1024);
    expect(readTar(gunzipSync(gzipSync(tar)))).toEqual(directory({ z: file('1'), a: directory({ f: file('2') }) }));
  });

  it('refuses to inline a symlink', () => {
    expectInputConfig(() => encodeInline({ kind: 'symlink', target: 'x' }), /a symlink cannot be inlined/);
  });
});
