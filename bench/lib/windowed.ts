/**
 * Runs `task(0)` … `task(count - 1)` with at most `width` in flight, so that a fill of hundreds of
 * thousands of items is pipelined on the connection without holding all their promises at once.
 */
export async function forEachWindowed(
  count: number,
  width: number,
  task: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}
