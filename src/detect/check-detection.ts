// Whether a value has the shape of a Detection (src/types.ts): a user's detector can answer
// anything, and what it answers is judged, outlined and written to reports as one.
import type { Detection } from '../types.ts';

const STEPS: readonly Detection['step'][] = ['full', 'username-first', 'password-only', 'none'];

function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  // JSON has no text for these: a symbol or a function would print as `undefined`.
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return 'a function';
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // A cycle, or a toJSON that throws: no text to be had.
  }
  // (undefined also from a toJSON that answers nothing)
  if (text === undefined) return Array.isArray(value) ? 'an array' : 'an object';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** null when `value` is a Detection, else which field is wrong and what was expected. */
export function detectionProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `expected an object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`;
  const d = value as Record<string, unknown>;
  if (typeof d.login !== 'boolean') return `login is ${shown(d.login)}, expected true or false`;
  if (!STEPS.includes(d.step as Detection['step'])) return `step is ${shown(d.step)}, expected one of ${STEPS.join(', ')}`;
  for (const field of ['username', 'password', 'submit'] as const) {
    const v = d[field];
    if (v !== null && (typeof v !== 'string' || v.trim() === '')) return `${field} is ${shown(v)}, expected a selector path or null`;
  }
  if (typeof d.confidence !== 'number' || !Number.isFinite(d.confidence)) return `confidence is ${shown(d.confidence)}, expected a number`;
  if (!Array.isArray(d.signals) || !d.signals.every((s) => typeof s === 'string')) return `signals is ${shown(d.signals)}, expected an array of strings`;
  return null;
}

/** The Detection's own fields, without whatever else the answer carried. */
export function detectionOf(d: Detection): Detection {
  return { login: d.login, step: d.step, username: d.username, password: d.password, submit: d.submit, confidence: d.confidence, signals: d.signals };
}
