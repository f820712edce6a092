/**
 * Typed errors carrying Bacalhau's error codes. They cross the worker boundary as plain
 * `SerializedError` data and are rebuilt on the other side with `BrineError.from`.
 */

/** Bacalhau's WASM executor codes (component "WASM"). */
export const WASM_CODES = [
  'ModuleNotFound',
  'ModuleCompileError',
  'ModuleLoadError',
  'WASIError',
  'UnknownModuleError',
  'SpecError',
  'LogError',
  'EntrypointError',
  'MemoryLimitError',
  'FilesystemError',
  'InputConfigError',
  'OutputConfigError',
] as const;

/** Bacalhau's executor codes (component "Executor"). */
export const EXECUTOR_CODES = ['ExecutionNotFound', 'ExecutionAlreadyStarted', 'ExecutionAlreadyComplete'] as const;

/**
 * Brine's own codes for outcomes Bacalhau reports only as text or exit codes
 * (component "Brine"): a guest trap, a cancel, a timeout, a worker that died.
 */
export const BRINE_CODES = ['GuestTrap', 'ExecutionCancelled', 'ExecutionTimeout', 'WorkerCrashed'] as const;

export type WasmErrorCode = (typeof WASM_CODES)[number];
export type ExecutorErrorCode = (typeof EXECUTOR_CODES)[number];
export type BrineErrorCode = (typeof BRINE_CODES)[number];
export type ErrorCode = WasmErrorCode | ExecutorErrorCode | BrineErrorCode;
export type ErrorComponent = 'WASM' | 'Executor' | 'Brine';

export interface SerializedError {
  code: ErrorCode;
  component: ErrorComponent;
  message: string;
  hint: string;
  httpStatus: number;
  details?: Record<string, unknown>;
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  ModuleNotFound: 404,
  ModuleCompileError: 400,
  ModuleLoadError: 500,
  WASIError: 500,
  UnknownModuleError: 400,
  SpecError: 400,
  LogError: 500,
  EntrypointError: 400,
  MemoryLimitError: 400,
  FilesystemError: 500,
  InputConfigError: 400,
  OutputConfigError: 400,
  ExecutionNotFound: 404,
  ExecutionAlreadyStarted: 409,
  ExecutionAlreadyComplete: 409,
  GuestTrap: 500,
  ExecutionCancelled: 499,
  ExecutionTimeout: 504,
  WorkerCrashed: 500,
};

const HINTS: Record<ErrorCode, string> = {
  ModuleNotFound:
    'Check that the module path matches an input Target (or a file inside one). A directory works only if it holds exactly one .wasm file.',
  ModuleCompileError:
    'The file is not a valid WebAssembly module for this engine, or its declared memory minimum is over the job memory limit. Rebuild it, or raise Resources.Memory.',
  ModuleLoadError:
    'A module or one of its dependencies could not be loaded or instantiated. The message names the module; check its imports and the modules mounted for them.',
  WASIError:
    'The module imports something from wasi_snapshot_preview1 that WASI preview1 does not define. Rebuild it for wasm32-wasi (preview1).',
  UnknownModuleError:
    'Imports are resolved by treating the import module name as a path in the mounted filesystem. Mount the providing module at a Target equal to that name. WASI is built in as "wasi_snapshot_preview1".',
  SpecError:
    'Fix the field named in the message. Engine.Type must be "wasm" and Engine.Params.EntryModule is required.',
  LogError: 'Check the log options of the request: caps are whole numbers of bytes, zero or more.',
  EntrypointError: 'Entrypoint must name an exported function that takes no parameters. WASI commands export "_start".',
  MemoryLimitError:
    'Resources.Memory is rounded up to 64 KiB pages and applies to every memory of every module; WebAssembly (wasm32) allows at most 4 GiB (65536 pages).',
  FilesystemError:
    'An output directory could not be created or mounted. Check that output names do not overlap inputs.',
  InputConfigError:
    'Each input needs a unique Target that does not overlap another input. Only inline, localDirectory/local (host files in Node, or files given to runJob and <brine-job>) and in-memory sources are available: the sandbox is offline.',
  OutputConfigError:
    'Each ResultPath needs a unique Name and an absolute Path. The WASM executor mounts it at /<Name>, which must not equal an input target.',
  ExecutionNotFound: 'The execution id is unknown, or the execution was released.',
  ExecutionAlreadyStarted: 'Use a new execution id for each run.',
  ExecutionAlreadyComplete: 'Use a new execution id for each run.',
  GuestTrap:
    'The guest trapped (for example unreachable, an out-of-bounds access or a stack overflow). Output written before the trap is kept.',
  ExecutionCancelled: 'The execution was cancelled; logs and outputs written so far are kept.',
  ExecutionTimeout: 'Raise Timeouts.ExecutionTimeout, or make the job do less work.',
  WorkerCrashed:
    'The worker running the guest died (for example the host ran out of memory). The next job gets a fresh worker.',
};

function componentOf(code: ErrorCode): ErrorComponent {
  if ((WASM_CODES as readonly string[]).includes(code)) return 'WASM';
  if ((EXECUTOR_CODES as readonly string[]).includes(code)) return 'Executor';
  return 'Brine';
}

export class BrineError extends Error {
  readonly code: ErrorCode;
  readonly component: ErrorComponent;
  readonly hint: string;
  readonly httpStatus: number;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, hint = HINTS[code]) {
    super(message);
    this.name = 'BrineError';
    this.code = code;
    this.component = componentOf(code);
    this.hint = hint;
    this.httpStatus = HTTP_STATUS[code];
    if (details !== undefined) this.details = details;
  }

  toJSON(): SerializedError {
    const out: SerializedError = {
      code: this.code,
      component: this.component,
      message: this.message,
      hint: this.hint,
      httpStatus: this.httpStatus,
    };
    if (this.details !== undefined) out.details = this.details;
    return out;
  }

  /** Rebuilds a typed error from its serialised form (e.g. after crossing a worker boundary). */
  static from(data: SerializedError): BrineError {
    return new BrineError(data.code, data.message, data.details, data.hint);
  }
}

export function isBrineError(value: unknown, code?: ErrorCode): value is BrineError {
  return value instanceof BrineError && (code === undefined || value.code === code);
}

/** Text of any thrown value, including the non-Error values some libraries throw. */
export function errorText(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}

/** A thrown value as a typed error: itself if it is one, else `wrap` of its text (an internal error by default). */
export function asBrineError(value: unknown, wrap: (text: string) => BrineError = errors.workerCrashed): BrineError {
  return isBrineError(value) ? value : wrap(errorText(value));
}

// Constructors with Bacalhau's message patterns (pkg/executor/wasm/errors.go, pkg/executor/types.go).

export const errors = {
  moduleNotFound: (path: string) => new BrineError('ModuleNotFound', `module not found: "${path}"`, { path }),
  moduleCompile: (path: string, cause: string, details: Record<string, unknown> = {}) =>
    new BrineError('ModuleCompileError', `failed to compile module at "${path}": ${cause}`, { path, ...details }),
  moduleLoad: (path: string, cause: string, details: Record<string, unknown> = {}) =>
    new BrineError('ModuleLoadError', `failed to load module at "${path}": ${cause}`, { path, ...details }),
  wasi: (cause: string) => new BrineError('WASIError', `WASI module error: ${cause}`),
  unknownModule: (name: string, details: Record<string, unknown> = {}) =>
    new BrineError('UnknownModuleError', `unknown module "${name}"`, { name, ...details }),
  spec: (cause: string, field?: string, hint?: string) =>
    new BrineError('SpecError', `invalid WASM spec: ${cause}`, field === undefined ? undefined : { field }, hint),
  log: (cause: string) => new BrineError('LogError', `logging error: ${cause}`),
  entrypoint: (name: string) =>
    new BrineError('EntrypointError', `unable to find the entrypoint '${name}' in the WASM module`, {
      entrypoint: name,
    }),
  memoryLimit: (message: string, details: Record<string, unknown>) =>
    new BrineError('MemoryLimitError', message, details),
  filesystem: (name: string, cause: string) =>
    new BrineError('FilesystemError', `filesystem error at "${name}": ${cause}`, { name }),
  inputConfig: (cause: string, details?: Record<string, unknown>, hint?: string) =>
    new BrineError('InputConfigError', `input configuration error: ${cause}`, details, hint),
  outputConfig: (cause: string, details?: Record<string, unknown>) =>
    new BrineError('OutputConfigError', `output configuration error: ${cause}`, details),
  executionNotFound: (action: string, id: string) =>
    new BrineError('ExecutionNotFound', `${action} execution (${id}): execution not found`, { executionId: id }),
  alreadyStarted: (id: string) =>
    new BrineError('ExecutionAlreadyStarted', `starting execution (${id}): execution already started`, {
      executionId: id,
    }),
  alreadyComplete: (id: string) =>
    new BrineError('ExecutionAlreadyComplete', `starting execution (${id}): execution already complete`, {
      executionId: id,
    }),
  trap: (text: string) => new BrineError('GuestTrap', text),
  cancelled: () => new BrineError('ExecutionCancelled', 'execution cancelled'),
  timeout: (seconds: number) =>
    new BrineError('ExecutionTimeout', `execution timed out after ${seconds}s`, { timeoutSeconds: seconds }),
  workerCrashed: (cause: string) =>
    new BrineError('WorkerCrashed', `WASM executor failed with an internal error: ${cause}`),
};
