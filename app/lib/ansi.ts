/** ANSI SGR colour codes in log lines, turned into styled segments (rendered as text, never HTML). */

export interface AnsiSegment {
  text: string;
  /** Palette index 0–15 (30–37 → 0–7, 90–97 → 8–15), or null for the default colour. */
  colour: number | null;
  bold: boolean;
}

// CSI sequences: ESC [ params final-byte. Only SGR ("m") changes the style; the others are dropped.
const CSI = /\x1b\[([0-9;]*)([@-~])/g;

function applySgr(params: string, style: { colour: number | null; bold: boolean }): void {
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

/** One line's segments; each line starts with the default style. */
export function parseAnsi(line: string): AnsiSegment[] {
  if (!line.includes('\x1b')) return [{ text: line, colour: null, bold: false }];
  const segments: AnsiSegment[] = [];
  const style = { colour: null as number | null, bold: false };
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

/** The line without escape sequences (for search and copy). */
export function stripAnsi(line: string): string {
  return line.includes('\x1b') ? line.replace(CSI, '') : line;
}
