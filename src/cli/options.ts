// Shared option plumbing: typed parsers for commander, and the bridge to src/config.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { checkValue, resolveConfig, type ConfigValues } from '../config/config.ts';
import { optionSpecs, sectionSpecs, type OptionName, type OptionSpec, type SectionName } from '../config/options.ts';
import type { CommandContext } from './context.ts';

const flagOf = (name: string) => name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** A commander Option for a known option name, parsed and range-checked like the config file. */
export function option(name: OptionName, description: string, argName?: string): Option {
  return optionOf(name, optionSpecs[name], description, argName);
}

/** A commander Option for a command's own option, kept in its section of the config file (see config/options.ts). */
export function sectionOption<S extends SectionName>(section: S, name: keyof (typeof sectionSpecs)[S] & string, description: string, argName?: string): Option {
  return optionOf(name, (sectionSpecs[section] as Record<string, OptionSpec>)[name]!, description, argName);
}

function optionOf(name: string, spec: OptionSpec, description: string, argName?: string): Option {
  const arg = spec.type === 'boolean' ? '' : ` <${argName ?? 'value'}${spec.type === 'strings' ? '...' : ''}>`;
  const opt = new Option(`--${flagOf(name)}${arg}`, description);
  if (spec.type === 'integer') {
    opt.argParser((raw: string) => {
      const value = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
      const problem = checkValue(spec, value);
      if (problem) throw new InvalidArgumentError(`expected ${problem}.`);
      return value;
    });
  } else if (spec.type === 'string') {
    opt.argParser((raw: string) => {
      const problem = checkValue(spec, raw);
      if (problem) throw new InvalidArgumentError(`expected ${problem}.`);
      return raw;
    });
  }
  if ('env' in spec && spec.env) opt.description += ` [env ${spec.env}]`;
  return opt;
}

const isOptionName = (name: string): boolean => name in optionSpecs;

/** The options among `known` the user typed, without commander's defaults. */
export function cliValues(cmd: Command, known: (name: string) => boolean = isOptionName): ConfigValues {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(cmd.opts())) {
    if (cmd.getOptionValueSource(key) === 'cli' && known(key)) values[key] = value;
  }
  return values;
}

/**
 * Resolves a command's config: its defaults, the config file, the environment, then its command
 * line. A command with a `section` of the config file also reads its own options from there.
 */
export function configFor<T extends ConfigValues>(cmd: Command, ctx: CommandContext, defaults: T, section?: SectionName): Readonly<T> {
  const known = (name: string) => name in optionSpecs || (section !== undefined && name in sectionSpecs[section]);
  const accepted = cmd.options.map((o) => o.attributeName()).filter(known);
  const configFile = cmd.optsWithGlobals<{ config?: string }>().config;
  return resolveConfig(defaults, { cwd: ctx.cwd, env: ctx.env, cli: cliValues(cmd, known), configFile }, accepted, section);
}
