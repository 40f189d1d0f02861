// The scripts grid-run runs in pages, full or short. Full: the bundles (grid-run's detector,
// a user's module) and then the call, tens of KB that the CLI serialises and the hub, the
// node and chromedriver each parse again, for every script run. Short: only the call, to the
// bundles a session installed in every new document of its page beforehand (DevTools'
// Page.addScriptToEvaluateOnNewDocument, see WebDriverSession), which is most of the CLI's CPU
// per site less (README, Performance). Where the bundles are not installed (a session without
// DevTools, a page loaded before the install, a cross-origin frame in a process of its own),
// the short script says so and the full one runs.
import { createHash } from 'node:crypto';
import type { WebDriver } from 'selenium-webdriver';

/** One bundle: a script that defines the variable `local` (esbuild's IIFE), which calls use. */
export type PagePart = {
  local: string;
  source: string;
  /** The Symbol.for key it is installed under: names the content, so a stale or foreign install never answers. */
  key: string;
};

export function pagePart(local: string, source: string): PagePart {
  return { local, source, key: `grid-run ${local} ${createHash('sha256').update(source).digest('hex').slice(0, 16)}` };
}

/** What a short script answers in a document without the bundles. */
export const NOT_INSTALLED = 'grid-run: the detector is not installed in this document';

/**
 * The script to install on new documents: each bundle, made only when a script first asks for
 * it (so that nothing of grid-run runs before the page's own scripts, as before), under a
 * Symbol.for key on window that is neither enumerable, writable nor configurable: a page that
 * defines the same global names as the bundles, or any other, changes nothing of it.
 */
export function installSource(parts: readonly PagePart[]): string {
  const defines = parts.map((p) => `define(${JSON.stringify(p.key)}, () => {\n${p.source}\nreturn ${p.local};\n});`);
  return `(() => {
const define = (key, make) => {
  let made;
  try { Object.defineProperty(window, Symbol.for(key), { value: () => (made === undefined ? (made = make()) : made) }); } catch {}
};
${defines.join('\n')}
})();`;
}

/** The bundles, then `body` (a function body: `arguments` are the script's). */
export function fullScript(parts: readonly PagePart[], body: string): string {
  return `${parts.map((p) => p.source).join('\n')}\n${body}`;
}

/** `body` on the installed bundles, or NOT_INSTALLED when one is missing (or the page broke Symbol). */
export function shortScript(parts: readonly PagePart[], body: string): string {
  const lookups = parts.map((p, i) => `const __gridRunMake${i} = installed(${JSON.stringify(p.key)});`);
  const missing = parts.map((_, i) => `!__gridRunMake${i}`).join(' || ');
  const locals = parts.map((p, i) => `const ${p.local} = __gridRunMake${i}();`);
  return `const installed = (key) => { try { const make = window[Symbol.for(key)]; return typeof make === 'function' ? make : undefined; } catch { return undefined; } };
${lookups.join('\n')}
if (${missing || 'false'}) return ${JSON.stringify(NOT_INSTALLED)};
${locals.join('\n')}
${body}`;
}

/** The bundles installed in every new document of each driver's page (by key). */
const installedIn = new WeakMap<WebDriver, ReadonlySet<string>>();

/** From now on the driver's new documents hold `parts`; none when undefined (the install is gone). */
export function markInstalled(driver: WebDriver, parts: readonly PagePart[] | undefined): void {
  if (parts?.length) installedIn.set(driver, new Set(parts.map((p) => p.key)));
  else installedIn.delete(driver);
}

function isInstalled(driver: WebDriver, parts: readonly PagePart[]): boolean {
  const keys = installedIn.get(driver);
  return keys !== undefined && parts.every((p) => keys.has(p.key));
}

export type PageCall = {
  parts: readonly PagePart[];
  /** A function body calling the parts' locals; `arguments` are those given to runInPage. */
  body: string;
  /** In a cross-origin frame the driver entered: the full script at once (an out-of-process frame has no install). */
  inFrame?: boolean;
};

/**
 * Runs `call` in the driver's current document: the short script where the bundles are
 * installed, the full one where they are not (or turn out not to be).
 */
export async function runInPage<T>(driver: WebDriver, call: PageCall, ...args: unknown[]): Promise<T> {
  if (!call.inFrame && isInstalled(driver, call.parts)) {
    const answer = await driver.executeScript<T | typeof NOT_INSTALLED>(shortScript(call.parts, call.body), ...args);
    if (answer !== NOT_INSTALLED) return answer;
  }
  return driver.executeScript<T>(fullScript(call.parts, call.body), ...args);
}
