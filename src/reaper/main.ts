// The reaper process (see client.ts). Reads what to watch from stdin, one JSON line each; at
// end of input without `done`, kills the process groups and removes the containers, then exits.
import { createInterface } from 'node:readline';
import type { ReaperMessage } from './client.ts';
import { stopProcessGroup } from '../grid/processes.ts';

const groups = new Set<number>();
const runIds = new Set<string>();
let done = false;
const log = (line: string) => process.stderr.write(`${new Date().toISOString()} reaper ${process.pid}: ${line}\n`);

// The CLI's signals do not reach this session, but a terminal's hang-up might: ignore them all.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => log(`${signal} ignored`));

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  try {
    const message = JSON.parse(line) as ReaperMessage;
    if ('group' in message) groups.add(message.group);
    else if ('containers' in message) runIds.add(message.containers.runId);
    else if ('done' in message) done = true;
  } catch {
    log(`ignored a line that is not JSON: ${line.slice(0, 200)}`);
  }
});
lines.on('close', () => void reap().finally(() => process.exit(0)));

async function reap(): Promise<void> {
  if (done) {
    log('exiting, the teardown was done');
    return;
  }
  log(`the CLI went away without finishing its teardown: stopping ${groups.size} process group(s), ${runIds.size} run(s) of containers`);
  const work: Promise<unknown>[] = [...groups].map((pid) => stopProcessGroup(pid, 3000));
  if (runIds.size > 0) {
    const { removeRunContainers } = await import('../nodes/docker/reap.ts');
    for (const runId of runIds) {
      work.push(retried(() => removeRunContainers(runId, process.env)).then((ids) => log(`removed ${ids.length} container(s) of run ${runId}`)));
    }
  }
  for (const r of await Promise.allSettled(work)) if (r.status === 'rejected') log(`failed: ${String(r.reason)}`);
  log('done');
}

/** An engine that is restarting answers again within seconds: try for up to 25 s. */
async function retried<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 25_000;
  for (;;) {
    try {
      return await work();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      log(`retrying: ${String(err)}`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}
