// Node side: bundles the browser detector (src/detect/entry.ts) into one script for
// executeScript. Built once per process and kept in memory.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const BUNDLE_GLOBAL = '__gridRunDetector';
let bundled: Promise<string> | undefined;

/** The IIFE that defines the detector's functions in a local variable. */
export function detectorBundle(): Promise<string> {
  bundled ??= build({
    entryPoints: [fileURLToPath(new URL('../detect/entry.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: BUNDLE_GLOBAL,
    target: 'chrome100',
    minify: true,
    legalComments: 'none',
  }).then((r) => {
    const file = r.outputFiles[0];
    if (!file) throw new Error('esbuild produced no output for the detector');
    return file.text;
  });
  // A failed build must not be cached: the next call tries again.
  bundled.catch(() => (bundled = undefined));
  return bundled;
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
 * Script taking `InspectOptions` (entry.ts) as arguments[0]: the detection with meta, the page it
 * ran in, the expected fields compared with it, and the detected fields outlined, in one run.
 */
export async function inspectScript(): Promise<string> {
  return `${await detectorBundle()}\nreturn ${BUNDLE_GLOBAL}.inspectPage(arguments[0] || {});`;
}

/** Script taking `{ expect }` as arguments[0]: an extension's answer and the checks on it (inspectContract, entry.ts). */
export async function contractScript(): Promise<string> {
  return `${await detectorBundle()}\nreturn ${BUNDLE_GLOBAL}.inspectContract(arguments[0] || {});`;
}

/** Script taking `[present, absent]` (selector paths) as arguments: see checkPresence (presence.ts). */
export async function presenceScript(): Promise<string> {
  return `${await detectorBundle()}\nreturn ${BUNDLE_GLOBAL}.checkPresence(arguments[0], arguments[1]);`;
}

/** Script taking a Detection as arguments[0]: outlines its fields (see outline.ts). */
export async function outlineScript(): Promise<string> {
  return `${await detectorBundle()}\n${BUNDLE_GLOBAL}.outlineFields(arguments[0]);`;
}

/** Script clearing the page's own storage; returns its origin (see clearPage in entry.ts). */
export async function clearPageScript(): Promise<string> {
  return `${await detectorBundle()}\nreturn ${BUNDLE_GLOBAL}.clearPage();`;
}

/** Script taking a selector path as arguments[0]; returns a `Located` (entry.ts). */
export async function locateScript(): Promise<string> {
  return `${await detectorBundle()}\nreturn ${BUNDLE_GLOBAL}.locate(arguments[0]);`;
}

/** Script taking `[expectedPath, detectedPath][]` as arguments[0]; see samePairs (entry.ts). */
export async function samePairsScript(): Promise<string> {
  return `${await detectorBundle()}\nreturn ${BUNDLE_GLOBAL}.samePairs(arguments[0]);`;
}
