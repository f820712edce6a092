/** The longest delay setTimeout takes (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Calls `callback` after `ms` milliseconds, however long that is (Bacalhau's timeouts are int64
 * seconds), by waiting in steps setTimeout can take. Returns a function that clears it.
 */
export function setLongTimeout(callback: () => void, ms: number): () => void {
  const deadline = Date.now() + ms;
  let timer: ReturnType<typeof setTimeout>;
  const arm = () => {
    const left = deadline - Date.now();
    timer = left > MAX_DELAY_MS ? setTimeout(arm, MAX_DELAY_MS) : setTimeout(callback, left);
  };
  arm();
  return () => clearTimeout(timer);
}
