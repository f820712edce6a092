/** A path of the mounted filesystem, relative to its root: `/a//b/./c/` → `a/b/c`; `..` stops at the root. */
export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '' && part !== '.') parts.push(part);
  }
  return parts.join('/');
}
