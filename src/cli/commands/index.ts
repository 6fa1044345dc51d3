import type { CommandModule } from '../context.ts';
import { registerBacktest } from './backtest.ts';
import { registerConfig } from './config.ts';
import { registerData } from './data.ts';

/** Every top-level command, in the order `--help` lists them. One file per command. */
export const commands: readonly CommandModule[] = [registerConfig, registerData, registerBacktest];
