import { type ReactNode, useState } from 'react';
import { type PickedItem, readDrop } from '../lib/files';
import { setNotice } from '../state/store';

/** A region that takes dropped files and folders (read recursively) and hands them on. */
export function DropZone({
  hint,
  onItems,
  children,
}: {
  hint: string;
  onItems: (items: PickedItem[]) => void;
  children: ReactNode;
}) {
  const [over, setOver] = useState(false);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: dropping is a shortcut; the file pickers inside are the keyboard path
    <div
      className={over ? 'drop-zone over' : 'drop-zone'}
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        readDrop(event.dataTransfer).then(onItems, (error: unknown) =>
          setNotice(`Could not read the dropped files: ${String(error)}`),
        );
      }}
    >
      <p className="drop-hint">{hint}</p>
      {children}
    </div>
  );
}

/** A labelled file picker whose files are read and handed on; it is cleared so the same file can be picked again. */
export function FilePicker({
  label,
  testId,
  accept,
  folder = false,
  onFiles,
}: {
  label: string;
  testId?: string;
  accept?: string;
  folder?: boolean;
  onFiles: (files: File[]) => void;
}) {
  return (
    <label className="button file-picker">
      {label}
      <input
        type="file"
        multiple
        accept={accept}
        data-testid={testId}
        ref={(input) => {
          if (folder) input?.setAttribute('webkitdirectory', '');
        }}
        onChange={(event) => {
          onFiles([...(event.target.files ?? [])]);
          event.target.value = '';
        }}
      />
    </label>
  );
}
