import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useCallback, useLayoutEffect, useRef } from 'react';

/**
 * The virtualizer lays out blocks of this many rows, not single rows: it re-measures every item
 * whenever the count changes, and a million items would make that a long task on every frame.
 */
const BLOCK_ROWS = 16;

/**
 * A virtualized list of `count` rows of `rowHeight` px in blocks of BLOCK_ROWS, that follows new
 * rows to the bottom while `follow` is on and turns it off (or on again) as the person scrolls
 * away from (or back to) the bottom.
 */
export function useVirtualRows(count: number, rowHeight: number, follow: boolean, setFollow: (on: boolean) => void) {
  const scroller = useRef<HTMLElement>(null);
  /** Where we last scrolled to, so our own scrolling is not taken for the person's. */
  const ownScrollTop = useRef(-1);
  const rowsIn = (block: number) => Math.min(BLOCK_ROWS, count - block * BLOCK_ROWS);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new key function when rows arrive makes the virtualizer re-measure the (partly filled) last block
  const blockKey = useCallback((block: number) => block, [count]);
  const virtualizer = useVirtualizer({
    count: Math.ceil(count / BLOCK_ROWS),
    getScrollElement: () => scroller.current,
    estimateSize: (block) => rowsIn(block) * rowHeight,
    getItemKey: blockKey,
    overscan: 1,
    // Scrolling renders with the next frame, batched, instead of synchronously inside the scroll event.
    useFlushSync: false,
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: count: follow new rows to the bottom
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!follow || element === null) return;
    element.scrollTop = element.scrollHeight;
    ownScrollTop.current = element.scrollTop;
  }, [follow, count]);

  const onScroll = () => {
    const element = scroller.current!;
    if (Math.abs(element.scrollTop - ownScrollTop.current) < 1) return;
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < rowHeight;
    if (atBottom !== follow) setFollow(atBottom);
  };

  /** Scrolls so that `row` is in the middle of the view (call with following off). */
  const scrollToRow = (row: number) => {
    const element = scroller.current;
    if (element === null) return;
    element.scrollTop = Math.max(0, row * rowHeight - element.clientHeight / 2);
    ownScrollTop.current = element.scrollTop;
  };

  return { scroller, virtualizer, rowsIn, onScroll, scrollToRow };
}

/**
 * The scrolling box of a list made by useVirtualRows, with the rows in view in their blocks:
 * `row(index, key)` renders one; clicks on rows reach `onClick`.
 */
export function VirtualRows({
  list,
  row,
  className,
  label,
  testId,
  onClick,
  marked,
}: {
  list: ReturnType<typeof useVirtualRows>;
  row: (index: number, key: number) => ReactNode;
  /** The box is `${className}-scroll`, its rows' parts `${className}-rows` and `${className}-block`. */
  className: string;
  label: string;
  testId: string;
  onClick?: (target: EventTarget) => void;
  /** Sets data-marked on the box (for styles that depend on what clicks do). */
  marked?: boolean;
}) {
  const { scroller, virtualizer, rowsIn, onScroll } = list;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: rows are picked with the pointer; what a pick shows is reachable otherwise
    <section
      className={`${className}-scroll`}
      ref={scroller}
      onScroll={onScroll}
      onClick={onClick && ((event) => onClick(event.target))}
      data-marked={marked || undefined}
      data-testid={testId}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
      tabIndex={0}
      aria-label={label}
    >
      <div className={`${className}-rows`} style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((block) => (
          <div key={block.key} className={`${className}-block`} style={{ transform: `translateY(${block.start}px)` }}>
            {Array.from({ length: rowsIn(block.index) }, (_, i) => row(block.index * BLOCK_ROWS + i, i))}
          </div>
        ))}
      </div>
    </section>
  );
}
