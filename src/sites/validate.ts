// Validation of one site entry: the JSON schema (site.schema.json) for shapes, then the
// checks a schema cannot express (URL schemes, files on disk, selector-path syntax).
// Every problem carries the line of the JSON node at fault.
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
import { findNodeAtLocation, getNodeValue, type Node } from 'jsonc-parser';
import type { InputProblem } from '../errors.ts';
import type { Expectation, Site, Step } from '../types.ts';
import { Keeper, flatCopy } from './keep.ts';
import { validateSelectorPath } from './selector-path.ts';
// Compiled ahead by scripts/site-schema-code.ts: compiling at start-up cost every run 55-70 ms.
import { validateShape, validateStep } from './site-schema.js';

export const STEP_KINDS = ['click', 'waitFor', 'type', 'sleep'] as const;
type StepKind = (typeof STEP_KINDS)[number];


/** Where an entry sits: its list file and how to turn a JSON node into a line number. */
export type EntryContext = {
  /** The list file, absolute. */
  file: string;
  /** The list file as messages name it (relative to cwd). */
  displayFile: string;
  cwd: string;
  lineOf(offset: number): number;
  /** What sites repeat, kept once for the whole loading. */
  keep: Keeper;
};

/**
 * Validates one entry; returns the site, or undefined when it has problems (all of them pushed
 * onto `problems`).
 */
export function validateSite(node: Node, ctx: EntryContext, problems: InputProblem[]): Site | undefined {
  const found: InputProblem[] = [];
  const report = (at: JsonPath, expected: string, line?: number) => {
    found.push({ file: ctx.displayFile, line: line ?? lineAt(node, at, ctx), field: fieldName(at), expected });
  };
  const value: unknown = getNodeValue(node);
  if (!isObject(value)) {
    report([], `a JSON object with at least id and url, got ${describe(value)}`);
    problems.push(...found);
    return undefined;
  }

  // JSON keeps the last of two equal keys silently; in a hand-written list that is a mistake.
  for (const [at, line, firstLine] of duplicateKeys(node, [], ctx)) {
    report(at, `a field given once per object, but it is also given at line ${firstLine}`, line);
  }
  if (!validateShape(value)) {
    for (const err of validateShape.errors ?? []) reportSchemaError(err, [], report, node, ctx);
  }

  let localPath: string | undefined;
  if (typeof value.url === 'string' && value.url !== '') {
    const urlProblem = checkUrl(value.url, ctx);
    if (typeof urlProblem === 'string') report(['url'], urlProblem);
    else localPath = urlProblem.localPath;
  }
  if (typeof value.locale === 'string' && ctx.keep.checked('locale', value.locale, localeProblem) !== null) {
    report(['locale'], `a BCP 47 language tag like "fr" or "pt-BR", got ${describe(value.locale)}`);
  }
  if (isObject(value.expect)) checkExpect(value.expect, report, ctx);
  if (Array.isArray(value.steps)) {
    value.steps.forEach((step, i) => {
      if (isObject(step)) checkStep(step, ['steps', i], report, node, ctx);
    });
  }

  if (found.length > 0) {
    found.sort((a, b) => a.line - b.line);
    problems.push(...dedupe(found));
    return undefined;
  }
  // Kept: flat copies of what is the site's own, one shared copy of what sites repeat.
  const { keep } = ctx;
  const site: Site = {
    id: flatCopy(value.id as string),
    url: flatCopy(value.url as string),
    tags: keep.value((value.tags as string[] | undefined) ?? []),
    steps: keep.value((value.steps as Step[] | undefined) ?? []),
    source: flatCopy(`${ctx.displayFile}:${ctx.lineOf(node.offset)}`),
  };
  if (localPath !== undefined) {
    site.localPath = keep.string(localPath);
    site.root = keep.string(path.dirname(ctx.file));
  }
  if (value.locale !== undefined) site.locale = keep.string(value.locale as string);
  if (value.expect !== undefined) site.expect = keep.value(value.expect as Expectation);
  if (value.timeoutMs !== undefined) site.timeoutMs = value.timeoutMs as number;
  if (value.source !== undefined) site.origin = keep.string(value.source as string);
  if (value.known !== undefined) site.known = keep.string(value.known as string);
  return site;
}

type JsonPath = (string | number)[];
type Report = (at: JsonPath, expected: string, line?: number) => void;

function reportSchemaError(err: ErrorObject, prefix: JsonPath, report: Report, node: Node, ctx: EntryContext): void {
  const at = [...prefix, ...pointerToPath(err.instancePath)];
  const parent = err.parentSchema as { description?: string; properties?: Record<string, { description?: string }> } | undefined;
  switch (err.keyword) {
    case 'required': {
      const missing = (err.params as { missingProperty: string }).missingProperty;
      const what = parent?.properties?.[missing]?.description ?? 'a value';
      // A missing field has no line of its own: point at the object that lacks it.
      report([...at, missing], `${what} (missing)`, lineAt(node, at, ctx));
      return;
    }
    case 'additionalProperties': {
      const extra = (err.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys(parent?.properties ?? {});
      const guess = closest(extra, known);
      report(
        [...at, extra],
        `unknown field${guess ? `, did you mean "${guess}"?` : ''} (known: ${known.join(', ')})`,
        lineAt(node, [...at, extra], ctx, true),
      );
      return;
    }
    default:
      report(at, `${parent?.description ?? err.message ?? 'a valid value'}, got ${describe(err.data)}`);
  }
}

function checkExpect(expect: Record<string, unknown>, report: Report, ctx: EntryContext): void {
  for (const field of ['username', 'password', 'submit'] as const) {
    const selector = expect[field];
    if (typeof selector !== 'string') continue;
    const problem = selectorProblem(selector, ctx);
    if (problem !== null) report(['expect', field], `a selector path: ${problem}`);
    else if (expect.login === false) {
      report(['expect', field], `null or left out, since login is false (a page without a login form has no login ${field})`);
    }
  }
  for (const list of ['present', 'absent'] as const) {
    const paths = expect[list];
    if (!Array.isArray(paths)) continue;
    paths.forEach((selector, i) => {
      if (typeof selector !== 'string' || selector === '') return; // the schema reports it
      const problem = selectorProblem(selector, ctx);
      if (problem !== null) report(['expect', list, i], `a selector path: ${problem}`);
    });
  }
}

function checkStep(step: Record<string, unknown>, at: JsonPath, report: Report, node: Node, ctx: EntryContext): void {
  const kinds = STEP_KINDS.filter((k) => k in step);
  if (kinds.length === 0) {
    const keys = Object.keys(step);
    report(at, `a step of one of the kinds ${STEP_KINDS.join(', ')}, got ${keys.length ? `unknown kind "${keys[0]}"` : 'an empty object'}`);
    return;
  }
  // `type` is both a kind and nothing else, so `{type, text}` is never ambiguous; two kinds are.
  if (kinds.length > 1) {
    report(at, `exactly one step kind, got ${kinds.join(' and ')}`);
    return;
  }
  const kind = kinds[0] as StepKind;
  const validate = validateStep[kind];
  if (!validate(step)) {
    for (const err of validate.errors ?? []) reportSchemaError(err, at, report, node, ctx);
    return;
  }
  if (kind !== 'sleep') {
    const problem = selectorProblem(step[kind] as string, ctx);
    if (problem !== null) report([...at, kind], `a selector path: ${problem}`);
  }
}

/** The local file of a relative url, or what is wrong with the url. */
function checkUrl(url: string, ctx: EntryContext): string | { localPath?: string } {
  const expected = 'an http(s) URL or a path relative to the list file';
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1];
  if (scheme !== undefined) {
    if (!/^https?$/i.test(scheme)) return `${expected}, got the refused scheme "${scheme.toLowerCase()}:"`;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return `${expected}, got an unparsable URL ${describe(url)}`;
    }
    if (parsed.hostname === '') return `${expected}, got an http(s) URL without a host`;
    // Site lists end up in reports and CI logs; credentials in them would leak.
    if (parsed.username || parsed.password) return `an http(s) URL without user:password@ (credentials would end up in reports)`;
    return {};
  }
  if (url.startsWith('//')) return `${expected}, got a scheme-relative URL (write http:// or https://)`;
  if (url.startsWith('/')) return `${expected}, got an absolute path (write it relative to ${ctx.displayFile})`;
  if (url.includes('\\')) return `${expected} with / as separator, got a backslash`;
  const pathPart = url.split(/[?#]/, 1)[0] ?? '';
  if (pathPart === '') return `${expected}, got no path before ${url[0]}`;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathPart);
  } catch {
    return `${expected}, got a malformed %-escape in ${describe(url)}`;
  }
  const dir = path.dirname(ctx.file);
  const file = path.resolve(dir, decoded);
  const shown = path.relative(ctx.cwd, file) || '.';
  if (file === dir) return `a page file, got the list's own folder ${displayDir(dir, ctx)}`;
  if (!isInside(dir, file)) return `a page inside the list's folder ${displayDir(dir, ctx)}, got ${describe(url)} which points outside it`;
  if (!existsSync(file)) return `an existing page, ${shown} does not exist`;
  if (!statSync(file).isFile()) return `a page file, ${shown} is a folder`;
  // The static server refuses files whose real path leaves the served folder; say so now.
  if (!isInside(realpathSync(dir), realpathSync(file))) {
    return `a page inside the list's folder ${displayDir(dir, ctx)}, got ${describe(url)} which links outside it`;
  }
  return { localPath: file };
}

function displayDir(dir: string, ctx: EntryContext): string {
  return (path.relative(ctx.cwd, dir) || '.') + '/';
}

function isInside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

// Lists repeat their selectors and locales on most lines: each distinct one is checked once.
function selectorProblem(selector: string, ctx: EntryContext): string | null {
  return ctx.keep.checked('selector', selector, validateSelectorPath);
}

function localeProblem(tag: string): string | null {
  return isLanguageTag(tag) ? null : 'not a language tag';
}

function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

function lineAt(root: Node, at: JsonPath, ctx: EntryContext, key = false): number {
  // Walk up to the deepest node that exists (a missing field points at its object).
  for (let n = at.length; n >= 0; n--) {
    const found = findNodeAtLocation(root, at.slice(0, n));
    if (found) {
      const keyNode = key && n === at.length && found.parent?.type === 'property' ? found.parent : found;
      return ctx.lineOf(keyNode.offset);
    }
  }
  return ctx.lineOf(root.offset);
}

function duplicateKeys(node: Node, at: JsonPath, ctx: EntryContext): [JsonPath, number, number][] {
  const out: [JsonPath, number, number][] = [];
  if (node.type === 'object') {
    const seen = new Map<string, number>();
    for (const prop of node.children ?? []) {
      const [keyNode, valueNode] = prop.children ?? [];
      if (!keyNode) continue;
      const key = String(keyNode.value);
      const line = ctx.lineOf(keyNode.offset);
      const first = seen.get(key);
      if (first !== undefined) out.push([[...at, key], line, first]);
      else seen.set(key, line);
      if (valueNode) out.push(...duplicateKeys(valueNode, [...at, key], ctx));
    }
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((child, i) => out.push(...duplicateKeys(child, [...at, i], ctx)));
  }
  return out;
}

function pointerToPath(pointer: string): JsonPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** `steps[1].text`, `expect.username`; the whole entry is `site`. */
export function fieldName(at: JsonPath): string {
  if (at.length === 0) return 'site';
  let out = '';
  for (const seg of at) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** A value as a message shows it: strings quoted and cut short, containers by kind. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function dedupe(problems: InputProblem[]): InputProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}\0${p.field}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A known name within two edits of `name` (typos such as `usrname`, `timeout_ms`), if any. */
function closest(name: string, known: string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = norm(k) === norm(name) ? 0 : editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
