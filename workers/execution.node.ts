import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { services } from './services.js';

expose(services, nodeEndpoint(parentPort!));
