// Node side: bundles the browser detector (src/detect/entry.ts) into one script for
// executeScript. Built once per process and kept in memory, and on disk between runs.
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { resolve } from 'node:path';
import { pagePart, type PageCall, type PagePart } from './page-scripts.ts';
import { cachedBuild } from './bundle-cache.ts';
import esbuildPackage from 'esbuild/package.json' with { type: 'json' };

export const BUNDLE_GLOBAL = '__gridRunDetector';
let bundled: Promise<string> | undefined;
let part: Promise<PagePart> | undefined;

const entry = fileURLToPath(new URL('../detect/entry.ts', import.meta.url));
const buildOptions: BuildOptions = {
  entryPoints: [entry],
  bundle: true,
  write: false,
  format: 'iife',
  globalName: BUNDLE_GLOBAL,
  target: 'chrome100',
  minify: true,
  legalComments: 'none',
  metafile: true,
};

/** The IIFE that defines the detector's functions in a local variable. */
export function detectorBundle(): Promise<string> {
  // esbuild is loaded only when the cache has no bundle of these sources.
  bundled ??= cachedBuild(JSON.stringify({ esbuild: esbuildPackage.version, buildOptions }), async () => {
    const { build } = await import('esbuild');
    const r = await build(buildOptions);
    const file = r.outputFiles?.[0];
    if (!file || !r.metafile) throw new Error('esbuild produced no output for the detector');
    // The metafile names inputs relative to esbuild's working directory.
    return { text: file.text, inputs: Object.keys(r.metafile.inputs).map((input) => resolve(input)) };
  });
  // A failed build must not be cached: the next call tries again.
  bundled.catch(() => (bundled = undefined));
  return bundled;
}

/** The bundle as a PagePart: what a session installs, and what the calls below need. */
export function detectorPart(): Promise<PagePart> {
  part ??= detectorBundle().then((source) => pagePart(BUNDLE_GLOBAL, source));
  part.catch(() => (part = undefined));
  return part;
}

/** A call of grid-run's own bundle (a function body on BUNDLE_GLOBAL), for runInPage. */
async function call(body: string, inFrame?: boolean): Promise<PageCall> {
  return { parts: [await detectorPart()], body, inFrame };
}

/** Script for `driver.executeScript(source)`: returns the page's Detection. */
export async function detectorScript(): Promise<string> {
  return `${await detectorBundle()}\nreturn ${BUNDLE_GLOBAL}.detect(document);`;
}

/** Like detectorScript, plus `elapsedMs` and `crossOriginFrames` (see DetectionWithMeta). */
export async function detectorScriptWithMeta(): Promise<string> {
  return `${await detectorBundle()}\nreturn ${BUNDLE_GLOBAL}.detectWithMeta(document);`;
}

/**
 * Takes `InspectOptions` (entry.ts) as arguments[0]: the detection with meta, the page it ran in,
 * the expected fields compared with it, and the detected fields outlined, in one run.
 */
export const inspectBody = `return ${BUNDLE_GLOBAL}.inspectPage(arguments[0] || {});`;

/** The detection with meta in a cross-origin frame the driver entered. */
export const frameBody = `return ${BUNDLE_GLOBAL}.detectWithMeta(document);`;

/** Takes `{ expect }` as arguments[0]: an extension's answer and the checks on it (inspectContract, entry.ts). */
export function contractCall(inFrame?: boolean): Promise<PageCall> {
  return call(`return ${BUNDLE_GLOBAL}.inspectContract(arguments[0] || {});`, inFrame);
}

/** Takes `[present, absent]` (selector paths) as arguments: see checkPresence (presence.ts). */
export function presenceCall(): Promise<PageCall> {
  return call(`return ${BUNDLE_GLOBAL}.checkPresence(arguments[0], arguments[1]);`);
}

/** Takes a Detection as arguments[0]: outlines its fields (see outline.ts). */
export function outlineCall(): Promise<PageCall> {
  return call(`${BUNDLE_GLOBAL}.outlineFields(arguments[0]);`);
}

/** Clears the page's own storage; returns its origin (see clearPage in entry.ts). */
export function clearPageCall(): Promise<PageCall> {
  return call(`return ${BUNDLE_GLOBAL}.clearPage();`);
}

/** Takes a selector path as arguments[0]; returns a `Located` (entry.ts). */
export function locateCall(inFrame?: boolean): Promise<PageCall> {
  return call(`return ${BUNDLE_GLOBAL}.locate(arguments[0]);`, inFrame);
}

/** Takes `[expectedPath, detectedPath][]` as arguments[0]; see samePairs (entry.ts). */
export function samePairsCall(): Promise<PageCall> {
  return call(`return ${BUNDLE_GLOBAL}.samePairs(arguments[0]);`);
}
