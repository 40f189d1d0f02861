// Every command of the CLI, registered in the order `--help` lists them.
import type { Command } from 'commander';
import type { CommandContext } from './context.ts';
import { registerEval } from './eval.ts';
import { registerDryRun } from './dry-run.ts';
import { registerGrid } from './grid.ts';
import { registerPlan } from './plan.ts';
import { registerRun } from './run.ts';
import { registerScaleNodes } from './scale-nodes.ts';
import { registerSweep } from './sweep.ts';
import { registerReport } from './report.ts';
import { registerCompare } from './compare.ts';

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

export const commands: RegisterCommand[] = [registerRun, registerPlan, registerDryRun, registerGrid, registerScaleNodes, registerSweep, registerEval, registerReport, registerCompare];
