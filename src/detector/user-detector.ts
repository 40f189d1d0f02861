// `--detector FILE`: a user's ES module exporting detect(), bundled with its own imports into
// one in-page script. `grid-run/detect` always resolves to this grid-run's own helpers, whatever
// the user's node_modules hold, so the paths it writes are the ones grid-run resolves.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Message, Plugin } from 'esbuild';
import { UsageError, errorMessage } from '../errors.ts';
import type { DetectorIdentity } from '../types.ts';

/** The local variable the user's bundle defines in the script. */
export const USER_GLOBAL = '__gridRunUserDetector';

export type UserDetectorBundle = {
  identity: DetectorIdentity;
  /** An IIFE defining USER_GLOBAL, the module's exports. */
  source: string;
  /** The export that is detect(): the named one, else the default. */
  exportName: 'detect' | 'default';
};

const publicEntry = fileURLToPath(new URL('../detect/public.ts', import.meta.url));

const gridRunDetect: Plugin = {
  name: 'grid-run-detect',
  setup(b) {
    b.onResolve({ filter: /^grid-run\/detect$/ }, () => ({ path: publicEntry }));
  },
};

/** As esbuild prints it: `file:line:column: message`. */
function located(m: Message): string {
  const at = m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : '';
  return `${at}${m.text}`;
}

function buildError(file: string, err: unknown): UsageError {
  const errors = (err as { errors?: Message[] }).errors;
  const lines = errors?.length ? errors.slice(0, 5).map(located) : [errorMessage(err)];
  return new UsageError(`--detector ${file}: does not build:\n${lines.join('\n')}`);
}

/** Reads and bundles the module; a UsageError (exit 2) when it cannot be read, built or has no detect. */
export async function bundleDetectorFile(file: string, cwd: string): Promise<UserDetectorBundle> {
  const path = resolve(cwd, file);
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (err) {
    throw new UsageError(`--detector ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  // esbuild is loaded only for --detector FILE: a run of the built-in detector needs none of it.
  const { build, transform } = await import('esbuild');
  let esm;
  try {
    esm = await build({
      entryPoints: [path],
      absWorkingDir: cwd,
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'chrome100',
      metafile: true,
      logLevel: 'silent',
      legalComments: 'none',
      plugins: [gridRunDetect],
    });
  } catch (err) {
    throw buildError(file, err);
  }
  const exports = Object.values(esm.metafile.outputs)[0]?.exports ?? [];
  const exportName = exports.includes('detect') ? 'detect' : exports.includes('default') ? 'default' : undefined;
  if (!exportName) {
    throw new UsageError(`--detector ${file}: exports no detect() (named or default); it exports ${exports.length ? exports.join(', ') : 'nothing'}`);
  }
  let iife;
  try {
    // From the module to a script that keeps its exports in a local variable.
    iife = await transform(esm.outputFiles[0]!.text, { format: 'iife', globalName: USER_GLOBAL, target: 'chrome100', logLevel: 'silent' });
  } catch (err) {
    throw buildError(file, err);
  }
  const identity: DetectorIdentity = { name: basename(file), kind: 'file', file, sha256: createHash('sha256').update(content).digest('hex') };
  return { identity, source: iife.code, exportName };
}
