/**
 * The element's styles, in its shadow root. Without a theme its colours derive from the text
 * colour it inherits (mixed with transparency), so it fits light and dark pages alike.
 */
export const STYLES: string = `
:host { display: block; font: 13px/1.45 system-ui, sans-serif; --brine-accent: #2f6feb; }
:host([hidden]) { display: none; }
:host([theme='light']) { color-scheme: light; color: #1f2328; background: #ffffff; }
:host([theme='dark']) { color-scheme: dark; color: #e6edf3; background: #0d1117; }
@media (prefers-color-scheme: dark) { :host([theme='auto']) { color-scheme: dark; color: #e6edf3; background: #0d1117; } }
@media (prefers-color-scheme: light) { :host([theme='auto']) { color-scheme: light; color: #1f2328; background: #ffffff; } }
.box { border: 1px solid color-mix(in srgb, currentColor 22%, transparent); border-radius: 8px; padding: 8px 10px;
  background: color-mix(in srgb, currentColor 3%, transparent); }
header { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.title { font-weight: 600; flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
button { font: inherit; color: inherit; padding: 2px 12px; border-radius: 6px; cursor: pointer;
  border: 1px solid color-mix(in srgb, currentColor 30%, transparent); background: color-mix(in srgb, currentColor 6%, transparent); }
button.run { border-color: var(--brine-accent); background: color-mix(in srgb, var(--brine-accent) 22%, transparent); }
button:disabled { opacity: 0.45; cursor: default; }
button:focus-visible, a:focus-visible { outline: 2px solid var(--brine-accent); outline-offset: 1px; }
.state { font-size: 12px; padding: 0 8px; border-radius: 999px; border: 1px solid currentColor; opacity: 0.85; }
.state.completed { color: color-mix(in srgb, currentColor 45%, #1a7f37); }
.state.failed, .state.timedOut { color: color-mix(in srgb, currentColor 40%, #cf222e); }
pre.log { margin: 8px 0 0; padding: 6px 8px; max-height: var(--brine-log-height, 16em); min-height: 2.9em; overflow: auto;
  font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere;
  border-radius: 6px; background: color-mix(in srgb, currentColor 7%, transparent); }
.stderr { color: color-mix(in srgb, currentColor 45%, #d1242f); }
.note { opacity: 0.75; font-style: italic; }
.result { margin-top: 6px; display: flex; flex-wrap: wrap; gap: 4px 14px; }
.result:empty, .error:empty, .lines:empty, .outputs:empty, .graph:empty { display: none; }
.error { margin-top: 6px; padding: 6px 8px; border-radius: 6px; border-left: 3px solid #cf222e;
  background: color-mix(in srgb, #cf222e 10%, transparent); overflow-wrap: anywhere; }
.error .code { font-weight: 600; }
.error .hint { opacity: 0.8; margin-top: 2px; }
ul { margin: 6px 0 0; padding-left: 18px; }
.lines li { opacity: 0.85; }
.outputs a { color: inherit; }
.graph { margin-top: 8px; overflow-x: auto; }
.graph svg { width: 100%; height: auto; display: block; }
.graph rect { fill: color-mix(in srgb, currentColor 8%, transparent); stroke: color-mix(in srgb, currentColor 40%, transparent); }
.graph .entry rect { stroke: var(--brine-accent); stroke-width: 2; }
.graph .missing rect, .graph .failed rect { stroke: #cf222e; stroke-dasharray: 4 3; }
.graph text { fill: currentColor; font: 12px ui-monospace, monospace; }
.graph .edge { stroke: color-mix(in srgb, currentColor 45%, transparent); }
.graph .arrow { fill: color-mix(in srgb, currentColor 45%, transparent); }
`;
