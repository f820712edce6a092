/** How a file is previewed: as text when it is UTF-8 without NULs, else as a hex dump. */

export const PREVIEW_TEXT_BYTES = 256 * 1024;
const PREVIEW_HEX_BYTES = 4096;

export function textOf(data: Uint8Array): string | null {
  // A copy: TextDecoder refuses views of resizable buffers, in which output files grow.
  const head = data.slice(0, PREVIEW_TEXT_BYTES);
  if (head.includes(0)) return null;
  try {
    // A character cut at the preview's end is not an error.
    return new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: head.byteLength < data.byteLength });
  } catch {
    return null;
  }
}

/** `00000000  68 65 6c 6c 6f …  |hello|`, 16 bytes a line. */
export function hexDump(data: Uint8Array): string {
  const lines: string[] = [];
  const end = Math.min(data.byteLength, PREVIEW_HEX_BYTES);
  for (let at = 0; at < end; at += 16) {
    const row = data.subarray(at, Math.min(at + 16, end));
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  return lines.join('\n');
}
