import { BrineError, errorText } from '../errors/index.js';

/** An error as the CLI prints it: the typed error's code, message and hint, or the plain text. */
export function describeError(error: unknown): string {
  if (error instanceof BrineError) return `brine: ${error.code}: ${error.message}\nhint: ${error.hint}\n`;
  return `brine: ${errorText(error)}\n`;
}
