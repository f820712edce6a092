/** A path of the mounted filesystem, relative to its root: `/a//b/./c/` → `a/b/c`; `..` stops at the root. */
export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '' && part !== '.') parts.push(part);
  }
  return parts.join('/');
}

/**
 * A Brine.Preopens entry as the guest is given it: a directory below the root, normalised
 * ("/data/" → "data"); "/" for the root itself; "." for the working directory, which is the
 * root ("." and "./", as wasmtime's and wasmer's `--dir .` name it); "" for an empty entry.
 */
export function preopenPath(path: string): string {
  const clean = normalizePath(path);
  if (clean !== '' || path === '') return clean;
  return path.startsWith('/') ? '/' : '.';
}

/**
 * The folder a returned mount goes in, in the CLI's results and the UI's output tree: its
 * target, or "rootfs" for a ReadWrite input mounted at "/".
 */
export const resultFolder = (name: string): string => normalizePath(name) || 'rootfs';
