import type { CommandModule } from '../context.ts';
import { registerBacktest } from './backtest.ts';
import { registerConfig } from './config.ts';
import { registerData } from './data.ts';
import { registerGbdt } from './gbdt.ts';
import { registerModel } from './model.ts';
import { registerOptions } from './options.ts';
import { registerRisk } from './risk.ts';
import { registerRun } from './run.ts';

/** Every top-level command, in the order `--help` lists them. One file per command. */
export const commands: readonly CommandModule[] = [
  registerRun,
  registerData,
  registerBacktest,
  registerRisk,
  registerOptions,
  registerGbdt,
  registerModel,
  registerConfig,
];
