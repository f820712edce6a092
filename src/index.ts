/**
 * Brine's public API: the executor with Bacalhau's WASM lifecycle, the job model (parse, write,
 * admit) and the typed errors, the same in every host. The package's entry points add runJob
 * and the host's workers: src/package/node.ts (`brine` in Node) and src/package/browser.ts
 * (`brine` in browsers, `brine/browser`).
 */
export { BrineError, type ErrorCode, errors, isBrineError, type SerializedError } from './errors/index.js';
export { Executor } from './executor/executor.js';
export { type JobHost, type JobInput, jobRunner, type RunJob, type RunJobOptions } from './executor/run-job.js';
export type {
  BidResponse,
  ExecutionResult,
  ExecutionState,
  ExecutorEvent,
  ExecutorOptions,
  FinalState,
  MemoryReport,
  OutputMount,
  ReadLocal,
  StartRequest,
  Timings,
} from './executor/types.js';
export { type FileContent, filesReader, type SourceFiles } from './host/files.js';
export type { WorkerFactory, WorkerHandle } from './host/types.js';
export type { GraphEdge, GraphNode, ImportGraph } from './loader/graph.js';
export type { LogStreamOptions } from './logs/store.js';
export { type LogEvent, type StreamName, streamText } from './logs/types.js';
export { directory, type FileTree, file, listFiles } from './mounts/tree.js';
export { type Admission, admit, admitted } from './spec/admit.js';
export type { Finding } from './spec/findings.js';
export { fromJsonValue, jobFromJson, jobToJson, toJsonValue } from './spec/json.js';
export { type ParsedJob, parseJob, parseJobDocument, readJob } from './spec/parse.js';
export { jobToObject, jobToYaml } from './spec/serialize.js';
export {
  type CompatMode,
  entrypointOf,
  executionTimeoutSeconds,
  type InputSource,
  type Job,
  jobCount,
  jobType,
  networkType,
  newJob,
  type ResultPath,
  type SourceSpec,
} from './spec/types.js';
export type { FdValue, TraceValue } from './trace/calls.js';
export { type CallSummary, jsonLines, type Trace, type TraceRecord, type TraceSummary } from './trace/store.js';
