// The mount shapes real programs use, in Chromium (the brine/playwright fixture): an input mounted at
// "/" beside other mounts, and the preopen "." (fixtures/c/preopens.c prints what the guest sees).
import { directory, file } from '../src/mounts/tree.js';
import { expect, test } from '../src/package/playwright.js';
import { fixtureJob, fullStdout, memoryInput, outputFiles } from './helpers.js';

const lines = (...text: string[]) => `${text.join('\n')}\n`;

/** "/" holds top.txt, data/own.txt, and data/in and outputs, which the mounts at those targets hide. */
const rooted = (readWrite: boolean, parameters: string[]) =>
  fixtureJob('c/preopens.wasm', {
    inputs: [
      memoryInput(
        '/',
        directory({
          'top.txt': file('top\n'),
          data: directory({ 'own.txt': file('own\n'), in: file('hidden\n') }),
          outputs: file('hidden\n'),
        }),
        readWrite,
      ),
      memoryInput('/data/in', directory({ 'm.txt': file('m\n') })),
    ],
    outputs: [{ name: 'outputs', path: '/outputs' }],
    parameters,
  });

test('an input at / is the root, with the other mounts in place of what it holds there', async ({ brine }) => {
  const result = await brine.run(
    rooted(false, ['ls:/', 'ls:/data', 'top.txt', 'data/in/m.txt', 'write:/outputs/r.txt', 'write:/new.txt']),
  );
  expect(fullStdout(result)).toBe(
    lines(
      'fd 3: /',
      'ls /: data main.wasm outputs top.txt',
      'ls /data: in own.txt',
      'top.txt: top',
      'data/in/m.txt: m',
      'write /outputs/r.txt: ok',
      'write /new.txt: Read-only file system',
    ),
  );
  expect(outputFiles(result)).toEqual([{ name: 'outputs', files: ['r.txt'] }]);
});

test('a ReadWrite input at / takes changes, keeps its mounts (EBUSY) and comes back as "/" without them', async ({
  brine,
}) => {
  const result = await brine.run(rooted(true, ['write:new.txt', 'rm:top.txt', 'rm:/outputs', 'rm:data/in']));
  expect(fullStdout(result)).toBe(
    lines('fd 3: /', 'write new.txt: ok', 'rm top.txt: ok', 'rm /outputs: Resource busy', 'rm data/in: Resource busy'),
  );
  expect(outputFiles(result)).toEqual([
    { name: '/', files: ['data/own.txt', 'new.txt'] },
    { name: 'outputs', files: [] },
  ]);
});

test('the preopen "." is the root: alone, or beside "/" and named preopens in the order given', async ({ brine }) => {
  const inputs = [memoryInput('/inputs', directory({ 'a.txt': file('a\n') }))];
  const alone = await brine.run(
    fixtureJob('c/preopens.wasm', {
      inputs,
      parameters: ['inputs/a.txt', '/inputs/a.txt', '../main.wasm'],
      brine: { argv0: '', preopens: ['.'], rootPreopen: false },
    }),
  );
  expect(fullStdout(alone)).toBe(
    lines('fd 3: .', 'inputs/a.txt: a', '/inputs/a.txt: a', '../main.wasm: Capabilities insufficient'),
  );
  const beside = await brine.run(
    fixtureJob('c/preopens.wasm', { inputs, parameters: ['ls:.'], brine: { argv0: '', preopens: ['inputs', '.'] } }),
  );
  expect(fullStdout(beside)).toBe(lines('fd 3: /', 'fd 4: inputs', 'fd 5: .', 'ls .: inputs main.wasm'));
});

test('the refusals that remain: a second input at /, a file at /, an output at /, an empty preopen', async ({
  brine,
}) => {
  const refused = (fields: Parameters<typeof fixtureJob>[1]) =>
    brine.run(fixtureJob('c/preopens.wasm', fields)).then(
      () => 'started',
      (error: Error) => error.message,
    );
  expect(await refused({ inputs: [memoryInput('/', directory()), memoryInput('.', directory())] })).toContain(
    'duplicate input target "."',
  );
  expect(await refused({ inputs: [memoryInput('/', file('x'))] })).toContain(
    'failed to mount input "/": an input mounted at "/" must be a directory',
  );
  expect(await refused({ inputs: [memoryInput('/', directory())], outputs: [{ name: '/', path: '/out' }] })).toContain(
    'output name "/" must name a path below "/"',
  );
  expect(await refused({ brine: { argv0: '', preopens: [''] } })).toContain('preopen "" is empty');
});
