// Finding the element a selector path names, from the driver (Node side): the browser
// resolves the path as far as it can, and the driver switches into each cross-origin frame
// on the way. Leaves the driver in the frame that holds the element; callers switch back.
import type { WebDriver, WebElement } from 'selenium-webdriver';
import { locateCall } from './bundle.ts';
import { runInPage } from './page-scripts.ts';

type Located =
  | { kind: 'element'; element: WebElement; describe: string; visible: boolean; count: number }
  | { kind: 'frame'; frame: WebElement; rest: string }
  | { kind: 'missing'; reason: string };

export type Found = {
  element: WebElement;
  describe: string;
  visible: boolean;
  /** Ids of the cross-origin frame elements entered on the way, outermost first. */
  frames: string[];
};

const MAX_FRAME_DEPTH = 5;

/** Resolves `path` from the top document. null with `reason` set when nothing matches. */
export async function locate(driver: WebDriver, path: string): Promise<Found | { missing: string }> {
  const [top, inFrame] = await Promise.all([locateCall(), locateCall(true)]);
  await driver.switchTo().defaultContent();
  const frames: string[] = [];
  let rest = path;
  for (let depth = 0; depth <= MAX_FRAME_DEPTH; depth++) {
    const r = await runInPage<Located>(driver, depth === 0 ? top : inFrame, rest);
    if (r.kind === 'element') return { element: r.element, describe: r.describe, visible: r.visible, frames };
    if (r.kind === 'missing') return { missing: r.reason };
    frames.push(await r.frame.getId());
    await driver.switchTo().frame(r.frame);
    rest = r.rest;
  }
  return { missing: `more than ${MAX_FRAME_DEPTH} nested cross-origin frames` };
}

/** The element of a path in the top document or a same-origin frame, else null. Does not switch frames. */
export async function locateElement(driver: WebDriver, path: string): Promise<WebElement | null> {
  const r = await runInPage<Located>(driver, await locateCall(), path);
  return r.kind === 'element' ? r.element : null;
}
