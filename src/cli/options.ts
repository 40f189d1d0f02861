// Shared option plumbing: typed parsers for commander, and the bridge to src/config.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { checkValue, resolveConfig, type ConfigValues } from '../config/config.ts';
import { optionSpecs, type OptionName } from '../config/options.ts';
import type { CommandContext } from './context.ts';

const flagOf = (name: string) => name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** A commander Option for a known option name, parsed and range-checked like the config file. */
export function option(name: OptionName, description: string, argName?: string): Option {
  const spec = optionSpecs[name];
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

/** The options the user typed, without commander's defaults. */
export function cliValues(cmd: Command): ConfigValues {
  const values: ConfigValues = {};
  for (const [key, value] of Object.entries(cmd.opts())) {
    if (cmd.getOptionValueSource(key) === 'cli' && key in optionSpecs) values[key as OptionName] = value as never;
  }
  return values;
}

/** Resolves a command's config: its defaults, the config file, the environment, then its command line. */
export function configFor<T extends ConfigValues>(cmd: Command, ctx: CommandContext, defaults: T): Readonly<T> {
  const accepted = cmd.options.map((o) => o.attributeName()).filter((k): k is OptionName => k in optionSpecs);
  const configFile = cmd.optsWithGlobals<{ config?: string }>().config;
  return resolveConfig(defaults, { cwd: ctx.cwd, env: ctx.env, cli: cliValues(cmd), configFile }, accepted);
}
