/**
 * The Go text/template pass `bacalhau job run` makes over the job file before reading it as YAML
 * (pkg/lib/template/parser.go): no variables by default and `missingkey=error`. Brine evaluates
 * the actions that need no Go runtime: string, number and boolean literals, comments, `.` and
 * field references (every field is missing: no variables are given). Anything else (functions,
 * if/range/with) is reported as not evaluated and left out of the text the next checks read.
 */

export interface TemplatePass {
  /** The text after the pass (what the YAML reader sees). */
  output: string;
  /** Go's error, as `bacalhau job run` prints it after "the job provided is invalid: ". */
  error?: { kind: 'parse' | 'execute'; message: string };
  /** Actions Brine does not evaluate, e.g. `{{if .X}}`, with their 1-based line. */
  unevaluated: { action: string; line: number }[];
}

const BUILTINS = new Set([
  'and',
  'call',
  'html',
  'index',
  'slice',
  'js',
  'len',
  'not',
  'or',
  'print',
  'printf',
  'println',
  'urlquery',
  'eq',
  'ge',
  'gt',
  'le',
  'lt',
  'ne',
]);
const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);

class TemplateError extends Error {
  constructor(
    readonly kind: 'parse' | 'execute',
    message: string,
  ) {
    super(message);
  }
}

const isSpace = (char: string | undefined) => char === ' ' || char === '\t' || char === '\r' || char === '\n';

/** One `{{ }}` action: where it starts and ends in the text, its inside, and its trim markers. */
interface Action {
  start: number;
  end: number;
  body: string;
  bodyStart: number;
  trimLeft: boolean;
  trimRight: boolean;
  comment: boolean;
}

/** Runs the template pass over `text`. Never throws: Go's errors are returned. */
export function templatePass(text: string): TemplatePass {
  const lineAt = (pos: number) => text.slice(0, pos).split('\n').length;
  try {
    const actions = lexActions(text, lineAt);
    // Go parses the whole template before executing it: parse errors come first.
    const results = actions.map((action) => evaluate(action, text, lineAt));
    const failed = results.find((result) => result instanceof TemplateError);
    if (failed) throw failed;
    const unevaluated: TemplatePass['unevaluated'] = [];
    const values = results.map((value, i) => {
      if (value === undefined) {
        unevaluated.push({ action: text.slice(actions[i]!.start, actions[i]!.end), line: lineAt(actions[i]!.start) });
      }
      return typeof value === 'string' ? value : '';
    });
    let output = '';
    let from = 0;
    actions.forEach((action, i) => {
      let literal = text.slice(from, action.start);
      if (action.trimLeft) literal = literal.replace(/[ \t\r\n]+$/, '');
      output += literal + values[i];
      from = action.end;
      if (action.trimRight) while (isSpace(text[from])) from++;
    });
    output += text.slice(from);
    return { output, unevaluated };
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    const prefix = error.kind === 'parse' ? 'failed to parse template' : 'failed to execute template';
    return { output: text, error: { kind: error.kind, message: `${prefix}: ${error.message}` }, unevaluated: [] };
  }
}

/** Finds every action, as Go's lexer does (comments, quoted strings and trim markers included). */
function lexActions(text: string, lineAt: (pos: number) => number): Action[] {
  const actions: Action[] = [];
  const parseError = (pos: number, reason: string) =>
    new TemplateError('parse', `template: :${lineAt(pos)}: ${reason}`);
  let pos = 0;
  for (;;) {
    const start = text.indexOf('{{', pos);
    if (start < 0) return actions;
    let inside = start + 2;
    const trimLeft = text[inside] === '-' && isSpace(text[inside + 1]);
    if (trimLeft) inside += 2;
    if (text.startsWith('/*', inside)) {
      const close = text.indexOf('*/', inside + 2);
      if (close < 0) throw parseError(start, 'unclosed comment');
      let after = close + 2;
      const trimRight = text.startsWith(' -}}', after);
      if (trimRight) after += 4;
      else if (text.startsWith('}}', after)) after += 2;
      else throw parseError(start, 'comment ends before closing delimiter');
      actions.push({ start, end: after, body: '', bodyStart: inside, trimLeft, trimRight, comment: true });
      pos = after;
      continue;
    }
    let i = inside;
    for (;;) {
      if (text.startsWith('}}', i) || (isSpace(text[i]) && text.startsWith('-}}', i + 1))) break;
      const char = text[i];
      if (char === undefined) throw parseError(i, 'unclosed action');
      if (char === '"' || char === "'") {
        i++;
        while (text[i] !== char) {
          if (text[i] === '\\') i++;
          if (text[i] === undefined || text[i] === '\n') {
            throw parseError(i, char === '"' ? 'unterminated quoted string' : 'unterminated character constant');
          }
          i++;
        }
      } else if (char === '`') {
        const close = text.indexOf('`', i + 1);
        if (close < 0) throw parseError(i, 'unterminated raw quoted string');
        i = close;
      }
      i++;
    }
    const trimRight = !text.startsWith('}}', i);
    const end = trimRight ? i + 4 : i + 2;
    actions.push({ start, end, body: text.slice(inside, i), bodyStart: inside, trimLeft, trimRight, comment: false });
    pos = end;
  }
}

/**
 * The text an action prints, undefined when Brine does not evaluate it, or the error executing it
 * gives; throws a parse error.
 */
function evaluate(action: Action, text: string, lineAt: (pos: number) => number): string | undefined | TemplateError {
  if (action.comment) return '';
  const body = action.body.trim();
  if (body === '') throw new TemplateError('parse', `template: :${lineAt(action.start)}: missing value for command`);
  const string = /^"((?:[^"\\]|\\.)*)"$/s.exec(body);
  if (string) return unquote(string[1]!);
  const raw = /^`([^`]*)`$/s.exec(body);
  if (raw) return raw[1]!.replace(/\r/g, '');
  if (/^(true|false)$/.test(body)) return body;
  if (/^[+-]?(0|[1-9]\d*)$/.test(body)) return String(BigInt(body.replace(/^\+/, '')));
  if (body === '.') return 'map[]';
  const field = /^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.exec(body);
  if (field) {
    const name = body.split('.')[1]!;
    const pos = action.bodyStart + action.body.indexOf('.');
    const line = lineAt(pos);
    const column = new TextEncoder().encode(text.slice(text.lastIndexOf('\n', pos - 1) + 1, pos)).length;
    return new TemplateError(
      'execute',
      `template: :${line}:${column}: executing "" at <.${name}>: map has no entry for key "${name}"`,
    );
  }
  const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(body)?.[0];
  if (word === 'nil' && body === 'nil') {
    return new TemplateError('execute', `template: :${lineAt(action.start)}: nil is not a command`);
  }
  if (word !== undefined && !BUILTINS.has(word) && !KEYWORDS.has(word) && word !== 'nil') {
    throw new TemplateError('parse', `template: :${lineAt(action.start)}: function "${word}" not defined`);
  }
  return undefined;
}

/** A Go interpreted string literal's value (the escapes Go and JSON share, plus \a \v \x and octal). */
function unquote(inner: string): string {
  return inner.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/gs, (_, sequence: string) => {
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
    if (simple[sequence] !== undefined) return simple[sequence];
    if (/^[xuU]/.test(sequence)) return String.fromCodePoint(parseInt(sequence.slice(1), 16));
    if (/^[0-7]{3}$/.test(sequence)) return String.fromCharCode(parseInt(sequence, 8));
    return sequence;
  });
}
