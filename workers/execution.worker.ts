import { expose } from 'comlink';
import { createServices } from './services.js';

expose(createServices((message, transfer) => self.postMessage(message, transfer)));
