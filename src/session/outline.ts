// Outlines the detected fields in the page before the screenshot, so the report shows what the
// detector chose without any image processing.
import type { WebDriver } from 'selenium-webdriver';
import { detectorBundle } from '../detect/bundle.ts';
import type { Detection } from '../types.ts';

const colours = { username: '#1565c0', password: '#c62828', submit: '#2e7d32' } as const;

export async function outlineDetection(driver: WebDriver, detection: Detection): Promise<void> {
  const pairs = (Object.keys(colours) as (keyof typeof colours)[])
    .flatMap((field): [string, string][] => (detection[field] ? [[detection[field], colours[field]]] : []));
  if (pairs.length === 0) return;
  const script = `${await detectorBundle()}
for (const [path, colour] of arguments[0]) {
  const found = __gridRunDetector.locate(path);
  if (found.kind !== 'element') continue;
  found.element.style.setProperty('outline', '3px solid ' + colour, 'important');
  found.element.style.setProperty('outline-offset', '2px', 'important');
}`;
  await driver.executeScript(script, pairs);
}
