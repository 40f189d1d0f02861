// Loading site lists (README.md, "Site lists"): .json arrays, .jsonl lines, or folders of
// them. Everything is validated before anything runs, and every problem is reported at once.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createScanner, findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { InputError, type InputProblem } from '../errors.ts';
import type { Site } from '../types.ts';
import { Keeper } from './keep.ts';
import { describe, validateSite, type EntryContext } from './validate.ts';

export type LoadOptions = { cwd: string };

const LIST_EXTENSIONS = ['.json', '.jsonl'];

/**
 * Loads and validates the lists at `paths` (files or folders, relative to `cwd`). Throws
 * InputError with every problem found, each as `file:line: field: what was expected`.
 */
export async function loadSiteLists(paths: string[], options: LoadOptions): Promise<Site[]> {
  const problems: InputProblem[] = [];
  const files = await listFiles(paths, options.cwd, problems);
  const sites: Site[] = [];
  const firstSeen = new Map<string, string>();
  const keep = new Keeper();
  for (const file of files) {
    const displayFile = path.relative(options.cwd, file) || file;
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      problems.push({ file: displayFile, line: 0, field: 'list', expected: `a readable file (${(err as NodeJS.ErrnoException).code ?? String(err)})` });
      continue;
    }
    // Editors on Windows save JSON with a byte-order mark; it is not content.
    if (text.startsWith('\uFEFF')) text = text.slice(1);
    const parsed = file.toLowerCase().endsWith('.jsonl')
      ? parseJsonLines(text, file, displayFile, options.cwd, problems, keep)
      : parseJsonArray(text, file, displayFile, options.cwd, problems, keep);
    for (const entry of parsed) {
      // Invalid entries take part too: their id is as taken as any other.
      if (entry.id !== undefined) {
        const earlier = firstSeen.get(entry.id);
        if (earlier !== undefined) {
          const [f, l] = splitSource(entry.source);
          problems.push({ file: f, line: l, field: 'id', expected: `a unique id, but ${describe(entry.id)} is also declared at ${earlier}` });
          continue;
        }
        firstSeen.set(entry.id, entry.source);
      }
      if (entry.site) sites.push(entry.site);
    }
  }
  if (problems.length > 0) {
    // Duplicates are found after their file; put every problem back in reading order.
    const order = new Map<string, number>();
    for (const p of problems) if (!order.has(p.file)) order.set(p.file, order.size);
    problems.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line);
    throw new InputError(problems);
  }
  return sites;
}

/** The list files named by `paths`: files as given, folders' *.json/*.jsonl sorted; no repeats. */
async function listFiles(paths: string[], cwd: string, problems: InputProblem[]): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  const add = async (file: string) => {
    // `sites/` and `sites/login.json` together would otherwise report every id as a duplicate.
    const real = await fs.realpath(file).catch(() => file);
    if (seen.has(real)) return;
    seen.add(real);
    files.push(file);
  };
  for (const given of paths) {
    const abs = path.resolve(cwd, given);
    const stat = await fs.stat(abs).catch(() => undefined);
    if (!stat) {
      problems.push({ file: given, line: 0, field: 'list', expected: 'an existing .json or .jsonl file, or a folder of them' });
    } else if (stat.isDirectory()) {
      // Not recursive: page folders beside the lists may hold .json files that are not lists.
      const entries = await fs.readdir(abs, { withFileTypes: true });
      const lists = entries
        .filter((e) => e.isFile() && !e.name.startsWith('.') && isListFile(e.name))
        .map((e) => e.name)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (lists.length === 0) {
        problems.push({ file: given, line: 0, field: 'list', expected: 'a folder holding .json or .jsonl site lists, found none' });
      }
      for (const name of lists) await add(path.join(abs, name));
    } else if (!isListFile(abs)) {
      problems.push({ file: given, line: 0, field: 'list', expected: 'a .json or .jsonl site list' });
    } else {
      await add(abs);
    }
  }
  return files;
}

function isListFile(name: string): boolean {
  return LIST_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/** One entry of a list: its id (when it has one) even when the entry is invalid. */
type Entry = { id?: string; source: string; site?: Site };

function readEntry(node: Node, ctx: EntryContext, problems: InputProblem[]): Entry {
  const idNode = node.type === 'object' ? findNodeAtLocation(node, ['id']) : undefined;
  const id = typeof idNode?.value === 'string' && idNode.value.trim() !== '' ? idNode.value : undefined;
  const source = `${ctx.displayFile}:${ctx.lineOf(node.offset)}`;
  const site = validateSite(node, ctx, problems);
  return site ? { id, source, site } : { id, source };
}

function parseJsonArray(text: string, file: string, displayFile: string, cwd: string, problems: InputProblem[], keep: Keeper): Entry[] {
  const starts = lineStarts(text);
  const elements = arrayElements(text);
  if (elements) {
    // One element's syntax tree at a time: the whole list's tree is several times the size of
    // its sites (about 600 MB at 100,000 sites), and only the sites are kept.
    const entries: Entry[] = [];
    const found: InputProblem[] = [];
    for (const [start, end] of elements) {
      const ctx: EntryContext = { file, displayFile, cwd, keep, lineOf: (offset) => lineOfOffset(starts, start + offset) };
      let broken = false;
      const node = parseStrict(text.slice(start, end), () => (broken = true));
      // What the scan let through but is no JSON value ({"a" 1}): reported as a whole parse reports it.
      if (broken || !node) return parseJsonArrayWhole(text, starts, file, displayFile, cwd, problems, keep);
      entries.push(readEntry(node, ctx, found));
    }
    problems.push(...found);
    return entries;
  }
  return parseJsonArrayWhole(text, starts, file, displayFile, cwd, problems, keep);
}

function parseJsonArrayWhole(text: string, starts: number[], file: string, displayFile: string, cwd: string, problems: InputProblem[], keep: Keeper): Entry[] {
  const ctx: EntryContext = { file, displayFile, cwd, keep, lineOf: (offset) => lineOfOffset(starts, offset) };
  const root = parseStrict(text, (err) => problems.push(syntaxProblem(err, ctx)));
  if (root === null) return [];
  if (root === undefined) {
    problems.push({ file: displayFile, line: 1, field: 'list', expected: 'a JSON array of sites, got an empty file' });
    return [];
  }
  if (root.type !== 'array') {
    problems.push({ file: displayFile, line: ctx.lineOf(root.offset), field: 'list', expected: `a JSON array of sites, got ${jsonTypeOf(root)}` });
    return [];
  }
  return (root.children ?? []).map((node) => readEntry(node, ctx, problems));
}

/** jsonc-parser's SyntaxKind values (an ambient const enum, which type stripping cannot inline). */
const SyntaxKind = {
  OpenBraceToken: 1,
  CloseBraceToken: 2,
  OpenBracketToken: 3,
  CloseBracketToken: 4,
  CommaToken: 5,
  LineCommentTrivia: 12,
  BlockCommentTrivia: 13,
  LineBreakTrivia: 14,
  Trivia: 15,
  Unknown: 16,
  EOF: 17,
} as const;

/**
 * The [start, end) offsets of a top-level array's elements, from the tokens alone (no tree);
 * undefined for anything but a well-formed-looking array (a comment, a stray or missing comma,
 * a bad token, not an array), which the whole parse then reports as it always has.
 */
function arrayElements(text: string): [number, number][] | undefined {
  const scanner = createScanner(text, false);
  const elements: [number, number][] = [];
  let depth = 0;
  let start = -1;
  let lastEnd = -1;
  let closed = false;
  for (;;) {
    const token: number = scanner.scan();
    if ((scanner.getTokenError() as number) !== 0) return undefined; // ScanError.None
    if (token === SyntaxKind.Trivia || token === SyntaxKind.LineBreakTrivia) continue;
    if (token === SyntaxKind.EOF) return closed ? elements : undefined;
    if (closed || token === SyntaxKind.LineCommentTrivia || token === SyntaxKind.BlockCommentTrivia || token === SyntaxKind.Unknown) return undefined;
    if (depth === 0) {
      if (token !== SyntaxKind.OpenBracketToken) return undefined;
      depth = 1;
      continue;
    }
    if (depth === 1 && (token === SyntaxKind.CommaToken || token === SyntaxKind.CloseBracketToken)) {
      if (start === -1) {
        // `[,` or `,,` or `,]`: no element; only `[]` is fine.
        if (token === SyntaxKind.CommaToken || elements.length > 0 || lastEnd !== -1) return undefined;
      } else elements.push([start, lastEnd]);
      start = -1;
      lastEnd = scanner.getTokenOffset() + scanner.getTokenLength();
      if (token === SyntaxKind.CloseBracketToken) {
        depth = 0;
        closed = true;
      }
      continue;
    }
    if (depth === 1) {
      // A second value in one element (`[1 2]`) is no array.
      if (start !== -1) return undefined;
      start = scanner.getTokenOffset();
    }
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) depth++;
    else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) depth--;
    lastEnd = scanner.getTokenOffset() + scanner.getTokenLength();
  }
}

function parseJsonLines(text: string, file: string, displayFile: string, cwd: string, problems: InputProblem[], keep: Keeper): Entry[] {
  const entries: Entry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    // Each line is its own document: offsets inside it all belong to this one line.
    const ctx: EntryContext = { file, displayFile, cwd, keep, lineOf: () => index + 1 };
    const node = parseStrict(line, (err) => problems.push(syntaxProblem(err, ctx)));
    if (!node) return;
    entries.push(readEntry(node, ctx, problems));
  });
  return entries;
}

/**
 * Strict JSON (no comments, no trailing commas). null after a syntax error, whose first
 * problem alone is reported: the ones after it mostly follow from it.
 */
function parseStrict(text: string, onError: (err: ParseError) => void): Node | null | undefined {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: true });
  const first = errors[0];
  if (first) {
    onError(first);
    return null;
  }
  return root;
}

// Read after "valid JSON: ".
const SYNTAX_TEXT: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected a colon',
  CommaExpected: 'expected a comma',
  CloseBraceExpected: 'expected a closing }',
  CloseBracketExpected: 'expected a closing ]',
  EndOfFileExpected: 'expected the end (one value per file, or one per line in .jsonl)',
  InvalidCommentToken: 'comments are not allowed',
  UnexpectedEndOfComment: 'comments are not allowed',
  UnexpectedEndOfString: 'unfinished string',
  UnexpectedEndOfNumber: 'unfinished number',
  InvalidUnicode: 'malformed \\u escape',
  InvalidEscapeCharacter: 'invalid escape in a string',
  InvalidCharacter: 'control character inside a string',
};

function syntaxProblem(err: ParseError, ctx: EntryContext): InputProblem {
  const code = printParseErrorCode(err.error);
  return { file: ctx.displayFile, line: ctx.lineOf(err.offset), field: 'json', expected: `valid JSON: ${SYNTAX_TEXT[code] ?? code}` };
}

function jsonTypeOf(node: Node): string {
  return node.type === 'object' ? 'an object' : node.type === 'null' ? 'null' : `a ${node.type}`;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOfOffset(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function splitSource(source: string): [string, number] {
  const i = source.lastIndexOf(':');
  return [source.slice(0, i), Number(source.slice(i + 1))];
}
