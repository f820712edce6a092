// comlink ships this adapter's types as node-adapter.d.ts, which TypeScript does not pair with .mjs.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { MessagePort, Worker } from 'node:worker_threads';
  import type { Endpoint } from 'comlink';
  export default function nodeEndpoint(endpoint: Worker | MessagePort): Endpoint;
}
