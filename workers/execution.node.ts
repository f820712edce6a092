import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createWorkerApi } from '../src/runtime/service.js';

const port = parentPort!;
expose(
  createWorkerApi((message, transfer) => port.postMessage(message, transfer)),
  nodeEndpoint(port),
);
