// --extension and --extension-timeout, shared by run, dry-run and eval: the user's extensions,
// checked and packed before anything starts (a bad path is exit 2), and how long their answer
// is awaited on each page.
import type { Command } from 'commander';
import { afterExtension, defaultExtensionTimeoutMs, extensionDetector } from '../extension/answer.ts';
import { chooseDetector, type Detector } from '../detector/detector.ts';
import type { DetectorIdentity } from '../types.ts';
import { InfrastructureError } from '../errors.ts';
import type { GridNode } from '../grid/hub-client.ts';
import { extensionsCapability } from '../session/chrome-flags.ts';
import { option } from './options.ts';

export const extensionDefaults = {
  extension: undefined as string[] | undefined,
  extensionTimeout: defaultExtensionTimeoutMs,
};

export function addExtensionOptions(cmd: Command): Command {
  return cmd
    .addOption(option('extension', 'an unpacked extension folder or a .crx to load into every browser (repeatable); its answer under the extension contract is the detection', 'path'))
    .addOption(option('extensionTimeout', `how long to wait for the extension's answer on each page, in ms (default ${defaultExtensionTimeoutMs})`, 'ms'));
}

/** What a run with extensions gives its sessions: the packed files, and how their answer is read. */
export type ExtensionRun = { crxs: string[]; answer: { timeoutMs: number; identity: DetectorIdentity } };

export async function extensionRun(config: { extension?: readonly string[]; extensionTimeout: number }, cwd: string): Promise<ExtensionRun | undefined> {
  if (!config.extension?.length) return undefined;
  // crx3 and the key derivation are loaded only for --extension: every run paid ~40 ms for them.
  const { answeringIdentity, loadExtensions } = await import('../extension/load.ts');
  const loaded = await loadExtensions(config.extension, cwd);
  return { crxs: loaded.map((e) => e.crx), answer: { timeoutMs: config.extensionTimeout, identity: answeringIdentity(loaded) } };
}

/**
 * The run's extensions and what judges each page: the extension's answer, or, with a detector
 * given as well (`--detector FILE` or `builtin`), that detector after the extension's time.
 * Without extensions, the detector given or the built-in one.
 */
export async function chooseRunDetector(config: { extension?: readonly string[]; extensionTimeout: number; detector?: string }, cwd: string): Promise<{ extensions?: ExtensionRun; detector: Detector }> {
  const extensions = await extensionRun(config, cwd);
  if (!extensions) return { detector: await chooseDetector(config.detector, cwd) };
  if (config.detector === undefined) return { extensions, detector: extensionDetector(extensions.answer) };
  return { extensions, detector: afterExtension(extensions.answer, await chooseDetector(config.detector, cwd)) };
}

/** Before any site: a grid with no node whose stereotype allows extensions would run every site without them (exit 3). */
export function requireExtensionNodes(hubUrl: string, nodes: readonly GridNode[]): void {
  if (nodes.some((n) => n.allowsExtensions)) return;
  throw new InfrastructureError(
    `no node of the grid at ${hubUrl} can run extensions: none has ${extensionsCapability}: true in its stereotype (grid-run's grid/node.toml and node image have it; a node without it would run the sites without the extension)`,
  );
}
