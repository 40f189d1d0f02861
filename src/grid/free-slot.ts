import type { GridSummary, HubClient } from './hub-client.ts';
import { waitFor, WaitTimeoutError } from '../wait.ts';

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
