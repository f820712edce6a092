import { describe, expect, it } from 'vitest';
import {
  BRINE_CODES,
  BrineError,
  type ErrorCode,
  EXECUTOR_CODES,
  errors,
  errorText,
  isBrineError,
  type SerializedError,
  WASM_CODES,
} from './index.js';

const ALL_CODES: readonly ErrorCode[] = [...WASM_CODES, ...EXECUTOR_CODES, ...BRINE_CODES];

describe('BrineError', () => {
  it('every code has its component, an HTTP status and a hint', () => {
    expect(new Set(ALL_CODES).size).toBe(ALL_CODES.length);
    for (const code of ALL_CODES) {
      const error = new BrineError(code, 'm');
      const component = (WASM_CODES as readonly string[]).includes(code)
        ? 'WASM'
        : (EXECUTOR_CODES as readonly string[]).includes(code)
          ? 'Executor'
          : 'Brine';
      expect(error.component, code).toBe(component);
      expect(Number.isInteger(error.httpStatus), code).toBe(true);
      expect(error.httpStatus, code).toBeGreaterThanOrEqual(400);
      expect(error.httpStatus, code).toBeLessThan(600);
      expect(error.hint.length, code).toBeGreaterThan(20);
      expect(error.code).toBe(code);
      expect(error.name).toBe('BrineError');
      expect(error).toBeInstanceOf(Error);
    }
  });

  it('maps codes to the expected HTTP statuses', () => {
    const status = (code: ErrorCode) => new BrineError(code, '').httpStatus;
    expect(status('ModuleNotFound')).toBe(404);
    expect(status('ExecutionNotFound')).toBe(404);
    expect(status('SpecError')).toBe(400);
    expect(status('InputConfigError')).toBe(400);
    expect(status('OutputConfigError')).toBe(400);
    expect(status('ExecutionAlreadyStarted')).toBe(409);
    expect(status('ExecutionTimeout')).toBe(504);
    expect(status('WorkerCrashed')).toBe(500);
  });

  it('toJSON → BrineError.from keeps code, message, hint and details', () => {
    for (const code of ALL_CODES) {
      const original = new BrineError(code, `message for ${code}`, { path: '/x', n: 3, nested: { a: [1, 2] } });
      const wire: SerializedError = JSON.parse(JSON.stringify(original));
      expect(wire).toEqual({
        code,
        component: original.component,
        message: `message for ${code}`,
        hint: original.hint,
        httpStatus: original.httpStatus,
        details: { path: '/x', n: 3, nested: { a: [1, 2] } },
      });
      const back = BrineError.from(wire);
      expect(back).toBeInstanceOf(BrineError);
      expect(back.toJSON()).toEqual(wire);
    }
  });

  it('keeps a custom hint across the round trip, and omits absent details', () => {
    const original = new BrineError('SpecError', 'bad', undefined, 'custom hint');
    const wire = original.toJSON();
    expect('details' in wire).toBe(false);
    const back = BrineError.from(JSON.parse(JSON.stringify(wire)));
    expect(back.hint).toBe('custom hint');
    expect(back.details).toBeUndefined();
    expect(back.message).toBe('bad');
  });

  it('isBrineError checks the class and, optionally, the code', () => {
    const error = errors.spec('missing field', 'Engine.Type');
    expect(isBrineError(error)).toBe(true);
    expect(isBrineError(error, 'SpecError')).toBe(true);
    expect(isBrineError(error, 'LogError')).toBe(false);
    expect(isBrineError(new Error('x'))).toBe(false);
    expect(isBrineError(error.toJSON())).toBe(false);
    expect(error.details).toEqual({ field: 'Engine.Type' });
    expect(errors.spec('no field').details).toBeUndefined();
  });

  it('constructors use the Bacalhau message patterns', () => {
    expect(errors.moduleNotFound('main.wasm').message).toBe('module not found: "main.wasm"');
    expect(errors.entrypoint('_start').message).toBe("unable to find the entrypoint '_start' in the WASM module");
    expect(errors.executionNotFound('getting', 'e-1').message).toBe('getting execution (e-1): execution not found');
    expect(errors.alreadyStarted('e-1').code).toBe('ExecutionAlreadyStarted');
    expect(errors.timeout(5).details).toEqual({ timeoutSeconds: 5 });
    expect(errors.moduleCompile('m.wasm', 'bad magic', { size: 3 }).details).toEqual({ path: 'm.wasm', size: 3 });
    expect(errors.filesystem('out', 'overlap').message).toBe('filesystem error at "out": overlap');
  });
});

describe('errorText', () => {
  it('gives the message of an Error and the text of anything else thrown', () => {
    expect(errorText(new TypeError('bad type'))).toBe('bad type');
    expect(errorText(errors.cancelled())).toBe('execution cancelled');
    expect(errorText('a string')).toBe('a string');
    expect(errorText(42)).toBe('42');
    expect(errorText(undefined)).toBe('undefined');
    expect(errorText(null)).toBe('null');
    expect(errorText(Symbol('s'))).toBe('Symbol(s)');
    expect(errorText({ toString: () => 'custom' })).toBe('custom');
  });
});
