/**
 * <brine-job>: a compact runner for one job on any page, framework-free. The job comes from `src`
 * (a YAML file; its localDirectory sources are fetched relative to it), the `job` property, or
 * the YAML as the element's text. See docs/package.md for attributes, properties and events.
 */
import { asBrineError, BrineError, type SerializedError } from '../errors/index.js';
import { type JobInput, jobOf, type RunJob } from '../executor/run-job.js';
import type { ExecutionResult, ExecutorEvent, FinalState } from '../executor/types.js';
import type { SourceFiles } from '../host/files.js';
import type { LogEvent, StreamName } from '../logs/types.js';
import { listFiles } from '../mounts/tree.js';
import { formatBytes, formatPages } from '../spec/memory.js';
import { COMPAT_MODES, type CompatMode } from '../spec/types.js';
import { fetchJob, fetchReader } from './fetch-sources.js';
import { renderGraph } from './graph.js';
import { STYLES } from './styles.js';

export type BrineJobState = 'idle' | 'running' | FinalState;

/** The `brine-result` event's detail: the result when the job ran, the typed error when it failed or could not start. */
export interface BrineJobOutcome {
  state: FinalState;
  result: ExecutionResult | null;
  error: SerializedError | null;
}

/** The `brine-log` event's detail: a piece of output as the guest wrote it, and its text. */
export interface BrineLogDetail extends LogEvent {
  text: string;
}

declare global {
  interface HTMLElementTagNameMap {
    'brine-job': BrineJobElement;
  }
  // Elements, the document and the window: the events bubble out of shadow roots.
  interface GlobalEventHandlersEventMap {
    'brine-log': CustomEvent<BrineLogDetail>;
    'brine-result': CustomEvent<BrineJobOutcome>;
  }
}

/** Text kept in the log view; older output is dropped from the view (the result keeps it all). */
const LOG_VIEW_CHARS = 200_000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the terminal sequences removed from the log
const TERMINAL_SEQUENCE = /\x1b\[[0-9;?]*[@-~]/g;

let runJob: RunJob | undefined;

/** Defines <brine-job> (or `name`) running jobs with `run`; a name already defined is left as it is. */
export function defineBrineJob(run: RunJob, name = 'brine-job'): void {
  runJob = run;
  if (customElements.get(name) === undefined) customElements.define(name, BrineJobElement);
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== '') node.className = className;
  if (text !== '') node.textContent = text;
  return node;
}

/** The YAML written in the element: a <script> child's text, else its own, without the common indentation. */
function inlineJob(host: HTMLElement): string {
  const lines = (host.querySelector(':scope > script')?.textContent ?? host.textContent ?? '').split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length);
  const indent = Math.min(...indents);
  return indents.length === 0 ? '' : lines.map((line) => line.slice(indent)).join('\n');
}

const duration = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);

/** What the shadow root shows, and how it changes. */
class View {
  readonly title = element('span', 'title');
  readonly stateBadge = element('span', 'state', 'idle');
  readonly runButton = element('button', 'run', 'Run');
  readonly cancelButton = element('button', 'cancel', 'Cancel');
  private readonly log = element('pre', 'log');
  private readonly result = element('div', 'result');
  private readonly error = element('div', 'error');
  private readonly lines = element('ul', 'lines');
  private readonly outputs = element('ul', 'outputs');
  private readonly graph = element('div', 'graph');
  private pending: { stream: StreamName; text: string }[] = [];
  private frame = 0;
  private shownChars = 0;
  private links: string[] = [];

  constructor(root: ShadowRoot) {
    // Constructed style sheets pass a page's Content-Security-Policy; a <style> is for older browsers.
    if (typeof CSSStyleSheet.prototype.replaceSync === 'function') {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLES);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.append(element('style', '', STYLES));
    }
    this.runButton.type = this.cancelButton.type = 'button';
    this.cancelButton.disabled = true;
    this.log.setAttribute('role', 'log');
    this.log.tabIndex = 0;
    this.error.setAttribute('role', 'alert');
    const parts: [HTMLElement, string][] = [
      [this.title, 'title'],
      [this.stateBadge, 'state'],
      [this.runButton, 'run-button'],
      [this.cancelButton, 'cancel-button'],
      [this.log, 'log'],
      [this.result, 'result'],
      [this.error, 'error'],
      [this.lines, 'on-bacalhau'],
      [this.outputs, 'outputs'],
      [this.graph, 'graph'],
    ];
    for (const [node, part] of parts) node.setAttribute('part', part);
    const header = element('header');
    header.append(this.title, this.stateBadge, this.runButton, this.cancelButton);
    const box = element('div', 'box');
    box.setAttribute('part', 'box');
    box.append(header, this.log, this.result, this.error, this.lines, this.outputs, this.graph);
    root.append(box);
    this.log.append(element('span', 'note', 'Not run yet.'));
  }

  setState(state: BrineJobState, label: string = state): void {
    this.stateBadge.className = `state ${state}`;
    this.stateBadge.textContent = label;
    this.runButton.disabled = state === 'running';
    this.cancelButton.disabled = state !== 'running';
  }

  reset(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.pending = [];
    this.shownChars = 0;
    for (const link of this.links.splice(0)) URL.revokeObjectURL(link);
    for (const node of [this.log, this.result, this.error, this.lines, this.outputs, this.graph])
      node.replaceChildren();
  }

  /** Queues output for the next frame (a flood of lines is drawn once per frame). */
  appendLog(stream: StreamName, text: string): void {
    const last = this.pending.at(-1);
    if (last?.stream === stream) last.text += text;
    else this.pending.push({ stream, text });
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.flushLog());
  }

  flushLog(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const atEnd = this.log.scrollTop + this.log.clientHeight >= this.log.scrollHeight - 4;
    for (const { stream, text } of this.pending.splice(0)) {
      const clean = text.replace(TERMINAL_SEQUENCE, '');
      this.log.append(stream === 'stderr' ? element('span', 'stderr', clean) : document.createTextNode(clean));
      this.shownChars += clean.length;
    }
    let trimmed = false;
    while (this.shownChars > LOG_VIEW_CHARS && this.log.firstChild !== null) {
      this.shownChars -= this.log.firstChild.textContent?.length ?? 0;
      this.log.firstChild.remove();
      trimmed = true;
    }
    if (trimmed) this.log.prepend(element('span', 'note', '… earlier output not shown\n'));
    if (atEnd) this.log.scrollTop = this.log.scrollHeight;
  }

  showOutcome({ state, result, error }: BrineJobOutcome, withGraph: boolean): void {
    this.flushLog();
    if (result !== null) {
      if (result.logs.length === 0) this.log.append(element('span', 'note', 'No output.'));
      const { memory, timings } = result;
      const facts = [
        `exit code ${result.exitCode}`,
        `in ${duration(timings.totalMs)}`,
        memory.message ?? `memory: peak ${formatBytes(memory.peakBytes)}, limit ${formatPages(memory.limitPages)}`,
      ];
      if (result.compat !== undefined) facts.push('Bacalhau compatibility mode');
      this.result.append(...facts.map((fact) => element('span', '', fact)));
      this.lines.append(...result.onBacalhau.map((line) => element('li', '', `On Bacalhau: ${line}`)));
      this.showOutputs(result);
      if (withGraph && result.graph.nodes.length > 0) this.graph.append(renderGraph(result.graph));
    } else {
      this.log.replaceChildren(element('span', 'note', 'The job did not start.'));
    }
    if (error !== null && state !== 'completed') {
      this.error.append(element('div', 'code', `${error.code}: ${error.message}`), element('div', 'hint', error.hint));
    }
  }

  private showOutputs(result: ExecutionResult): void {
    for (const output of result.outputs) {
      for (const { path, data } of listFiles(output.tree)) {
        const name = `${output.name.replace(/^\/+|\/+$/g, '')}/${path}`;
        const link = element('a', '', name);
        // A copy: an output file's buffer may be resizable, which Blob refuses.
        link.href = URL.createObjectURL(new Blob([data.slice()]));
        link.download = path.split('/').pop()!;
        this.links.push(link.href);
        const item = element('li');
        item.append(link, ` (${formatBytes(data.byteLength)})`);
        this.outputs.append(item);
      }
    }
  }
}

/**
 * The element. Attributes: src, autorun, compat, theme (light, dark, auto; none: the page's
 * colours), graph, files (paths fetched as directory sources); it sets `state`.
 */
export class BrineJobElement extends HTMLElement {
  /** A job to run instead of `src` or the element's text: YAML, a Bacalhau job object, or a Job. */
  declare job: JobInput | null;
  /** Contents of localDirectory sources by SourcePath, before any fetching (see runJob's files). */
  declare files: SourceFiles;
  #view: View | null = null;
  #result: ExecutionResult | null = null;
  #error: SerializedError | null = null;
  #abort: AbortController | null = null;
  #running: Promise<BrineJobOutcome> | null = null;
  #autorun = true;

  constructor() {
    super();
    // A page script may have set these before the element was defined: keep what it set.
    this.job ??= null;
    this.files ??= {};
  }

  get state(): BrineJobState {
    return (this.getAttribute('state') as BrineJobState | null) ?? 'idle';
  }

  /** The last run's result (null before a run ends, and when the job could not start). */
  get result(): ExecutionResult | null {
    return this.#result;
  }

  /** The last run's typed error (null when it completed). */
  get error(): SerializedError | null {
    return this.#error;
  }

  connectedCallback(): void {
    const view = this.#ensureView();
    if (!this.hasAttribute('state')) this.setAttribute('state', 'idle');
    if (view.title.textContent === '') view.title.textContent = this.getAttribute('src') ?? 'Brine job';
    // Once per element, after the current task: a script may still be filling it in.
    if (this.hasAttribute('autorun') && this.#autorun) {
      this.#autorun = false;
      queueMicrotask(() => void this.run());
    }
  }

  disconnectedCallback(): void {
    this.cancel();
  }

  /** Runs the job (or returns the run under way); resolves with the outcome, never rejects. */
  run(): Promise<BrineJobOutcome> {
    this.#running ??= this.#run().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Cancels the run under way: it ends as cancelled with the output so far. */
  cancel(): void {
    this.#abort?.abort();
  }

  #ensureView(): View {
    if (this.#view === null) {
      this.#view = new View(this.attachShadow({ mode: 'open' }));
      this.#view.runButton.addEventListener('click', () => void this.run());
      this.#view.cancelButton.addEventListener('click', () => this.cancel());
    }
    return this.#view;
  }

  #setState(state: BrineJobState, label?: string): void {
    this.setAttribute('state', state);
    this.#view?.setState(state, label);
  }

  async #run(): Promise<BrineJobOutcome> {
    const view = this.#ensureView();
    const abort = new AbortController();
    this.#abort = abort;
    view.reset();
    this.#setState('running');
    let outcome: BrineJobOutcome;
    try {
      const { job, base } = await this.#loadJob();
      view.title.textContent = job.name || this.getAttribute('src') || 'Brine job';
      const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
      const onEvent = (event: ExecutorEvent) => {
        if (event.type === 'state' && (event.state === 'loading' || event.state === 'linking')) {
          this.#setState('running', event.state);
        } else if (event.type === 'state' && event.state === 'running') {
          this.#setState('running');
        } else if (event.type === 'logs') {
          for (const log of event.events) {
            const text = decoders[log.stream].decode(log.data, { stream: true });
            view.appendLog(log.stream, text);
            this.dispatchEvent(
              new CustomEvent('brine-log', { detail: { ...log, text }, bubbles: true, composed: true }),
            );
          }
        }
      };
      const listed = (this.getAttribute('files') ?? '').split(/\s+/).filter((path) => path !== '');
      const result = await runJob!(job, {
        files: this.files,
        readLocal: fetchReader(base, listed),
        signal: abort.signal,
        onEvent,
      });
      outcome = { state: result.state, result, error: result.error };
    } catch (error) {
      outcome = { state: 'failed', result: null, error: asBrineError(error).toJSON() };
    }
    this.#result = outcome.result;
    this.#error = outcome.error;
    view.showOutcome(outcome, this.hasAttribute('graph'));
    this.#setState(outcome.state);
    this.dispatchEvent(new CustomEvent('brine-result', { detail: outcome, bubbles: true, composed: true }));
    return outcome;
  }

  /** The job to run, with the URL its relative sources are fetched from. */
  async #loadJob() {
    const page = new URL(document.baseURI);
    const compat = this.#compat();
    if (this.job !== null) return { job: jobOf(this.job, compat), base: page };
    const src = this.getAttribute('src');
    if (src !== null && src.trim() !== '') {
      const { text, url } = await fetchJob(src, page);
      return { job: jobOf(text, compat), base: url };
    }
    const text = inlineJob(this);
    if (text.trim() === '') {
      throw new BrineError(
        'SpecError',
        'invalid WASM spec: the element has no job',
        undefined,
        'Give it a src attribute (the URL of a job YAML file), the YAML as its text, or a job property.',
      );
    }
    return { job: jobOf(text, compat), base: page };
  }

  #compat(): CompatMode | undefined {
    const value = this.getAttribute('compat');
    if (value === null) return undefined;
    if (value === '' || COMPAT_MODES.includes(value as CompatMode)) return 'bacalhau';
    throw new BrineError(
      'SpecError',
      `invalid WASM spec: compat="${value}" is not a compatibility mode`,
      { field: 'compat' },
      `The compat attribute takes ${COMPAT_MODES.join(', ')} (or no value).`,
    );
  }
}
