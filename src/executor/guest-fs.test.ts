import { describe, expect, it } from 'vitest';
import { directory, type FileTree, file } from '../mounts/tree.js';
import { encodeInline } from '../spec/inline.js';
import { type InputSource, newJob } from '../spec/types.js';
import { filesystemChanges, formatTree, guestFilesystem, LISTED_ENTRIES } from './guest-fs.js';

const memory = (target: string, tree: FileTree, readWrite = false): InputSource => ({
  target,
  source: { type: 'memory', tree, readWrite },
});

const contentsOf = (inputs: InputSource[]) =>
  inputs.map(({ source }) => (source.type === 'memory' ? source.tree : undefined));

describe('guestFilesystem', () => {
  it('shows every mount where the guest sees it, with its origin, access and size, and the preopens', () => {
    const inputs: InputSource[] = [
      { target: 'main.wasm', source: { type: 'inline', url: encodeInline(file('wasm')) } },
      memory('/inputs/horses.csv', file('name,sire,dam\n')),
      memory('/work', directory({ 'a.txt': file('a'), sub: directory({ 'b.txt': file('bb') }) }), true),
      { target: '/host', source: { type: 'localDirectory', sourcePath: '/srv/data', readWrite: false } },
      { target: '/remote', source: { type: 'other', sourceType: 'urlDownload', params: {} } },
    ];
    const job = newJob('main.wasm', {
      inputs,
      outputs: [{ name: 'outputs', path: '/outputs' }],
      brine: { argv0: '', preopens: ['/work/sub'] },
    });
    const contents = [file('wasm'), ...contentsOf(inputs).slice(1, 3), directory({ 'x.bin': file('xyz') }), undefined];
    const labels = (i: number) => (i === 1 ? 'dropped file "horses.csv"' : undefined);
    expect(formatTree(guestFilesystem(job, contents, labels))).toEqual([
      '/  (preopened as fd 3 "/")',
      '├── host/  (read-only, local path /srv/data, 1 file, 3 B)',
      '│   └── x.bin  (3 B)',
      '├── inputs/',
      '│   └── horses.csv  (read-only, dropped file "horses.csv", 14 B)',
      '├── main.wasm  (read-only, inline data (a data: URL in the job), 4 B)',
      '├── outputs/  (writable, output "outputs", empty)',
      '├── remote  (read-only, urlDownload source (not available offline))',
      '└── work/  (writable, in memory, 2 files, 3 B)',
      '    ├── a.txt  (1 B)',
      '    └── sub/  (preopened as fd 4 "work/sub")',
      '        └── b.txt  (2 B)',
    ]);
  });

  it('gives the named preopens fd 3 on when "/" is not preopened, and none in the compatibility mode', () => {
    const inputs = [memory('/data', directory({ 'f.txt': file('f') }))];
    const named = newJob('m.wasm', { inputs, brine: { argv0: '', preopens: ['data', '.'], rootPreopen: false } });
    expect(formatTree(guestFilesystem(named, contentsOf(inputs))).slice(0, 2)).toEqual([
      '/  (preopened as fd 4 ".")',
      '└── data/  (preopened as fd 3 "data", read-only, in memory, 1 file, 1 B)',
    ]);
    const compat = newJob('m.wasm', { inputs, brine: { argv0: '', preopens: ['data'], compat: 'bacalhau' } });
    const root = guestFilesystem(compat, contentsOf(inputs));
    expect(root.preopens).toEqual([{ fd: 3, name: '/' }]);
    expect(root.children![0]!.preopens).toBeUndefined();
  });

  it('shows an input at "/" as the root directory, with the other mounts inside it', () => {
    const inputs = [memory('/data', file('d')), memory('/', directory({ 'etc.txt': file('e'), data: file('hidden') }))];
    const job = newJob('m.wasm', { inputs });
    expect(formatTree(guestFilesystem(job, contentsOf(inputs)))).toEqual([
      '/  (preopened as fd 3 "/", read-only, in memory, 2 files, 7 B)',
      '├── data  (read-only, in memory, 1 B)',
      '└── etc.txt  (1 B)',
    ]);
  });

  it(`lists ${LISTED_ENTRIES} entries of a directory and counts the rest`, () => {
    const many = directory(
      Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`f${String(i).padStart(2, '0')}`, file('x')])),
    );
    const inputs = [memory('/many', many)];
    const lines = formatTree(guestFilesystem(newJob('m.wasm', { inputs }), contentsOf(inputs)));
    expect(lines[1]).toBe('└── many/  (read-only, in memory, 25 files, 25 B)');
    expect(lines.slice(-2)).toEqual(['    ├── f19  (1 B)', '    └── … 5 more']);
    expect(lines).toHaveLength(2 + LISTED_ENTRIES + 1);
  });
});

describe('filesystemChanges', () => {
  it('marks what a run created in an output, and what it created, modified, kept and deleted in a ReadWrite input', () => {
    const before = directory({
      keep: file('same'),
      edit: file('old'),
      gone: file('bye'),
      link: { kind: 'symlink', target: 'keep' },
    });
    const inputs = [memory('/work', before, true)];
    const job = newJob('m.wasm', { inputs, outputs: [{ name: 'outputs', path: '/outputs' }] });
    const after = directory({
      keep: file('same'),
      edit: file('new!'),
      link: { kind: 'symlink', target: 'keep' },
      made: file('fresh'),
    });
    const changes = filesystemChanges(job, contentsOf(inputs), [
      { name: 'work', role: 'input', tree: after },
      { name: 'outputs', role: 'output', tree: directory({ 'out.csv': file('a,b\n') }) },
    ]);
    expect(changes.flatMap(formatTree)).toEqual([
      '/work/  (writable, in memory, 4 files, 13 B)', // the link counts as a file
      '├── edit  (modified, 4 B)',
      '├── gone  (deleted, 3 B)',
      '├── keep  (unchanged, 4 B)',
      '├── link  (unchanged, → keep)',
      '└── made  (created, 5 B)',
      '/outputs/  (writable, output "outputs", 1 file, 4 B)',
      '└── out.csv  (created, 4 B)',
    ]);
  });
});
