/** ANSI SGR colour codes in log lines, turned into styled segments (rendered as text, never HTML). */

export interface AnsiSegment {
  text: string;
  /** Palette index 0–15 (30–37 → 0–7, 90–97 → 8–15), or null for the default colour. */
  colour: number | null;
  bold: boolean;
}

// CSI sequences: ESC [ params final-byte. Only SGR ("m") changes the style; the others are dropped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the sequences this matches
const CSI = /\x1b\[([0-9;]*)([@-~])/g;

type Style = Omit<AnsiSegment, 'text'>;

/**
 * A style packed in a byte, so the log index can keep one per line: the palette index (16 for
 * the default colour) and 32 for bold. Styles carry over from one line to the next, as in a terminal.
 */
export type PackedStyle = number;
export const DEFAULT_STYLE: PackedStyle = 16;
const BOLD = 32;

const unpack = (packed: PackedStyle): Style => ({
  colour: (packed & 31) === 16 ? null : packed & 15,
  bold: (packed & BOLD) !== 0,
});
const pack = (style: Style): PackedStyle => (style.colour ?? 16) | (style.bold ? BOLD : 0);

function applySgr(params: string, style: Style): void {
  const codes = params === '' ? [0] : params.split(';').map(Number);
  for (const code of codes) {
    if (code === 0) {
      style.colour = null;
      style.bold = false;
    } else if (code === 1) style.bold = true;
    else if (code === 22) style.bold = false;
    else if (code >= 30 && code <= 37) style.colour = code - 30;
    else if (code >= 90 && code <= 97) style.colour = code - 90 + 8;
    else if (code === 39) style.colour = null;
  }
}

/** A line's segments, starting in `start` (the style the previous lines of its stream left). */
export function parseAnsi(line: string, start: PackedStyle = DEFAULT_STYLE): AnsiSegment[] {
  if (!line.includes('\x1b')) return [{ text: line, ...unpack(start) }];
  const segments: AnsiSegment[] = [];
  const style = unpack(start);
  let at = 0;
  const push = (text: string) => {
    if (text !== '') segments.push({ text, ...style });
  };
  for (const match of line.matchAll(CSI)) {
    push(line.slice(at, match.index));
    if (match[2] === 'm') applySgr(match[1]!, style);
    at = match.index + match[0].length;
  }
  push(line.slice(at));
  return segments;
}

/** The style in effect after `line`, which started in `start`. */
export function styleAfter(line: string, start: PackedStyle): PackedStyle {
  if (!line.includes('\x1b')) return start;
  const style = unpack(start);
  for (const match of line.matchAll(CSI)) if (match[2] === 'm') applySgr(match[1]!, style);
  return pack(style);
}

/** The line without escape sequences (for search and copy). */
export function stripAnsi(line: string): string {
  return line.includes('\x1b') ? line.replace(CSI, '') : line;
}
