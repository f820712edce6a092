// embed.html (/embed#job=...): the job of a share link in a <brine-job>, for other sites to frame.
// ?autorun starts it at once; ?theme=light|dark|auto sets the element's theme.
import { defineBrineJob } from '../src/element/brine-job';
import { jobRunner } from '../src/executor/run-job';
import { createBrowserWorker } from '../src/host/browser';
import { decodeShareHash } from './lib/share';

const element = document.querySelector('brine-job')!;
const params = new URLSearchParams(location.search);
if (params.has('autorun')) element.setAttribute('autorun', '');
const theme = params.get('theme');
if (theme !== null) element.setAttribute('theme', theme);

function refuse(text: string): void {
  const alert = document.createElement('p');
  alert.setAttribute('role', 'alert');
  alert.textContent = text;
  element.replaceWith(alert);
}

try {
  const yaml = decodeShareHash(location.hash);
  if (yaml === null) refuse('This link holds no job: make one with the Embed button of the Brine app.');
  else {
    const script = document.createElement('script');
    script.type = 'application/yaml';
    script.textContent = yaml;
    element.append(script);
  }
} catch (error) {
  refuse(`The job in this link could not be read: ${String(error)}`);
}
defineBrineJob(jobRunner({ createWorker: createBrowserWorker, readLocal: () => undefined }));
