// Outlines the detected fields in the page before the screenshot, so the report shows what the
// detector chose without any image processing.
import type { WebDriver } from 'selenium-webdriver';
import { detectorBundle } from '../detect/bundle.ts';
import { splitSelectorPath } from '../detect/path-split.ts';
import type { Detection } from '../types.ts';

const colours = { username: '#1565c0', password: '#c62828', submit: '#2e7d32' } as const;

const style = `
  found.style.setProperty('outline', '3px solid ' + colour, 'important');
  found.style.setProperty('outline-offset', '2px', 'important');`;

// A path of one segment is a CSS selector in the top document, resolved as the detector resolves
// it (its first match). Such paths, the usual case, need no detector bundle: sending and compiling
// its 33 KB for every site is most of what the outline costs beyond its round trip.
const plainScript = `for (const [selector, colour] of arguments[0]) {
  let found = null;
  try { found = document.querySelector(selector); } catch (e) { /* not a selector: nothing to outline */ }
  if (!found) continue;${style}
}`;

export async function outlineDetection(driver: WebDriver, detection: Detection): Promise<void> {
  const pairs = (Object.keys(colours) as (keyof typeof colours)[])
    .flatMap((field): [string, string][] => (detection[field] ? [[detection[field], colours[field]]] : []));
  if (pairs.length === 0) return;
  const segments = pairs.map(([path, colour]): [string[], string] => [splitSelectorPath(path), colour]);
  if (segments.every(([parts]) => parts.length === 1)) {
    await driver.executeScript(plainScript, segments.map(([parts, colour]) => [parts[0], colour]));
    return;
  }
  // Paths into shadow roots and frames (` >>> `) go through the detector's own resolution.
  const script = `${await detectorBundle()}
for (const [path, colour] of arguments[0]) {
  const located = __gridRunDetector.locate(path);
  if (located.kind !== 'element') continue;
  const found = located.element;${style}
}`;
  await driver.executeScript(script, pairs);
}
