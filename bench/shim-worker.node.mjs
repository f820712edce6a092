import { parentPort } from 'node:worker_threads';
import { serveShim } from './shim.mjs';

serveShim(parentPort);
