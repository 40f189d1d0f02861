// In the page: reads an extension's answer under grid-run's extension contract
// (docs/extension-contract.md). The extension marks the elements it chose with
// data-grid-run-field and, once decided, sets data-grid-run-detection on its document's root
// element to JSON. Content-script globals live in an isolated world; DOM attributes are shared.
import { FIELDS, type Detection, type FieldName } from '../types.ts';
import { collectScopes, type CrossOriginFrame } from './roots.ts';
import { joinSelectorPath } from './path-split.ts';
import { uniqueSelector } from './unique-selector.ts';

export const FIELD_ATTRIBUTE = 'data-grid-run-field';
export const DETECTION_ATTRIBUTE = 'data-grid-run-detection';

const STEPS: readonly Detection['step'][] = ['full', 'username-first', 'password-only', 'none'];

export type ContractRead = (
  | { state: 'none' }
  | { state: 'pending' }
  | { state: 'invalid'; reason: string }
  | { state: 'answered'; detection: Detection }
) & { crossOriginFrames: string[] };

/**
 * The answer in `doc`, or in the first same-origin frame that has one: the attribute on a
 * frame's root element is that frame's extension instance answering. Marks are looked for in
 * the answering document, its open shadow roots and its same-origin frames.
 */
export function readContract(doc: Document = document): ContractRead {
  const crossOrigin: CrossOriginFrame[] = [];
  const scopes = collectScopes(doc, uniqueSelector, crossOrigin);
  const crossOriginFrames = crossOrigin.map((c) => joinSelectorPath(c.prefix));
  let pending = false;
  for (const scope of scopes) {
    // A frame's document is of another realm: instanceof Document would not hold.
    if (scope.root.nodeType !== 9) continue;
    const raw = (scope.root as Document).documentElement?.getAttribute(DETECTION_ATTRIBUTE);
    if (raw === null || raw === undefined) continue;
    const answer = parseAnswer(raw);
    if ('reason' in answer) return { state: 'invalid', reason: answer.reason, crossOriginFrames };
    if (answer.pending) {
      pending = true;
      continue;
    }
    // Marks anywhere under the answering document count; the paths start from the top.
    const inside = scopes.filter((s) => s.prefix.length >= scope.prefix.length && scope.prefix.every((p, i) => s.prefix[i] === p));
    const marked = markedFields(inside);
    if ('reason' in marked) return { state: 'invalid', reason: marked.reason, crossOriginFrames };
    const prefixed = (path: string) => joinSelectorPath([...scope.prefix, path]);
    const fields = {} as Record<FieldName, string | null>;
    for (const f of FIELDS) {
      const given = answer.value[f];
      fields[f] = typeof given === 'string' ? prefixed(given) : (marked[f] ?? null);
    }
    return { state: 'answered', detection: toDetection(answer.value, fields), crossOriginFrames };
  }
  return { state: pending ? 'pending' : 'none', crossOriginFrames };
}

type Answer = { value: Record<string, unknown>; pending: boolean } | { reason: string };

function parseAnswer(raw: string): Answer {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { reason: `${DETECTION_ATTRIBUTE} is not JSON: ${cut(raw)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { reason: `${DETECTION_ATTRIBUTE} is not a JSON object: ${cut(raw)}` };
  const v = value as Record<string, unknown>;
  if (v.pending === true) return { value: v, pending: true };
  if (typeof v.login !== 'boolean') return { reason: `${DETECTION_ATTRIBUTE} has no boolean "login": ${cut(raw)}` };
  if (v.step !== undefined && !STEPS.includes(v.step as Detection['step'])) return { reason: `"step" must be one of ${STEPS.join(', ')}, got ${cut(JSON.stringify(v.step))}` };
  if (v.confidence !== undefined && (typeof v.confidence !== 'number' || !(v.confidence >= 0 && v.confidence <= 1))) {
    return { reason: `"confidence" must be a number from 0 to 1, got ${cut(JSON.stringify(v.confidence))}` };
  }
  if (v.signals !== undefined && !(Array.isArray(v.signals) && v.signals.every((s) => typeof s === 'string'))) return { reason: `"signals" must be an array of strings` };
  for (const f of FIELDS) {
    if (v[f] !== undefined && v[f] !== null && (typeof v[f] !== 'string' || v[f] === '')) return { reason: `"${f}" must be a selector path or null, got ${cut(JSON.stringify(v[f]))}` };
  }
  return { value: v, pending: false };
}

/** The marked element of each field (its selector path), or what is wrong with the marks. */
function markedFields(scopes: ReturnType<typeof collectScopes>): Partial<Record<FieldName, string>> | { reason: string } {
  const found: Partial<Record<FieldName, string[]>> = {};
  for (const scope of scopes) {
    for (const el of scope.root.querySelectorAll(`[${FIELD_ATTRIBUTE}]`)) {
      const field = el.getAttribute(FIELD_ATTRIBUTE) as FieldName;
      if (!FIELDS.includes(field)) return { reason: `${FIELD_ATTRIBUTE}="${cut(field)}" on <${el.localName}>: expected one of ${FIELDS.join(', ')}` };
      (found[field] ??= []).push(joinSelectorPath([...scope.prefix, uniqueSelector(el, scope.root)]));
    }
  }
  const fields: Partial<Record<FieldName, string>> = {};
  for (const f of FIELDS) {
    const paths = found[f];
    if (!paths) continue;
    if (paths.length > 1) return { reason: `${paths.length} elements are marked ${FIELD_ATTRIBUTE}="${f}" (${paths.slice(0, 3).join(', ')}): mark one` };
    fields[f] = paths[0]!;
  }
  return fields;
}

function toDetection(v: Record<string, unknown>, fields: Record<FieldName, string | null>): Detection {
  const login = v.login as boolean;
  const derived: Detection['step'] = !login ? 'none' : fields.username && !fields.password ? 'username-first' : fields.password && !fields.username ? 'password-only' : 'full';
  return {
    login,
    step: (v.step as Detection['step'] | undefined) ?? derived,
    ...fields,
    confidence: (v.confidence as number | undefined) ?? 1,
    signals: (v.signals as string[] | undefined) ?? ['extension answer'],
  };
}

function cut(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
