// Options + config file + environment -> one validated, frozen config.
// Precedence: command line > environment > grid-run.config.json > the command's defaults.
import { readFileSync } from 'node:fs';
import { resolve, relative } from 'node:path';
import { parseTree, type Node as JsonNode, type ParseError, printParseErrorCode } from 'jsonc-parser';
import { InputError, type InputProblem } from '../errors.ts';
import { optionSpecs, sectionSpecs, type OptionName, type OptionSpec, type SectionName } from './options.ts';

export const configFileName = 'grid-run.config.json';

export type ConfigValue = string | number | boolean | string[];
export type ConfigValues = Partial<Record<OptionName, ConfigValue>>;

type Sources = {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Options the user gave on the command line (commander's values with source 'cli'). */
  cli: ConfigValues;
  /** An explicit --config path; otherwise grid-run.config.json in cwd when it exists. */
  configFile?: string;
};

/** The config file's top-level options, and each section's (an object of one command's options). */
export type ConfigFile = { values: ConfigValues; sections: Partial<Record<SectionName, Record<string, ConfigValue>>> };

/** Reads and validates grid-run.config.json; returns no values when there is none. */
export function readConfigFile(path: string, cwd: string, required: boolean): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return { values: {}, sections: {} };
    throw new InputError([{ file: relative(cwd, path) || path, line: 1, field: '(file)', expected: `a readable config file (${(err as Error).message})` }]);
  }
  const file = relative(cwd, path) || path;
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || !root) {
    const e = errors[0];
    throw new InputError([{ file, line: e ? lineOf(e.offset) : 1, field: '(json)', expected: `valid JSON (${e ? printParseErrorCode(e.error) : 'empty file'})` }]);
  }
  if (root.type !== 'object') {
    throw new InputError([{ file, line: lineOf(root.offset), field: '(root)', expected: 'an object of options' }]);
  }
  const problems: InputProblem[] = [];
  const where = { file, lineOf, problems };
  const values: ConfigValues = readOptions(root, optionSpecs, '', where);
  const sections: ConfigFile['sections'] = {};
  for (const name of Object.keys(sectionSpecs) as SectionName[]) {
    const node = root.children?.find((p) => p.children?.[0]?.value === name)?.children?.[1];
    if (!node) continue;
    if (node.type !== 'object') {
      problems.push({ file, line: lineOf(node.offset), field: name, expected: `an object of ${name}'s options` });
      continue;
    }
    sections[name] = readOptions(node, { ...optionSpecs, ...sectionSpecs[name] }, `${name}.`, where);
  }
  if (problems.length > 0) throw new InputError(problems);
  return { values, sections };
}

/** The properties of `object` checked against `specs` (at the top level, the sections are read apart). */
function readOptions(
  object: JsonNode,
  specs: Record<string, OptionSpec>,
  prefix: string,
  where: { file: string; lineOf: (offset: number) => number; problems: InputProblem[] },
): Record<string, ConfigValue> {
  const values: Record<string, ConfigValue> = {};
  for (const property of object.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    if (!keyNode || !valueNode) continue;
    const key = String(keyNode.value);
    if (!prefix && key in sectionSpecs) continue;
    const line = where.lineOf(keyNode.offset);
    const spec = Object.hasOwn(specs, key) ? specs[key] : undefined;
    if (!spec) {
      const known = [...Object.keys(specs), ...(prefix ? [] : Object.keys(sectionSpecs))];
      where.problems.push({ file: where.file, line, field: prefix + key, expected: `a known option (one of ${known.join(', ')})` });
      continue;
    }
    const problem = checkValue(spec, jsonValue(valueNode));
    if (problem) where.problems.push({ file: where.file, line, field: prefix + key, expected: problem });
    else values[key] = jsonValue(valueNode) as ConfigValue;
  }
  return values;
}

function jsonValue(node: JsonNode): unknown {
  if (node.type === 'array') return (node.children ?? []).map(jsonValue);
  if (node.type === 'object') return Object.fromEntries((node.children ?? []).map((p) => [p.children?.[0]?.value, jsonValue(p.children![1]!)]));
  return node.value;
}

/** Returns what was expected when `value` does not fit `spec`, else undefined. */
export function checkValue(spec: OptionSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string' || value === '') return 'a non-empty string';
      if (spec.choices && !spec.choices.includes(value)) return `one of ${spec.choices.join(', ')}`;
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '') ? undefined : 'an array of non-empty strings';
    case 'integer': {
      const range = `a whole number from ${spec.min ?? '-∞'} to ${spec.max ?? '∞'}`;
      if (typeof value !== 'number' || !Number.isInteger(value)) return range;
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) return range;
      return undefined;
    }
  }
}

function fromEnv(env: NodeJS.ProcessEnv): ConfigValues {
  const values: ConfigValues = {};
  for (const [name, spec] of Object.entries(optionSpecs) as [OptionName, OptionSpec][]) {
    const raw = spec.env ? env[spec.env] : undefined;
    if (raw !== undefined && raw !== '') values[name] = raw;
  }
  return values;
}

/**
 * Merges the sources over `defaults` and freezes the result. Only the option names present in
 * `defaults` (or given) are kept, so each command sees the options it declares. With a
 * `section`, the file's object of that name holds the command's options over the top-level
 * ones, and the section's own options are read from it alone (at the top level they are another
 * command's).
 */
export function resolveConfig<T extends ConfigValues>(defaults: T, sources: Sources, accepted: readonly string[], section?: SectionName): Readonly<T> {
  const path = sources.configFile ? resolve(sources.cwd, sources.configFile) : resolve(sources.cwd, configFileName);
  const file = readConfigFile(path, sources.cwd, Boolean(sources.configFile));
  const own = new Set(section ? Object.keys(sectionSpecs[section]) : []);
  const shared = (values: Record<string, ConfigValue | undefined>) => Object.fromEntries(Object.entries(values).filter(([name]) => !own.has(name)));
  const fileLayer = { ...shared(file.values), ...(section ? file.sections[section] : {}) };
  const merged: Record<string, unknown> = { ...defaults };
  for (const layer of [fileLayer, shared(fromEnv(sources.env)), sources.cli] as Record<string, unknown>[]) {
    for (const name of accepted) {
      const value = layer[name];
      if (value !== undefined) merged[name] = value;
    }
  }
  return Object.freeze(merged) as Readonly<T>;
}
