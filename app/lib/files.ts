/** Reading what a person picks or drops (files, folders, .zip archives) into file trees. */
import { type FileTree, file, pathParts, treeFromFiles } from '../../src/mounts/tree';
import { markDropped, markOrigin } from './origins';
import { unzipToTree } from './zip';

/** One picked or dropped thing: a file, a folder, or an unpacked .zip. */
export interface PickedItem {
  name: string;
  kind: 'file' | 'folder' | 'zip';
  tree: FileTree;
}

/** A blob's bytes; those of a File (picked or dropped) remember its name, for the filesystem panel. */
export async function fileBytes(blob: Blob): Promise<Uint8Array> {
  const data = new Uint8Array(await blob.arrayBuffer());
  return blob instanceof File ? markDropped(data, blob.name) : data;
}

async function fromFile(picked: File): Promise<PickedItem> {
  const data = await fileBytes(picked);
  if (picked.name.toLowerCase().endsWith('.zip')) {
    const tree = markOrigin(unzipToTree(data), `dropped archive "${picked.name}"`);
    return { name: picked.name.replace(/\.zip$/i, ''), kind: 'zip', tree };
  }
  return { name: picked.name, kind: 'file', tree: file(data) };
}

/** Files from a plain picker: each a file item (a .zip is unpacked). */
export function readPickedFiles(files: readonly File[]): Promise<PickedItem[]> {
  return Promise.all(files.map(fromFile));
}

/** Files from a `webkitdirectory` picker: one folder item per top-level folder. */
export async function readPickedFolder(files: readonly File[]): Promise<PickedItem[]> {
  const byFolder = new Map<string, { path: string; data: Uint8Array }[]>();
  for (const picked of files) {
    const [folder = picked.name, ...rest] = pathParts(picked.webkitRelativePath || picked.name);
    const list = byFolder.get(folder) ?? [];
    list.push({ path: rest.join('/'), data: await fileBytes(picked) });
    byFolder.set(folder, list);
  }
  return [...byFolder].map(([name, list]) => ({ name, kind: 'folder', tree: droppedFolder(name, list) }));
}

function droppedFolder(name: string, files: { path: string; data: Uint8Array }[]): FileTree {
  return markOrigin(treeFromFiles(files), `dropped folder "${name}"`);
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** All entries of a dropped directory (readEntries returns them in batches until empty). */
async function directoryEntries(entry: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = entry.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

async function folderFiles(
  entry: FileSystemDirectoryEntry,
  prefix: string,
): Promise<{ path: string; data: Uint8Array }[]> {
  const out: { path: string; data: Uint8Array }[] = [];
  for (const child of await directoryEntries(entry)) {
    const path = prefix === '' ? child.name : `${prefix}/${child.name}`;
    if (child.isDirectory) out.push(...(await folderFiles(child as FileSystemDirectoryEntry, path)));
    else out.push({ path, data: await fileBytes(await entryFile(child as FileSystemFileEntry)) });
  }
  return out;
}

/** A drop's items; dropped folders are read recursively. */
export async function readDrop(transfer: DataTransfer): Promise<PickedItem[]> {
  // Entries must be taken synchronously, before the drop event returns.
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry());
  if (entries.every((entry) => entry === null)) return readPickedFiles([...transfer.files]);
  const items: PickedItem[] = [];
  for (const entry of entries) {
    if (entry === null) continue;
    if (entry.isDirectory) {
      const files = await folderFiles(entry as FileSystemDirectoryEntry, '');
      items.push({ name: entry.name, kind: 'folder', tree: droppedFolder(entry.name, files) });
    } else {
      items.push(await fromFile(await entryFile(entry as FileSystemFileEntry)));
    }
  }
  return items;
}
