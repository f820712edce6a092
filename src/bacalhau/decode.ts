/**
 * Go's encoding/json decoding of the job into Bacalhau's models.Job (pkg/lib/marshaller/utils.go:
 * UnmarshalJob): keys match struct fields exactly or ignoring case (the last matching key in
 * sorted order wins), unknown keys below the top level are ignored, null leaves a field unset,
 * and a value of the wrong JSON kind is an error. The result is the document with Go's field
 * names, unknown keys left out, so the rest of Brine reads exactly what Bacalhau reads.
 */
import type { GoJson, GoObject } from './yaml.js';
import { setOwn } from './yaml.js';

type GoType =
  | { kind: 'string'; name: string }
  | { kind: 'int'; name: 'int' | 'int64' }
  | { kind: 'any' }
  | { kind: 'network' }
  | { kind: 'struct'; name: string; fields: Record<string, GoType> }
  | { kind: 'slice'; name: string; of: GoType }
  | { kind: 'map'; name: string; of: GoType };

const str: GoType = { kind: 'string', name: 'string' };
const int: GoType = { kind: 'int', name: 'int' };
const int64: GoType = { kind: 'int', name: 'int64' };
const strings: GoType = { kind: 'slice', name: '[]string', of: str };
const stringMap: GoType = { kind: 'map', name: 'map[string]string', of: str };
const specConfig: GoType = {
  kind: 'struct',
  name: 'SpecConfig',
  fields: { Type: str, Params: { kind: 'map', name: 'map[string]interface {}', of: { kind: 'any' } } },
};
const struct = (name: string, fields: Record<string, GoType>): GoType => ({ kind: 'struct', name, fields });
/** A slice of pointers to a struct: []*models.X (or a named slice type such as models.PortMap). */
const pointers = (name: string, fields: Record<string, GoType>, sliceName = `[]*models.${name}`): GoType => ({
  kind: 'slice',
  name: sliceName,
  of: struct(name, fields),
});

const TASK: Record<string, GoType> = {
  Name: str,
  Engine: specConfig,
  Publisher: specConfig,
  Env: { kind: 'map', name: 'map[string]models.EnvVarValue', of: { kind: 'string', name: 'models.EnvVarValue' } },
  Meta: stringMap,
  InputSources: pointers('InputSource', { Source: specConfig, Alias: str, Target: str }),
  ResultPaths: pointers('ResultPath', { Name: str, Path: str }),
  Resources: struct('ResourcesConfig', { CPU: str, Memory: str, Disk: str, GPU: str }),
  Network: struct('NetworkConfig', {
    Type: { kind: 'network' },
    Domains: strings,
    Ports: pointers('Port', { Name: str, Static: int, Target: int, HostNetwork: str }, 'models.PortMap'),
  }),
  Timeouts: struct('TimeoutConfig', { ExecutionTimeout: int64, QueueTimeout: int64, TotalTimeout: int64 }),
};

/** models.Job as the CLI decodes it (Job.UnmarshalJSON decodes into a local type named `job`). */
const JOB = struct('job', {
  Name: str,
  Namespace: str,
  Type: str,
  Priority: int,
  Count: int,
  Constraints: pointers('LabelSelectorRequirement', {
    Key: str,
    Operator: { kind: 'string', name: 'selection.Operator' },
    Values: strings,
  }),
  Meta: stringMap,
  Labels: stringMap,
  Tasks: pointers('Task', TASK),
});

/** Network types, as models.ParseNetwork accepts them (trimmed, any case). */
export const NETWORK_TYPES = ['Default', 'None', 'Host', 'Full', 'HTTP', 'Bridge'];
export const parseNetwork = (text: string): string | undefined =>
  NETWORK_TYPES.find((type) => type.toLowerCase() === text.trim().toLowerCase());

export interface DecodeError {
  /** Brine's path of the value, e.g. "Tasks[0].Env.A". */
  path: string;
  /** Go's error text. */
  message: string;
  /** The JSON kind written and the Go type expected, for hints. */
  got: string;
  expected: string;
}

export interface Decoded {
  /** The document with Go's field names; unknown keys dropped. */
  value: GoObject;
  errors: DecodeError[];
  /** Keys below the top level that match no field: Bacalhau ignores them. */
  unknownKeys: { path: string; key: string }[];
}

const jsonKind = (value: GoJson): string =>
  Array.isArray(value)
    ? 'array'
    : value === null
      ? 'null'
      : typeof value === 'object'
        ? 'object'
        : typeof value === 'boolean'
          ? 'bool'
          : typeof value;

/** Go's type name in messages: structs are models.X (the Job's local type is just "job"). */
const typeName = (type: GoType): string =>
  type.kind === 'struct'
    ? type.name === 'job'
      ? 'job'
      : `models.${type.name}`
    : type.kind === 'network'
      ? 'models.Network'
      : type.kind === 'any'
        ? 'interface {}'
        : type.name;

/** Decodes the top-level map of a job (its keys already checked) as the CLI does. */
export function decodeJob(root: GoObject): Decoded {
  const errors: DecodeError[] = [];
  const unknownKeys: Decoded['unknownKeys'] = [];

  const decode = (value: GoJson, type: GoType, path: string, stack: string[], owner: string): GoJson => {
    if (value === null || type.kind === 'any') return value;
    const fail = (got = jsonKind(value)) => {
      const field = stack.join('.');
      const shown = type.kind === 'int' && typeof value === 'number' ? `number ${value}` : got;
      errors.push({
        path,
        got: shown,
        expected: typeName(type),
        message: `field: '${field}' in '${owner}' is invalid type: '${shown}' expected: '${typeName(type)}'`,
      });
      return null;
    };
    switch (type.kind) {
      case 'string':
        return typeof value === 'string' ? value : fail();
      case 'int':
        return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? value : fail();
      case 'network':
        if (typeof value !== 'string') return fail();
        if (parseNetwork(value) === undefined) {
          errors.push({
            path,
            got: 'string',
            expected: 'models.Network',
            message: `models.Network: unknown type '${value}'`,
          });
          return null;
        }
        return value;
      case 'slice':
        return Array.isArray(value)
          ? value.map((item, i) => decode(item, type.of, `${path}[${i}]`, stack, owner))
          : fail();
      case 'map': {
        if (typeof value !== 'object' || Array.isArray(value)) return fail();
        const out: GoObject = {};
        for (const [key, item] of Object.entries(value))
          setOwn(out, key, decode(item, type.of, `${path}.${key}`, stack, owner));
        return out;
      }
      case 'struct': {
        if (typeof value !== 'object' || Array.isArray(value)) return fail();
        const out: GoObject = {};
        for (const key of Object.keys(value).sort()) {
          const field =
            Object.keys(type.fields).find((name) => name === key) ??
            Object.keys(type.fields).find((name) => name.toLowerCase() === key.toLowerCase());
          const sub = path === '' ? key : `${path}.${key}`;
          if (field === undefined) {
            if (path !== '') unknownKeys.push({ path: sub, key });
            continue;
          }
          setOwn(
            out,
            field,
            decode(
              value[key]!,
              type.fields[field]!,
              path === '' ? field : `${path}.${field}`,
              [...stack, field],
              type.name,
            ),
          );
        }
        return out;
      }
    }
  };

  const value = decode(root, JOB, '', [], 'job') as GoObject;
  return { value: value ?? {}, errors, unknownKeys };
}
