// runJob from the 'brine' package in a browser app: Vite resolves it to the browser build and
// copies its worker file into the app's build.
import { runJob } from 'brine';
import jobYaml from './job.yaml?raw';

// The job's localDirectory source "hello.wasm" comes from `files`, as a Blob.
const wasmUrl = new URL('./hello.wasm', import.meta.url);
const log = document.getElementById('log');
const status = document.getElementById('result');
const button = document.getElementById('run');

button.addEventListener('click', async () => {
  button.disabled = true;
  log.textContent = '';
  status.textContent = 'running…';
  try {
    const files = { 'hello.wasm': await (await fetch(wasmUrl)).blob() };
    const result = await runJob(jobYaml, {
      files,
      // Output as it is written; result.logs holds all of it at the end.
      onEvent: (event) => {
        if (event.type === 'logs')
          for (const { data } of event.events) log.textContent += new TextDecoder().decode(data);
      },
    });
    status.textContent = `${result.state}, exit code ${result.exitCode}`;
  } catch (error) {
    // The job could not start: a BrineError with a code, a message and a hint.
    status.textContent = `${error.code}: ${error.message}`;
  } finally {
    button.disabled = false;
  }
});
