// What the reaper (src/reaper) does on Docker when a run's CLI died: every container labelled
// with the run's id goes, at once (no grace period, no hub: the run is over).
import { labels } from '../provider.ts';
import { DockerodeEngine } from './engine.ts';

export async function removeRunContainers(runId: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const engine = new DockerodeEngine(env);
  const found = await engine.list({ [labels.managedBy]: 'grid-run', [labels.runId]: runId });
  await Promise.all(found.map((c) => engine.remove(c.id, 0)));
  return found.map((c) => c.id);
}
