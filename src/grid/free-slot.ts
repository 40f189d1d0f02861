import type { GridSummary, HubClient } from './hub-client.ts';
import { waitFor, WaitTimeoutError } from '../wait.ts';
import { InfrastructureError } from '../errors.ts';

/**
 * The grid's summary, once it has a free slot or the bound runs out. A slot the previous run
 * just released stays busy until its node reports the session closed (a second or two, more
 * under load), so back-to-back runs on a small grid wait for it instead of being refused.
 */
export async function summaryWithFreeSlot(hub: HubClient, options: { timeoutMs: number; signal?: AbortSignal }): Promise<GridSummary> {
  let last = await hub.summary();
  if (last.freeSlots > 0 || last.totalSlots === 0) return last;
  try {
    return await waitFor(
      async () => {
        last = await hub.summary();
        return last.freeSlots > 0 ? last : undefined;
      },
      { what: `a free slot on the grid at ${hub.url}`, timeoutMs: options.timeoutMs, intervalMs: 250, signal: options.signal },
    );
  } catch (err) {
    if (err instanceof WaitTimeoutError) return last;
    throw err;
  }
}

/** How long a run without --concurrency waits for a busy grid to free a slot. */
export const freeSlotWaitMs = 30_000;

/**
 * The grid's summary and how many sessions a run opens at once: `given` (--concurrency), else
 * the grid's free slots, waiting up to freeSlotWaitMs for one; none is an infrastructure error.
 */
export async function sessionsAtOnce(hub: HubClient, given: number | undefined, signal: AbortSignal): Promise<{ summary: GridSummary; concurrency: number }> {
  const summary = given === undefined ? await summaryWithFreeSlot(hub, { timeoutMs: freeSlotWaitMs, signal }) : await hub.summary();
  const concurrency = given ?? summary.freeSlots;
  if (concurrency < 1) {
    throw new InfrastructureError(`the grid at ${hub.url} has no free slot (${summary.nodes.length} node(s), ${summary.totalSlots} slot(s), none free after ${freeSlotWaitMs / 1000} s); give --concurrency to queue anyway`);
  }
  return { summary, concurrency };
}
