import { asBrineError, BrineError, type ErrorCode, type SerializedError } from '../../src/errors/index';

/** A thrown value as a typed error; anything untyped gets `code`. */
export function serializeError(error: unknown, code: ErrorCode): SerializedError {
  return asBrineError(error, (text) => new BrineError(code, text)).toJSON();
}
