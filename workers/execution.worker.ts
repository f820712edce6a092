import { expose } from 'comlink';
import { services } from './services.js';

expose(services);
