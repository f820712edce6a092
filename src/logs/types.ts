export type StreamName = 'stdout' | 'stderr';

/** A piece of a guest's output, in the order it was written. */
export interface LogEvent {
  stream: StreamName;
  data: Uint8Array;
  /** Milliseconds since the epoch when the guest wrote it (the first write of a batch). */
  timestamp: number;
}

/** Default in-memory cap per stream. */
export const DEFAULT_LOG_CAP_BYTES = 64 * 1024 * 1024;
/** Bacalhau's MaxStdoutReturnLength / MaxStderrReturnLength: the result summary. */
export const SUMMARY_BYTES = 2048;

/** The text of one stream of a log (invalid UTF-8 becomes U+FFFD; a character split across events is kept whole). */
export function streamText(events: readonly LogEvent[], stream: StreamName): string {
  const decoder = new TextDecoder();
  let text = '';
  for (const event of events) if (event.stream === stream) text += decoder.decode(event.data, { stream: true });
  return text + decoder.decode();
}

/**
 * Bacalhau's (Docker-style) log frame: [stream tag, 0, 0, 0, size as u32 big-endian] then the
 * data; the tag is 1 for stdout and 2 for stderr.
 */
export function encodeFrame(event: LogEvent): Uint8Array {
  const frame = new Uint8Array(8 + event.data.byteLength);
  frame[0] = event.stream === 'stdout' ? 1 : 2;
  new DataView(frame.buffer).setUint32(4, event.data.byteLength, false);
  frame.set(event.data, 8);
  return frame;
}

/** Reads frames written by `encodeFrame` (timestamps are not framed, so they come back as 0). */
export function decodeFrames(bytes: Uint8Array): LogEvent[] {
  const events: LogEvent[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 8 <= bytes.byteLength; ) {
    const size = view.getUint32(at + 4, false);
    events.push({
      stream: bytes[at] === 1 ? 'stdout' : 'stderr',
      data: bytes.slice(at + 8, at + 8 + size),
      timestamp: 0,
    });
    at += 8 + size;
  }
  return events;
}
