// What loading the provider SDKs costs a CLI process (`node test/bench/sdk-cost.ts`): why only
// a run with --provider, scale-nodes and sweep import src/nodes/create.ts. Each module in a fresh
// process with the CLI's heap flags, after a small .ts module (the type stripper is not counted).
import { execFileSync } from 'node:child_process';
import { heapFlags } from '../../bin/heap-flags.js';

const repo = new URL('../../', import.meta.url).pathname;
const modules = ['src/nodes/create.ts', 'src/nodes/ec2/client.ts', 'src/nodes/docker/engine.ts'];
const reps = 3;

const probe = `
await import(${JSON.stringify(`${repo}src/version.ts`)});
globalThis.gc();
const before = process.memoryUsage().rss;
await import(process.argv[1]);
globalThis.gc();
console.log(process.memoryUsage().rss - before);`;

function addedMb(module: string): number {
  const out = execFileSync(process.execPath, [...heapFlags, '--expose-gc', '--input-type=module', '-e', probe, `${repo}${module}`], { encoding: 'utf8' });
  return Number(out.trim()) / 1048576;
}

for (const module of modules) {
  const runs = Array.from({ length: reps }, () => addedMb(module)).sort((a, b) => a - b);
  console.log(`${module}: ${runs[Math.floor(reps / 2)]!.toFixed(1)} MB of RSS added (median of ${reps}; ${runs.map((r) => r.toFixed(1)).join(', ')})`);
}
