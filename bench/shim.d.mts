export interface ShimResult {
  exitCode: number;
  stdoutBytes: number;
}

export function runShim(source: WebAssembly.Module | Uint8Array, args: string[], keep?: boolean): Promise<ShimResult>;

export function serveShim(port: {
  addEventListener(
    type: 'message',
    listener: (event: { data: { source: WebAssembly.Module | Uint8Array; args: string[] } }) => void,
  ): void;
  postMessage(message: ShimResult): void;
}): void;
