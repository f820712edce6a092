import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createServices } from './services.js';

const port = parentPort!;
expose(
  createServices((message, transfer) => port.postMessage(message, transfer)),
  nodeEndpoint(port),
);
