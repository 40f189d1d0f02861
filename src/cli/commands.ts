// Every command of the CLI, registered in the order `--help` lists them.
import type { Command } from 'commander';
import type { CommandContext } from './context.ts';
import { registerEval } from './eval.ts';
import { registerDryRun } from './dry-run.ts';
import { registerGrid } from './grid.ts';

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

export const commands: RegisterCommand[] = [registerDryRun, registerGrid, registerEval];
