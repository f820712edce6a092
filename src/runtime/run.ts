import { type Fd, WASIProcExit } from '@bjorn3/browser_wasi_shim';
import { asBrineError, errors, errorText } from '../errors/index.js';
import { buildRoot, nodeAt, snapshot } from '../fs/build.js';
import { PreopenFd } from '../fs/fds.js';
import { type DirNode, FsContext } from '../fs/nodes.js';
import { OutputPolicy } from '../fs/touchfs.js';
import type { LogEvent } from '../logs/types.js';
import type { Mount } from '../mounts/mount-table.js';
import { normalizePath } from '../mounts/paths.js';
import type { HttpRecord } from '../protocol/http.js';
import { LaneClient } from '../protocol/lane.js';
import { LogStaging } from '../protocol/log-staging.js';
import {
  type HttpOptions,
  MAX_HTTP_RECORDS,
  type RunEnd,
  type RunEvent,
  type RunOutcome,
  type RunRequest,
} from '../protocol/messages.js';
import type { RunLane } from '../protocol/run-lane.js';
import { WASM_PAGE_SIZE } from '../spec/memory.js';
import { BrineWasi } from '../wasi/brine-wasi.js';
import { bacalhauEntropy, type Entropy, realEntropy, seededEntropy } from '../wasi/clock.js';
import { OutputFd, StdinFd } from '../wasi/stdio.js';
import { GrowRecorder } from './grow-recorder.js';
import { HttpModule, type HttpTransport, laneTransport, xhrTransport } from './http.js';
import { LogBatcher } from './log-batcher.js';
import { type HostFunction, Tracer } from './tracer.js';

/** A request with every file present (held files filled in from the worker's cache). */
export type ResolvedRunRequest = Omit<RunRequest, 'mounts'> & { mounts: Mount[] };

/**
 * Runs one execution inside a worker: builds the filesystem, links the planned modules with
 * WASI, calls the entrypoint and classifies how it ended. Logs and the start of the guest are posted to
 * `post` as they happen; the outcome carries the writable mounts' final state.
 */
export function runExecution(
  request: ResolvedRunRequest,
  post: (event: RunEvent, transfer: ArrayBuffer[]) => void,
  /** A run over the fast lane: the start of the guest is marked there, and the log tail is left staged for the host. */
  lane?: RunLane,
): Omit<RunOutcome, 'heldFiles' | 'heldModules'> {
  const compat = request.compat === 'bacalhau';
  const notes = new Set<string>();
  const shared: Entropy = request.seed === undefined ? realEntropy() : seededEntropy(request.seed);
  // On Bacalhau every module instance starts its own fixed random stream.
  const entropyFor = compat ? bacalhauEntropy : () => noteRandom(shared, notes);
  const outputs = new OutputPolicy(compat ? 'enforce' : 'observe');
  const { root, nodes } = buildRoot(
    new FsContext(() => shared.realtime(), request.fsQuotaBytes, request.fsMaxNodes, outputs),
    request.mounts,
  );
  const memories: WebAssembly.Memory[] = [];
  const memoryPages = () => memories.map((m) => m.buffer.byteLength / WASM_PAGE_SIZE);

  const staging = new LogStaging(request.logStaging ?? new ArrayBuffer(LogStaging.byteLength(request.logs.batchBytes)));
  const epochNow = () => performance.timeOrigin + performance.now();
  staging.clear(); // the tail of a lane run before, which the host took
  const logs = new LogBatcher(
    request.logs,
    staging,
    (batch) => post({ type: 'logs', ...batch, memoryPages: Math.max(0, ...memoryPages()) }, buffersOf(batch.events)),
    epochNow,
    request.logStaging !== undefined,
  );
  const tracer =
    request.trace === undefined
      ? null
      : new Tracer(
          request.trace,
          logs,
          (batch) => post({ type: 'trace', batch }, [batch.words.buffer as ArrayBuffer]),
          epochNow,
        );
  const fds: Fd[] = [
    new StdinFd(request.stdin),
    new OutputFd('stdout', (stream, data) => logs.write(stream, data)),
    new OutputFd('stderr', (stream, data) => logs.write(stream, data)),
    ...(request.rootPreopen ? [new PreopenFd(root, '/')] : []),
    // "/" and "." (the working directory) are the root.
    ...request.preopens.map((path) => new PreopenFd(nodeAt(root, normalizePath(path)) as DirNode, path)),
  ];

  let httpRequests = 0;
  const http: HttpHost | undefined = request.http && {
    options: request.http,
    transport: request.http.lane
      ? laneTransport(new LaneClient(request.http.lane, (event, transfer) => post(event, transfer)))
      : xhrTransport(request.http.access),
    onRecord: (record) => {
      if (++httpRequests <= MAX_HTTP_RECORDS) post({ type: 'http', record }, []);
    },
  };

  let end: RunEnd;
  const linkStart = performance.now();
  let runStart = linkStart;
  const grows = new GrowRecorder(
    request.logs.flushMs,
    (events) => post({ type: 'grows', events }, [events.buffer]),
    () => performance.now() - linkStart,
  );
  try {
    const entry = link(request, {
      fds,
      entropyFor,
      memories,
      http,
      grows,
      tracer,
      onHostCall: () => {
        logs.flushIfStale();
        grows.flushIfStale();
      },
    });
    const fn = entry.exports[request.entrypoint];
    if (typeof fn !== 'function') throw errors.entrypoint(request.entrypoint);
    runStart = performance.now();
    if (lane === undefined) post({ type: 'running' }, []);
    else lane.markRunning();
    end = call(fn as () => unknown);
  } catch (error) {
    end = { kind: 'error', error: asBrineError(error).toJSON() };
  }
  const runMs = performance.now() - runStart;
  if (lane === undefined) logs.flush();
  tracer?.flush();
  grows.flush();

  return {
    end,
    outputs: request.mounts.flatMap((m, i) =>
      m.writable ? [{ target: m.target, role: m.role, tree: snapshot(nodes[i]!) }] : [],
    ),
    memoryPages: memoryPages(),
    droppedLogBytes: { ...logs.dropped },
    linkMs: runStart - linkStart,
    runMs,
    httpOmitted: Math.max(0, httpRequests - MAX_HTTP_RECORDS),
    bacalhauNotes: [...outputs.notes, ...notes],
  };
}

/** `entropy`, noting the first random_get: on Bacalhau its bytes would be the same on every run. */
function noteRandom(entropy: Entropy, notes: Set<string>): Entropy {
  return {
    ...entropy,
    fillRandom(target) {
      notes.add('random_get returns the same bytes on every run: wazero seeds it with 42 for each module');
      entropy.fillRandom(target);
    },
  };
}

/** What the HTTP host module of each importing module shares: the rule, the transport, the records. */
interface HttpHost {
  options: HttpOptions;
  transport: HttpTransport;
  onRecord: (record: HttpRecord) => void;
}

/** What linking gives the modules and where it reports what they do. */
interface LinkContext {
  fds: Fd[];
  entropyFor: () => Entropy;
  /** Filled with every memory the modules define or import. */
  memories: WebAssembly.Memory[];
  http: HttpHost | undefined;
  grows: GrowRecorder;
  tracer: Tracer | null;
  /** Called on each WASI call. */
  onHostCall: () => void;
}

/** Instantiates the planned modules in order; returns the entry instance. */
function link(
  request: ResolvedRunRequest,
  { fds, entropyFor, memories, http, grows, tracer, onHostCall }: LinkContext,
): WebAssembly.Instance {
  const instances: WebAssembly.Instance[] = [];
  for (const [index, planned] of request.modules.entries()) {
    const imports: WebAssembly.Imports = {};
    let wasi: BrineWasi | null = null;
    let httpModule: HttpModule | null = null;
    /** The memory this module's host calls use, once it is instantiated. */
    let callerMemory: WebAssembly.Memory | undefined;
    // Before then, or without a memory, this throws and the trace records the call's values as unreadable.
    const callerBuffer = () => callerMemory!.buffer;
    const traced = (namespace: string, functions: object) =>
      (tracer?.wrap(namespace, functions as Record<string, HostFunction>, index, callerBuffer) ??
        functions) as WebAssembly.ModuleImports;
    for (const [name, provider] of Object.entries(planned.providers)) {
      if (provider === 'wasi') {
        wasi = new BrineWasi([...request.args], [...request.env], fds, entropyFor(), onHostCall);
        imports[name] = traced(name, wasi.wasiImport);
      } else if (provider === 'http') {
        // The loader plans the module only when the request carries its rule.
        const { options, transport, onRecord } = http!;
        httpModule = new HttpModule(options.access, options.timeoutMs, transport, onRecord);
        imports[name] = traced(name, httpModule.imports);
      } else {
        imports[name] = instances[provider]!.exports as WebAssembly.ModuleImports;
      }
    }
    let instance: WebAssembly.Instance;
    try {
      // An instrumented module's memory.grow calls the host, which makes the memories it defined.
      const hooks = planned.grows && grows.provide(index, planned.grows, imports);
      if (hooks !== undefined) memories.push(...hooks.made);
      const all = hooks === undefined ? imports : { ...imports, [planned.grows!.module]: hooks.namespace };
      instance = new WebAssembly.Instance(planned.module, all);
    } catch (error) {
      throw errors.moduleLoad(planned.name, errorText(error));
    }
    instances.push(instance);
    const own = Object.values(instance.exports).filter((v): v is WebAssembly.Memory => v instanceof WebAssembly.Memory);
    for (const memory of own) if (!memories.includes(memory)) memories.push(memory);
    // Host calls read and write the calling module's memory: its own, or the one it imports.
    const memory = instance.exports['memory'] ?? own[0] ?? importedMemory(imports);
    if (memory instanceof WebAssembly.Memory) callerMemory = memory;
    if (httpModule !== null) httpModule.memory = callerMemory;
    if (wasi !== null) {
      // A module without memory can still make the WASI calls that need none (proc_exit, sched_yield).
      const name = planned.name;
      wasi.inst = {
        exports: {
          get memory(): WebAssembly.Memory {
            if (memory instanceof WebAssembly.Memory) return memory;
            throw new WebAssembly.RuntimeError(`"${name}" has no memory for this WASI call to use`);
          },
        },
      };
    }
  }
  return instances[request.entry]!;
}

function importedMemory(imports: WebAssembly.Imports): WebAssembly.Memory | undefined {
  for (const namespace of Object.values(imports)) {
    for (const value of Object.values(namespace)) if (value instanceof WebAssembly.Memory) return value;
  }
  return undefined;
}

/** Calls the entrypoint and maps its ending to Bacalhau's outcomes. */
function call(fn: () => unknown): RunEnd {
  try {
    fn();
    return { kind: 'return' };
  } catch (error) {
    if (error instanceof WASIProcExit) return { kind: 'exit', code: error.code >>> 0 };
    if (error instanceof WebAssembly.RuntimeError) return { kind: 'trap', message: error.message };
    // V8 reports a guest stack overflow as a RangeError; other RangeErrors are the host running out (of memory).
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      return { kind: 'trap', message: `stack overflow: ${error.message}` };
    }
    return { kind: 'error', error: errors.workerCrashed(errorText(error)).toJSON() };
  }
}

function buffersOf(events: LogEvent[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const event of events) if (event.data.buffer instanceof ArrayBuffer) buffers.add(event.data.buffer);
  return [...buffers];
}
