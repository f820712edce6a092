import { serveShim } from './shim.mjs';

serveShim(self);
