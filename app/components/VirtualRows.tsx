import { type ReactNode, useLayoutEffect, useRef, useState } from 'react';

/** Rows rendered beyond each edge of the view, so that scrolling shows no gap before the next frame. */
const OVERSCAN_ROWS = 8;

/**
 * A list of `count` rows of `rowHeight` px of which only those in view are rendered. Every row has
 * the same height, so the rows in view follow from the scroll position alone: rendering costs the
 * same for ten rows or two million (a virtualizer that measures its items costs O(count) each time
 * the count changes, which made long tasks while a million log lines and trace records streamed
 * in). While `follow` is on, the view stays on the newest rows; scrolling away from (or back to)
 * the bottom turns it off (or on). Layout is read only on scroll and on resize.
 */
export function useVirtualRows(count: number, rowHeight: number, follow: boolean, setFollow: (on: boolean) => void) {
  const scroller = useRef<HTMLElement>(null);
  /** The box's scroll position and height, as last read. */
  const [view, setView] = useState({ top: 0, height: 0 });
  /** Where we last scrolled to, so our own scrolling is not taken for the person's. */
  const ownScrollTop = useRef(-1);
  const total = count * rowHeight;
  const bottom = Math.max(0, total - view.height);
  const top = follow ? bottom : Math.min(view.top, bottom);

  useLayoutEffect(() => {
    const element = scroller.current!;
    const measure = () => setView({ top: element.scrollTop, height: element.clientHeight });
    const resizes = new ResizeObserver(measure);
    resizes.observe(element);
    return () => resizes.disconnect();
  }, []);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!follow || element === null) return;
    element.scrollTop = bottom;
    ownScrollTop.current = bottom;
  }, [follow, bottom]);

  const onScroll = () => {
    const element = scroller.current!;
    const scrolled = element.scrollTop;
    setView((current) => (current.top === scrolled ? current : { ...current, top: scrolled }));
    if (Math.abs(scrolled - ownScrollTop.current) < 1) return;
    const atBottom = total - scrolled - view.height < rowHeight;
    if (atBottom !== follow) setFollow(atBottom);
  };

  /** Scrolls so that `row` is in the middle of the view (call with following off). */
  const scrollToRow = (row: number) => {
    const element = scroller.current;
    if (element === null) return;
    const scrolled = Math.min(bottom, Math.max(0, row * rowHeight - view.height / 2));
    element.scrollTop = scrolled;
    ownScrollTop.current = scrolled;
    setView((current) => ({ ...current, top: scrolled }));
  };

  const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN_ROWS);
  const last = Math.min(count, Math.ceil((top + view.height) / rowHeight) + OVERSCAN_ROWS);
  return { scroller, onScroll, scrollToRow, first, last, total, rowHeight };
}

/**
 * The scrolling box of a list made by useVirtualRows, with the rows in view: `row(index, key)`
 * renders one; clicks on rows reach `onClick`.
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
  /** Rows are keyed by their place in the view (`key`): as new rows stream in, their elements are reused. */
  row: (index: number, key: number) => ReactNode;
  /** The box is `${className}-scroll`, the rows' parts `${className}-rows` and `${className}-block`. */
  className: string;
  label: string;
  testId: string;
  onClick?: (target: EventTarget) => void;
  /** Sets data-marked on the box (for styles that depend on what clicks do). */
  marked?: boolean;
}) {
  const { scroller, onScroll, first, last, total, rowHeight } = list;
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
      <div className={`${className}-rows`} style={{ height: total }}>
        <div className={`${className}-block`} style={{ transform: `translateY(${first * rowHeight}px)` }}>
          {Array.from({ length: last - first }, (_, i) => row(first + i, i))}
        </div>
      </div>
    </section>
  );
}
