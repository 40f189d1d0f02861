// `grid up | status | down`: a local Selenium Grid as processes that outlive the command.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { HttpHubClient, type GridSummary } from '../grid/hub-client.ts';
import { eventBusFromState, readState, removeState, startLocalGrid } from '../grid/local-grid.ts';
import { isAlive, stopProcessGroup } from '../grid/processes.ts';
import { UsageError } from '../errors.ts';
import type { CommandContext } from './context.ts';
import { configFor, option } from './options.ts';

export const defaultStateDir = '.grid-run/grid';

export function registerGrid(program: Command, ctx: CommandContext): void {
  const grid = program.command('grid').description('Start, inspect and stop a local Selenium Grid (hub and Chromium nodes as processes).');

  grid
    .command('up')
    .description('Start a hub and N nodes on this machine; returns when every node and slot is ready.')
    .addOption(option('nodes', 'number of nodes (default 2)', 'n'))
    .addOption(option('slots', 'concurrent sessions per node (default 2)', 's'))
    .addOption(option('port', 'hub port (default 4444; 0 picks a free one)', 'port'))
    .addOption(option('secret', 'node registration secret (required when --host is not loopback)', 'secret'))
    .addOption(option('stateDir', `where logs and the pid file go (default ${defaultStateDir})`, 'dir'))
    .option('--host <host>', 'address the hub and nodes bind to', '127.0.0.1')
    .addHelpText('after', '\nExample:\n  grid-run grid up --nodes 2 --slots 2\n')
    .action(async (opts: { host: string }, cmd: Command) => {
      const config = configFor(cmd, ctx, {
        nodes: 2,
        slots: 2,
        port: 4444,
        stateDir: defaultStateDir,
        secret: undefined as string | undefined,
      });
      const stateDir = resolve(ctx.cwd, config.stateDir);
      const existing = await readState(stateDir);
      if (existing && existing.processes.some((p) => isAlive(p.pid))) {
        throw new UsageError(`a local grid is already running at ${existing.hubUrl} (state in ${stateDir}); run \`grid-run grid down\` first`);
      }
      const started = await startLocalGrid({
        nodes: config.nodes,
        slots: config.slots,
        port: config.port,
        stateDir,
        host: opts.host,
        secret: config.secret,
        signal: ctx.signal,
      });
      ctx.out(`grid up: hub ${started.hubUrl}, ${config.nodes} node(s) x ${config.slots} slot(s)`);
      ctx.out(`logs and pid file in ${stateDir}; stop it with \`grid-run grid down\``);
    });

  grid
    .command('status')
    .description("Show the hub's nodes, slots, running sessions and queue.")
    .addOption(option('hub', 'hub URL (default: the local grid started by `grid up`)', 'url'))
    .addOption(option('secret', 'registration secret, if the hub has one', 'secret'))
    .addOption(option('stateDir', `state directory of \`grid up\` (default ${defaultStateDir})`, 'dir'))
    .option('--json', 'print the status as JSON')
    .addHelpText('after', '\nExamples:\n  grid-run grid status\n  grid-run grid status --hub http://127.0.0.1:4444 --json\n')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const config = configFor(cmd, ctx, { hub: undefined as string | undefined, secret: undefined as string | undefined, stateDir: defaultStateDir });
      const stateDir = resolve(ctx.cwd, config.stateDir);
      const hubUrl = config.hub ?? (await readState(stateDir))?.hubUrl;
      if (!hubUrl) throw new UsageError('no local grid is running (no `grid up` state found); give --hub URL');
      const summary = await new HttpHubClient(hubUrl, { secret: config.secret }).summary();
      // The hub does not say where its bus is; a hub `grid up` started has it in its state.
      const found = await eventBusFromState(stateDir, hubUrl);
      const eventBus = found ? { host: found.host, publish: found.publishPort, subscribe: found.subscribePort } : undefined;
      if (opts.json) ctx.out(JSON.stringify({ hub: hubUrl, eventBus: eventBus ?? null, ...summary }, null, 2));
      else for (const line of formatStatus(hubUrl, summary, eventBus)) ctx.out(line);
    });

  grid
    .command('down')
    .description('Stop the hub and nodes that `grid up` started (and nothing else). Harmless when none runs.')
    .addOption(option('stateDir', `state directory of \`grid up\` (default ${defaultStateDir})`, 'dir'))
    .action(async (_opts: unknown, cmd: Command) => {
      const config = configFor(cmd, ctx, { stateDir: defaultStateDir });
      const stateDir = resolve(ctx.cwd, config.stateDir);
      const state = await readState(stateDir);
      if (!state) {
        ctx.out('grid down: no local grid is running');
        return;
      }
      // Nodes first, so the hub does not route a session to a node that is going away.
      const nodes = state.processes.filter((p) => p.role === 'node');
      await Promise.all(nodes.map((p) => stopProcessGroup(p.pid)));
      await Promise.all(state.processes.filter((p) => p.role === 'hub').map((p) => stopProcessGroup(p.pid)));
      await removeState(stateDir);
      ctx.out(`grid down: stopped the hub at ${state.hubUrl} and ${nodes.length} node(s)`);
    });
}

export function formatStatus(hubUrl: string, s: GridSummary, bus?: { host: string; publish: number; subscribe: number }): string[] {
  const running = s.nodes.reduce((sum, n) => sum + n.busySlots, 0);
  const h = bus?.host.includes(':') ? `[${bus.host}]` : bus?.host;
  const lines = [
    `hub ${hubUrl}: ${s.ready ? 'ready' : 'not ready'}${s.message ? ` (${s.message})` : ''}`,
    bus
      ? `event bus tcp://${h}:${bus.publish} (publish), tcp://${h}:${bus.subscribe} (subscribe)`
      : "event bus not known here (not started by `grid up` with this --state-dir); nodes assume the hub's port minus 2 and minus 1",
    `nodes ${s.nodes.length}, slots ${s.totalSlots} (${s.freeSlots} free), sessions ${running}, queue ${s.queueSize < 0 ? 'unknown' : s.queueSize}`,
  ];
  for (const n of s.nodes) {
    lines.push(`  ${n.availability.padEnd(8)} ${n.uri}  slots ${n.slots}  sessions ${n.busySlots}  ${n.browserVersion ? `chrome ${n.browserVersion}` : ''}  id ${n.id}`);
  }
  return lines;
}
