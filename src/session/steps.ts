// Site `steps` run before detection: click, waitFor, type, sleep. Selector paths resolve as
// everywhere else (` >>> ` into open shadow roots and frames); every wait is bounded and
// says which step and selector it waited for.
import type { WebDriver } from 'selenium-webdriver';
import { locate, type Found } from '../detector/driver-locate.ts';
import type { Step } from '../types.ts';
import { poll } from '../wait.ts';

export class StepError extends Error {}

export type RunStepsOptions = { timeoutMs: number; pollMs?: number };

export function describeStep(step: Step): string {
  if ('click' in step) return `click ${JSON.stringify(step.click)}`;
  if ('waitFor' in step) return `waitFor ${JSON.stringify(step.waitFor)}`;
  if ('type' in step) return `type ${JSON.stringify(step.text)} into ${JSON.stringify(step.type)}`;
  return `sleep ${step.sleep} ms`;
}

export async function runSteps(driver: WebDriver, steps: Step[], options: RunStepsOptions): Promise<void> {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const label = `step ${i + 1} (${describeStep(step)})`;
    try {
      if ('sleep' in step) {
        await new Promise((r) => setTimeout(r, step.sleep));
      } else if ('waitFor' in step) {
        await waitVisible(driver, step.waitFor, step.timeoutMs ?? options.timeoutMs, options.pollMs, label);
      } else if ('click' in step) {
        const found = await waitVisible(driver, step.click, options.timeoutMs, options.pollMs, label);
        await click(driver, found);
      } else {
        const found = await waitVisible(driver, step.type, options.timeoutMs, options.pollMs, label);
        await found.element.sendKeys(step.text);
      }
    } finally {
      await driver.switchTo().defaultContent();
    }
  }
}

/** Polls until the path names a visible element; leaves the driver in that element's frame. */
function waitVisible(driver: WebDriver, path: string, timeoutMs: number, pollMs = 100, label: string): Promise<Found> {
  return poll<Found>(
    async () => {
      const r = await locate(driver, path);
      if ('missing' in r) return { last: r.missing };
      return r.visible ? { done: r } : { last: `${r.describe} matched but is not visible` };
    },
    { timeoutMs, intervalMs: pollMs, timedOut: (last) => new StepError(`${label}: no visible element for ${JSON.stringify(path)} within ${timeoutMs} ms (${last})`) },
  );
}

/** A real click when the element takes one; a script click when something overlays it. */
async function click(driver: WebDriver, found: Found): Promise<void> {
  try {
    await found.element.click();
  } catch {
    await driver.executeScript('arguments[0].scrollIntoView({block: "center"}); arguments[0].click();', found.element);
  }
}
