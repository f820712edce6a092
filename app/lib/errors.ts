import { BrineError, type ErrorCode, errorText, isBrineError, type SerializedError } from '../../src/errors/index';

/** A thrown value as a typed error; anything untyped gets `code`. */
export function serializeError(error: unknown, code: ErrorCode): SerializedError {
  return (isBrineError(error) ? error : new BrineError(code, errorText(error))).toJSON();
}
