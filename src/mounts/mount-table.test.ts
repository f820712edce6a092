import { describe, expect, it } from 'vitest';
import { BrineError, type ErrorCode } from '../errors/index.js';
import { MountTable } from './mount-table.js';
import { normalizePath } from './paths.js';
import { directory, file } from './tree.js';

function codeOf(run: () => void): ErrorCode | 'no error' {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BrineError);
    return (error as BrineError).code;
  }
  return 'no error';
}

const tree = () => directory({ 'x.txt': file('x'), sub: directory({ 'y.txt': file('y') }) });

describe('normalizePath', () => {
  it('drops empty, "." and leading/trailing slashes; ".." stops at the root', () => {
    expect(normalizePath('/a//b/./c/')).toBe('a/b/c');
    expect(normalizePath('///')).toBe('');
    expect(normalizePath('a/../b')).toBe('b');
    expect(normalizePath('/../../a')).toBe('a');
    expect(normalizePath('a/b/../../..')).toBe('');
  });
});

describe('MountTable', () => {
  it('ignores leading slashes and normalises targets', () => {
    const table = new MountTable();
    table.addInput('/inputs//data/', tree(), false);
    table.addInput('models', tree(), true);
    table.addOutput('/outputs');
    expect(table.mounts.map((m) => [m.target, m.role, m.writable])).toEqual([
      ['inputs/data', 'input', false],
      ['models', 'input', true],
      ['outputs', 'output', true],
    ]);
    expect(table.mounts[2]!.tree).toEqual(directory());
    // "/inputs/data" and "inputs/data" are the same target.
    expect(codeOf(() => table.addInput('inputs/data', tree(), false))).toBe('InputConfigError');
  });

  it('an input at the root holds the other mounts; a second one, a file there or an output at / is refused', () => {
    for (const spelling of ['/', '', '/./', '.']) {
      const table = new MountTable();
      table.addInput(spelling, tree(), true);
      table.addInput('/inputs/data', tree(), false);
      table.addOutput('outputs');
      expect(table.mounts.map((m) => [m.target, m.role, m.writable])).toEqual([
        ['', 'input', true],
        ['inputs/data', 'input', false],
        ['outputs', 'output', true],
      ]);
      // Bacalhau: "a filesystem with prefix "." is already mounted".
      expect(codeOf(() => table.addInput('/', tree(), false))).toBe('InputConfigError');
      expect(codeOf(() => table.addOutput('/'))).toBe('OutputConfigError');
      // Beside the root input the other rules hold: no mount inside another.
      expect(codeOf(() => table.addInput('inputs', tree(), false))).toBe('InputConfigError');
      expect(codeOf(() => table.addOutput('inputs/data/out'))).toBe('FilesystemError');
      expect(table.mounts).toHaveLength(3);
    }
    // Added after the others, too.
    const later = new MountTable();
    later.addOutput('outputs');
    later.addInput('/', tree(), false);
    expect(later.mounts.map((m) => m.target)).toEqual(['outputs', '']);
    const error = (() => {
      try {
        new MountTable().addInput('/', file('x'), false);
      } catch (e) {
        return e as BrineError;
      }
      throw new Error('no error');
    })();
    expect(error.code).toBe('InputConfigError');
    expect(error.message).toBe(
      'input configuration error: failed to mount input "/": an input mounted at "/" must be a directory',
    );
  });

  it('looks up the root input with the other mounts in place of what it holds at their targets', () => {
    const rootTree = directory({
      'top.txt': file('top'),
      data: directory({ 'own.txt': file('own'), in: file('hidden by the mount') }),
      outputs: file('hidden by the output'),
      deep: file('a file on the way is hidden too'),
    });
    const table = new MountTable();
    table.addInput('/', rootTree, false);
    table.addInput('data/in', directory({ 'm.txt': file('m') }), false);
    table.addInput('deep/er', file('er'), false);
    table.addOutput('outputs');
    expect(table.lookup('/')).toEqual(
      directory({
        'top.txt': file('top'),
        data: directory({ 'own.txt': file('own'), in: directory({ 'm.txt': file('m') }) }),
        outputs: directory(),
        deep: directory({ er: file('er') }),
      }),
    );
    expect(table.lookup('top.txt')).toEqual(file('top'));
    expect(table.lookup('data/own.txt')).toEqual(file('own'));
    expect(table.lookup('data/in/m.txt')).toEqual(file('m'));
    expect(table.lookup('deep/er')).toEqual(file('er'));
    expect(table.lookup('nope')).toBeUndefined();
    expect(table.lookup('data/nope')).toBeUndefined();
    expect(table.lookup('top.txt/x')).toBeUndefined();
    // Alone, the root input is the root.
    const alone = new MountTable();
    alone.addInput('/', rootTree, false);
    expect(alone.lookup('')).toBe(rootTree);
  });

  it('refuses the same input target twice, and nested targets in either order', () => {
    for (const [first, second] of [
      ['a', 'a'],
      ['a', '/a/'],
      ['a', 'a/b'],
      ['a/b', 'a'],
      ['/a/b/c', 'a'],
      ['a', 'a/b/c'],
    ]) {
      const table = new MountTable();
      table.addInput(first!, tree(), false);
      let error: unknown;
      try {
        table.addInput(second!, tree(), false);
      } catch (e) {
        error = e;
      }
      expect(error, `${first} then ${second}`).toBeInstanceOf(BrineError);
      expect((error as BrineError).code).toBe('InputConfigError');
      expect((error as BrineError).message).toContain(second);
      expect(table.mounts).toHaveLength(1);
    }
  });

  it('siblings sharing a name prefix do not overlap', () => {
    const table = new MountTable();
    table.addInput('a', tree(), false);
    table.addInput('ab', tree(), false);
    table.addInput('a-b/c', tree(), false);
    table.addOutput('abc');
    expect(table.mounts.map((m) => m.target)).toEqual(['a', 'ab', 'a-b/c', 'abc']);
  });

  it('an output equal to an input target is OutputConfigError; other overlaps are FilesystemError', () => {
    const withInput = () => {
      const table = new MountTable();
      table.addInput('/data', tree(), false);
      return table;
    };
    expect(codeOf(() => withInput().addOutput('data'))).toBe('OutputConfigError');
    expect(codeOf(() => withInput().addOutput('/data/'))).toBe('OutputConfigError');
    expect(codeOf(() => withInput().addOutput('data/out'))).toBe('FilesystemError');
    const nestedInput = new MountTable();
    nestedInput.addInput('data/in', tree(), false);
    expect(codeOf(() => nestedInput.addOutput('data'))).toBe('FilesystemError');
    // Two outputs with one name, or nested outputs.
    const outputs = new MountTable();
    outputs.addOutput('out');
    expect(codeOf(() => outputs.addOutput('out'))).toBe('FilesystemError');
    expect(codeOf(() => outputs.addOutput('out/sub'))).toBe('FilesystemError');
    expect(outputs.mounts).toHaveLength(1);
    const error = (() => {
      try {
        withInput().addOutput('data');
      } catch (e) {
        return e as BrineError;
      }
      throw new Error('no error');
    })();
    expect(error.message).toBe('output configuration error: output name "data" conflicts with input target');
    expect(error.httpStatus).toBe(400);
  });

  it('looks up through virtual directories and into mounted trees', () => {
    const table = new MountTable();
    table.addInput('/inputs/a', tree(), false);
    table.addInput('/inputs/b/deep', directory({ 'z.txt': file('z') }), false);
    table.addInput('/module.wasm', file('wasm'), false);
    table.addOutput('outputs');

    expect(table.lookup('/')).toEqual(
      directory({
        inputs: directory({ a: tree(), b: directory({ deep: directory({ 'z.txt': file('z') }) }) }),
        'module.wasm': file('wasm'),
        outputs: directory(),
      }),
    );
    expect(table.lookup('')).toEqual(table.lookup('/'));
    expect(table.lookup('inputs/')).toEqual(
      directory({ a: tree(), b: directory({ deep: directory({ 'z.txt': file('z') }) }) }),
    );
    expect(table.lookup('/inputs/b')).toEqual(directory({ deep: directory({ 'z.txt': file('z') }) }));
    expect(table.lookup('inputs/a/x.txt')).toEqual(file('x'));
    expect(table.lookup('//inputs/./a/sub/y.txt')).toEqual(file('y'));
    expect(table.lookup('inputs/b/deep/z.txt')).toEqual(file('z'));
    expect(table.lookup('module.wasm')).toEqual(file('wasm'));
    // The mounted tree itself, not a copy.
    expect(table.lookup('inputs/a')).toBe(table.mounts[0]!.tree);
    expect(table.lookup('nope')).toBeUndefined();
    expect(table.lookup('inputs/c')).toBeUndefined();
    expect(table.lookup('inputs/a/nope')).toBeUndefined();
    expect(table.lookup('inputs/a/x.txt/more')).toBeUndefined();
    expect(table.lookup('module.wasm/x')).toBeUndefined();
    expect(table.lookup('in')).toBeUndefined();
  });

  it('the root of an empty table is an empty directory', () => {
    expect(new MountTable().lookup('/')).toEqual(directory());
    expect(new MountTable().lookup('a')).toBeUndefined();
  });

  it('does not follow symlinks inside mounted trees', () => {
    const table = new MountTable();
    table.addInput(
      'd',
      directory({ link: { kind: 'symlink', target: 'real' }, real: directory({ f: file('f') }) }),
      false,
    );
    expect(table.lookup('d/link')).toEqual({ kind: 'symlink', target: 'real' });
    expect(table.lookup('d/link/f')).toBeUndefined();
    expect(table.lookup('d/real/f')).toEqual(file('f'));
  });
});
