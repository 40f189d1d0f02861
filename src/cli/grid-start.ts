// The grid a run's sessions open on, shared by `run` and `eval`: --grid's hub or a local grid,
// and --provider's nodes joined to it. Each step registers its teardown before its setup, and
// what starts outside this process is told to the run's reaper.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { HttpHubClient, type HubClient } from '../grid/hub-client.ts';
import { startLocalGrid } from '../grid/local-grid.ts';
import { noticeLeftovers } from '../nodes/leftovers.ts';
import type { ProviderName } from '../nodes/provider.ts';
import { nodesForRun } from '../nodes/scale.ts';
import { startReaper, type Reaper } from '../reaper/client.ts';
import { currentOwner } from '../reaper/owner.ts';
import type { CommandContext } from './context.ts';
import { embeddedGrid } from './defaults.ts';
import { addNodePoolOptions, eventBusOfGridUp, nodePoolConfig, nodePoolDefaults, type NodePoolBase, type NodePoolSettings } from './node-pool-options.ts';
import { option } from './options.ts';
import { Teardown } from './teardown.ts';

/** The options of the grid and its nodes, with their defaults but the pool's (each command names its own). */
export const gridDefaults = {
  grid: undefined as string | undefined,
  secret: undefined as string | undefined,
  nodes: embeddedGrid.nodes,
  provider: undefined as string | undefined,
  slots: embeddedGrid.slots,
  ...nodePoolDefaults,
};

export type GridConfig = NodePoolSettings & { grid?: string; secret?: string; nodes: number; provider?: string; pool: string; slots: number };

/** --provider, --pool and the node pool's options; `nodes` says what --nodes counts for the command. */
export function addProviderOptions(cmd: Command, nodes: string, pool: string): Command {
  cmd
    .addOption(option('nodes', `${nodes} (default ${gridDefaults.nodes})`, 'n'))
    .addOption(option('slots', `slots per node (default ${gridDefaults.slots})`, 'n'))
    .addOption(option('provider', 'run the nodes as docker containers or ec2 instances, provisioned for this run and removed after it', 'name'))
    .addOption(option('pool', `pool the provisioned nodes are labelled with (default ${pool})`, 'name'));
  return addNodePoolOptions(cmd);
}

/** Only a run with --provider loads the provider SDKs, the CLI's largest modules (README, Performance). */
const loadProviders = () => import('../nodes/create.ts');

/** The provider to provision nodes with, checked before anything starts. */
export async function checkProvider(command: string, config: GridConfig, runId: string, env: NodeJS.ProcessEnv): Promise<ProviderName | undefined> {
  const provider = config.provider as ProviderName | undefined;
  if (!provider) return undefined;
  if (provider === 'ec2' && !config.grid) {
    throw new UsageError(`${command} --provider ec2 needs --grid URL: a hub the instances can reach (the embedded hub listens on loopback)`);
  }
  if (config.nodes < 1) throw new UsageError(`${command} --provider ${provider} needs --nodes 1 or more`);
  // Building a provider has no side effects; it checks the options (pool, ec2 region, AMI, image...).
  const { createProvider } = await loadProviders();
  createProvider(nodePoolConfig({ provider, hub: config.grid ?? 'http://127.0.0.1:4444', pool: config.pool, runId, slots: config.slots }, config), { env });
  return provider;
}

/** A run's id: when it started, to the second, and a random part (`prefix` names the command). */
export function newRunId(startedAt: Date, prefix = ''): string {
  return `${prefix}${startedAt.toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
}

/** What the run has started so far, for its steps and for a report of an interrupted start. */
export type Started = {
  teardown: Teardown;
  reaper: Reaper | undefined;
  /** Grid processes' logs and the reaper's. */
  workDir: string;
  /** What the run is doing before its sites run, for the reason of an interrupted start. */
  phase: string;
  /** The hub, once known. */
  hubUrl?: string;
  /** The reporter was begun: from then on an interruption is the dispatch's to report. */
  dispatching: boolean;
};

/**
 * A run's start, before its first step: a reaper when it will start grid processes (`localGrid`)
 * or containers, which removes them if this process dies without its teardown (SIGKILL, out of memory).
 */
export async function beginStart(run: { runId: string; localGrid: boolean; provider: ProviderName | undefined }, env: NodeJS.ProcessEnv): Promise<Started> {
  const started: Started = { teardown: new Teardown(), reaper: undefined, workDir: join(tmpdir(), `grid-run-${run.runId}`), phase: 'starting', dispatching: false };
  if (run.localGrid || run.provider === 'docker') {
    await mkdir(started.workDir, { recursive: true });
    started.reaper = startReaper({ log: join(started.workDir, 'reaper.log'), env });
  }
  return started;
}

export type GridAtHand = { hub: HubClient; eventBus: NodePoolBase['eventBus'] };

/** The hub of --grid, or a local grid started for the run (a hub only, with a provider). */
export async function startGrid(config: GridConfig, ctx: CommandContext, provider: ProviderName | undefined, started: Started): Promise<GridAtHand> {
  if (config.grid) {
    started.hubUrl = config.grid;
    const hub = new HttpHubClient(config.grid, { secret: config.secret });
    return { hub, eventBus: provider ? await eventBusOfGridUp(config, config.grid, ctx.cwd) : undefined };
  }
  // With a provider the embedded grid is a hub only; the provisioned nodes join it.
  const localNodes = provider ? 0 : config.nodes;
  ctx.err(`grid-run: starting a local ${provider ? 'hub' : `grid (${localNodes} node(s) x ${config.slots} slot(s))`}, logs in ${started.workDir}`);
  started.phase = 'the local grid was starting';
  const gridHandle: { stop?: (hurry: AbortSignal) => Promise<void> } = {};
  started.teardown.add('the local grid', async (hurry) => gridHandle.stop?.(hurry));
  const grid = await startLocalGrid({
    nodes: localNodes,
    slots: config.slots,
    port: 0,
    stateDir: started.workDir,
    secret: config.secret,
    signal: ctx.signal,
    onProcess: (p) => started.reaper?.watchGroup(p.pid),
  });
  gridHandle.stop = grid.stop;
  started.hubUrl = grid.hubUrl;
  return {
    hub: new HttpHubClient(grid.hubUrl, { secret: config.secret }),
    eventBus: { host: grid.host, publishPort: grid.eventBus.publish, subscribePort: grid.eventBus.subscribe },
  };
}

/** --provider's nodes for this run, joined to the hub; removed by the teardown. */
export async function provisionNodes(config: GridConfig, ctx: CommandContext, grid: GridAtHand & { provider: ProviderName; runId: string }, started: Started): Promise<void> {
  const { provider, runId, hub, eventBus } = grid;
  started.phase = `the ${provider} nodes were being provisioned`;
  const base = { provider, hub: hub.url, pool: config.pool, runId, owner: currentOwner(), slots: config.slots, secret: config.secret, eventBus };
  const { createProvider } = await loadProviders();
  const nodes = nodesForRun(createProvider(nodePoolConfig(base, config), { env: ctx.env, log: ctx.err }).provider, runId);
  await noticeLeftovers(nodes.provider, ctx.err);
  // Registered before provisioning: a failed or interrupted provision leaves nothing behind.
  started.teardown.add(`the ${provider} nodes of this run`, async (hurry) => void (await nodes.release(hurry)));
  if (provider === 'docker') started.reaper?.watchContainers(runId);
  ctx.err(`grid-run: provisioning ${config.nodes} ${provider} node(s) x ${config.slots} slot(s) in pool ${config.pool} for ${hub.url}`);
  await nodes.provision(config.nodes, ctx.signal);
}

/** Runs the teardown; one that failed leaves the rest to the reaper, which sees its pipe close without `done`. */
export async function tearDown(started: Started, ctx: CommandContext): Promise<void> {
  if (await started.teardown.run(ctx.err, ctx.hurry)) started.reaper?.done();
}
