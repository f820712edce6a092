/** Trace records as text: one line per call for the list, every value in full for the details. */
import type { FdValue, Subscription, TraceValue } from '../../src/trace/calls';
import { ERRNO_MEANINGS, ERRNO_NAMES } from '../../src/trace/names';
import type { TraceRecord } from '../../src/trace/store';

/** Longer lists of names (rights, mostly) are shown as a count in the one-line form. */
const SHORT_LIST = 3;

/** A value as the one-line form shows it, strace-like: fds with their path, flags joined by "|". */
export function formatValue(value: TraceValue, full = false): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '0';
    return !full && value.length > SHORT_LIST ? `{${value.length} names}` : value.join('|');
  }
  if ('fd' in value && typeof value.fd === 'number') {
    // strace -y style: 3</inputs/a.csv>; stdio's names are bracketed already (1<stdout>).
    const { fd, path } = value as FdValue;
    if (path === undefined) return `${fd}`;
    return path.startsWith('<') ? `${fd}${path}` : `${fd}<${path}>`;
  }
  if ('iovs' in value && typeof value.iovs === 'number') {
    return `${value.iovs} iovec${value.iovs === 1 ? '' : 's'}, ${value.bytes} B`;
  }
  if ('first' in value && Array.isArray(value.first)) {
    const subscriptions = (value.first as Subscription[]).map(formatSubscription);
    const more = (value.count as number) - subscriptions.length;
    return `[${subscriptions.join(', ')}${more > 0 ? `, +${more}` : ''}]`;
  }
  return `{${Object.entries(value)
    .map(([name, field]) => `${name}: ${formatValue(field, full)}`)
    .join(', ')}}`;
}

function formatSubscription(subscription: Subscription): string {
  if (subscription.type === 'clock') {
    return `clock ${subscription.clock} ${subscription.abstime ? 'at' : 'in'} ${subscription.timeout} ns`;
  }
  return `${subscription.type} ${formatValue(subscription.fd!)}`;
}

const fields = (values: Record<string, TraceValue>) =>
  Object.values(values)
    .map((value) => formatValue(value))
    .join(', ');

/** `path_open(3</>, symlink_follow, "a.txt", …)`. */
export function formatCall(record: TraceRecord): string {
  return `${record.fn}(${record.unreadable ? '?' : fields(record.args)})`;
}

/** What came back: `noent`, `success nwritten=6`, or how the call ended when it did not return. */
export function formatOutcome(record: TraceRecord): string {
  if (record.errno === null) return record.threw ? 'threw' : 'no return';
  const results = Object.entries(record.result ?? {}).map(([name, value]) => `${name}=${formatValue(value)}`);
  return [record.errno, ...results].join(' ');
}

/** "noent: No such file or directory". */
export function describeErrno(errno: string): string {
  const meaning = ERRNO_MEANINGS[ERRNO_NAMES.indexOf(errno)];
  return meaning === undefined ? errno : `${errno}: ${meaning}`;
}

export function formatMicros(us: number): string {
  if (us < 1000) return `${us.toFixed(us < 10 ? 1 : 0)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}
