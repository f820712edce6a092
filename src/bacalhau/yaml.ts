/**
 * The job document as Bacalhau's CLI reads it: sigs.k8s.io/yaml's YAMLToJSON, which decodes the
 * first YAML document with go-yaml v2 (YAML 1.1 scalars: `yes` and `on` are booleans, `0755` is
 * 493, numbers are never turned into strings), converts map keys to strings and marshals the
 * result as JSON (no NaN or infinities). The syntax is read by the `yaml` package; the scalars
 * are resolved here with go-yaml's rules (resolve.go), so the values are Go's, not JavaScript's.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import { base64ToBytes } from '../spec/base64.js';

export type GoJson = null | boolean | number | string | GoJson[] | GoObject;
export interface GoObject {
  [key: string]: GoJson;
}

export interface YamlPass {
  /** The first document as JSON; undefined when Bacalhau's conversion fails. */
  value?: GoJson;
  /** The conversion error (printed after "converting yaml to json: "), with the rule it follows. */
  error?: { rule: 'yaml-lib' | 'yaml-map-keys' | 'yaml-nan-inf'; message: string; path?: string };
  /** How many YAML documents the file holds (Bacalhau reads the first). */
  documents: number;
  /** Keys written twice in one map (the last one wins). */
  duplicateKeys: { path: string; key: string }[];
  /** Plain map keys go-yaml reads as booleans (`ON:` is the key "true"). */
  boolKeys: { path: string; written: string; key: string }[];
}

const TAG = 'tag:yaml.org,2002:';
const BOOL_WORDS: Record<string, boolean> = Object.fromEntries([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((w) => [w, true]),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((w) => [w, false]),
]);
const NULL_WORDS = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS: Record<string, number> = {
  '.nan': NaN,
  '.NaN': NaN,
  '.NAN': NaN,
  '.inf': Infinity,
  '.Inf': Infinity,
  '.INF': Infinity,
  '+.inf': Infinity,
  '+.Inf': Infinity,
  '+.INF': Infinity,
  '-.inf': -Infinity,
  '-.Inf': -Infinity,
  '-.INF': -Infinity,
};
const GO_INT = /^[+-]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** go-yaml v2's share of decoded nodes that may come from alias expansion (decode.go: allowedAliasRatio). */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - (0.89 * (decodeCount - 400_000)) / 3_600_000;
}

class ConversionError extends Error {
  constructor(
    readonly rule: 'yaml-lib' | 'yaml-map-keys',
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

/** A resolved scalar: what go-yaml's `resolve` gives for `tag` (explicit, or "" for a plain scalar) and `text`. */
function resolve(tag: string, text: string): GoJson {
  if (!['', `${TAG}str`, `${TAG}bool`, `${TAG}int`, `${TAG}float`, `${TAG}null`, `${TAG}timestamp`].includes(tag)) {
    return tag === `${TAG}binary` ? new TextDecoder().decode(base64ToBytes(text)) : text;
  }
  if (tag === `${TAG}str`) return text;
  const resolved = resolvePlain(text);
  const kind =
    resolved === null
      ? 'null'
      : typeof resolved === 'number'
        ? isInt(text)
          ? 'int'
          : 'float'
        : typeof resolved === 'boolean'
          ? 'bool'
          : 'str';
  const wanted = tag.slice(TAG.length);
  if (tag === '' || wanted === kind || (wanted === 'float' && kind === 'int') || wanted === 'timestamp')
    return resolved;
  throw new ConversionError('yaml-lib', `yaml: cannot decode !!${kind} \`${text}\` as a !!${wanted}`);
}

const isInt = (text: string) => GO_INT.test(text.replace(/_/g, ''));

/** go-yaml v2's implicit resolution of a plain scalar (resolve.go: resolve with an empty tag). */
function resolvePlain(text: string): GoJson {
  if (NULL_WORDS.has(text)) return null;
  if (text in BOOL_WORDS) return BOOL_WORDS[text]!;
  if (text in SPECIAL_FLOATS) return SPECIAL_FLOATS[text]!;
  const first = text[0]!;
  if (first === '.') {
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) && Number.isFinite(Number(text)) ? Number(text) : text;
  }
  if (!/[-+0-9]/.test(first)) return text;
  const plain = text.replace(/_/g, '');
  if (GO_INT.test(plain)) {
    const negative = plain.startsWith('-');
    const digits = plain.replace(/^[+-]/, '');
    const prefixed = /^0[xXoObB]/.test(digits)
      ? digits.toLowerCase()
      : /^0[0-7]+$/.test(digits)
        ? `0o${digits.slice(1)}`
        : digits;
    const magnitude = BigInt(prefixed);
    const value = negative ? -magnitude : magnitude;
    if (value >= -(2n ** 63n) && value < 2n ** 64n && !(negative && value > 0n)) return Number(value);
  }
  if (YAML_STYLE_FLOAT.test(plain) && Number.isFinite(Number(plain))) return Number(plain);
  return text;
}

/** strconv.FormatFloat(k, 'g', -1, 32): how a float map key becomes a JSON key. */
function formatFloat32(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
  const f = Math.fround(value);
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  let precision = 1;
  while (Math.fround(Number(f.toPrecision(precision))) !== f) precision++;
  const [mantissa = '', exponentText = '0'] = Math.abs(f)
    .toExponential(precision - 1)
    .split('e');
  const exponent = Number(exponentText);
  const sign = f < 0 ? '-' : '';
  if (exponent < -4 || exponent >= 6) {
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const digits = mantissa.replace('.', '');
  const point = exponent + 1;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const keyPath = (path: string, key: string) =>
  path === '' ? key : /^[A-Za-z_][\w-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

/** Sets an own property, safe for keys such as "__proto__". */
export function setOwn(object: GoObject, key: string, value: GoJson): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Reads `text` as Bacalhau's CLI does. Never throws. */
export function readYaml(text: string): YamlPass {
  // go-yaml's reader refuses characters YAML does not allow in a stream (readerc.go).
  const control = [...text].findIndex((char) => !isYamlChar(char.codePointAt(0)!));
  if (control >= 0) {
    const line = [...text].slice(0, control).filter((char) => char === '\n').length + 1;
    const error = { rule: 'yaml-lib' as const, message: `yaml: line ${line}: control characters are not allowed` };
    return { documents: 0, duplicateKeys: [], boolKeys: [], error };
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, lineCounter });
  const list = Array.isArray(docs) ? docs : [];
  const pass: YamlPass = { documents: list.length, duplicateKeys: [], boolKeys: [] };
  const doc = list[0];
  if (doc === undefined) return { ...pass, value: null };
  const [syntax] = doc.errors;
  if (syntax !== undefined) {
    const line = syntax.linePos?.[0].line ?? lineCounter.linePos(syntax.pos[0]).line;
    const reason = syntax.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return { ...pass, error: { rule: 'yaml-lib', message: `yaml: line ${line}: ${reason}` } };
  }
  const nonFinite: { path: string; value: number }[] = [];
  let decodeCount = 0;
  let aliasCount = 0;
  let aliasDepth = 0;
  const anchors = new Map<unknown, unknown>();
  /** The node an alias points at (found once per alias: the yaml package searches the document). */
  const target = (node: unknown): unknown => {
    if (!isAlias(node)) return node;
    if (!anchors.has(node)) anchors.set(node, node.resolve(doc as Document));
    return anchors.get(node);
  };

  const convert = (node: unknown, path: string): GoJson => {
    decodeCount++;
    if (aliasDepth > 0) aliasCount++;
    if (aliasCount > 100 && decodeCount > 1000 && aliasCount / decodeCount > allowedAliasRatio(decodeCount)) {
      throw new ConversionError('yaml-lib', 'yaml: document contains excessive aliasing');
    }
    if (isAlias(node)) {
      aliasDepth++;
      try {
        return convert(target(node), path);
      } finally {
        aliasDepth--;
      }
    }
    if (isScalar(node)) {
      const explicit = node.tag !== undefined && node.tag !== '!' ? node.tag : undefined;
      let value: GoJson;
      if (explicit !== undefined) value = resolve(explicit, String(node.source ?? node.value ?? ''));
      else if (node.type === 'PLAIN' || node.value === null) value = resolvePlain(String(node.source ?? ''));
      else value = String(node.value);
      if (typeof value === 'number' && !Number.isFinite(value)) nonFinite.push({ path, value });
      return value;
    }
    if (isSeq(node)) return node.items.map((item, i) => convert(item, `${path}[${i}]`));
    if (isMap(node)) {
      const out: GoObject = {};
      for (const pair of node.items) {
        if (isMergeKey(pair.key)) {
          merge(out, pair.value, path);
          continue;
        }
        const key = mapKey(pair.key, path);
        if (Object.hasOwn(out, key)) pass.duplicateKeys.push({ path, key });
        setOwn(out, key, convert(pair.value, keyPath(path, key)));
      }
      return out;
    }
    return null;
  };

  const merge = (out: GoObject, value: unknown, path: string) => {
    const merged = target(value);
    const maps = isSeq(merged) ? [...merged.items].reverse() : [merged];
    for (const item of maps) {
      const map = target(item);
      if (!isMap(map))
        throw new ConversionError('yaml-lib', 'yaml: map merge requires map or sequence of maps as the value');
      for (const [key, entry] of Object.entries(convert(map, path) as GoObject)) setOwn(out, key, entry);
    }
  };

  const mapKey = (key: unknown, path: string): string => {
    const node = target(key);
    if (isMap(node) || isSeq(node)) {
      const type = isMap(node) ? 'map[interface {}]interface {}' : '[]interface {}';
      throw new ConversionError('yaml-map-keys', `unsupported map key of type: ${type}`, path);
    }
    const value = convert(node, path);
    if (value === null)
      throw new ConversionError('yaml-map-keys', 'unsupported map key of type: <nil>, key: <nil>', path);
    if (typeof value === 'boolean') {
      if (isScalar(node)) pass.boolKeys.push({ path, written: String(node.source), key: String(value) });
      return String(value);
    }
    if (typeof value === 'number')
      return isScalar(node) && isInt(String(node.source)) ? String(value) : formatFloat32(value);
    return value as string;
  };

  try {
    const value = convert(doc.contents, '');
    const [bad] = nonFinite;
    if (bad !== undefined) {
      const shown = Number.isNaN(bad.value) ? 'NaN' : bad.value > 0 ? '+Inf' : '-Inf';
      return { ...pass, error: { rule: 'yaml-nan-inf', message: `json: unsupported value: ${shown}`, path: bad.path } };
    }
    return { ...pass, value };
  } catch (error) {
    if (!(error instanceof ConversionError)) throw error;
    return {
      ...pass,
      error: { rule: error.rule, message: error.message, ...(error.path === undefined ? {} : { path: error.path }) },
    };
  }
}

/** The characters YAML allows in a stream: tab, newlines and the printable ones. */
const isYamlChar = (code: number) =>
  code === 0x09 ||
  code === 0x0a ||
  code === 0x0d ||
  (code >= 0x20 && code <= 0x7e) ||
  code === 0x85 ||
  (code >= 0xa0 && code <= 0xd7ff) ||
  (code >= 0xe000 && code <= 0xfffd) ||
  code >= 0x10000;

/** A plain `<<` key: go-yaml v2 merges the mapping(s) it points at. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.type === 'PLAIN' && key.source === '<<' && key.tag === undefined;
}
