/** Saves bytes or text as a file through a temporary object URL. */
export function download(
  name: string,
  content: string | Uint8Array | readonly Uint8Array[],
  type = 'application/octet-stream',
): void {
  const parts = typeof content === 'string' || content instanceof Uint8Array ? [content] : content;
  // Our buffers are never shared, so they are valid blob parts once those of resizable buffers (in
  // which output files grow) are copied: Blob refuses them.
  const blobParts = parts.map((part) =>
    typeof part !== 'string' && part.buffer instanceof ArrayBuffer && part.buffer.resizable ? part.slice() : part,
  );
  const blob = new Blob(blobParts as BlobPart[], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
