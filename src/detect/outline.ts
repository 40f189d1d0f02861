// Browser side: outlines the detected fields in the page before its screenshot, so the report
// shows what the detector chose without any image processing.
import type { Detection } from '../types.ts';
import { resolveSelectorPath } from './resolve.ts';

const colours = { username: '#1565c0', password: '#c62828', submit: '#2e7d32' } as const;

/** Outlines each field the detection names; a path that reaches nothing in this document is skipped. */
export function outlineFields(detection: Pick<Detection, keyof typeof colours>): void {
  for (const field of Object.keys(colours) as (keyof typeof colours)[]) {
    const path = detection[field];
    if (!path) continue;
    const found = resolveSelectorPath(path);
    if (found.kind !== 'element') continue;
    // Elements of same-origin frames are of their frame's realm: no instanceof HTMLElement here.
    const { style } = found.element as HTMLElement;
    if (!style) continue;
    style.setProperty('outline', `3px solid ${colours[field]}`, 'important');
    style.setProperty('outline-offset', '2px', 'important');
  }
}
