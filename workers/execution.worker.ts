import { expose } from 'comlink';
import { createWorkerApi } from '../src/runtime/service.js';

expose(createWorkerApi((message, transfer) => self.postMessage(message, transfer)));
