import type { CommandModule } from '../context.ts';
import { registerAudit } from './audit.ts';
import { registerBacktest } from './backtest.ts';
import { registerConfig } from './config.ts';
import { registerData } from './data.ts';
import { registerFeatures } from './features.ts';
import { registerIndicators } from './indicators.ts';
import { registerOptions } from './options.ts';
import { registerRisk } from './risk.ts';
import { registerRl } from './rl.ts';
import { registerRun } from './run.ts';

/** Every top-level command, in the order `--help` lists them. One file per command. */
export const commands: readonly CommandModule[] = [
  registerRun,
  registerData,
  registerIndicators,
  registerFeatures,
  registerAudit,
  registerBacktest,
  registerRisk,
  registerRl,
  registerOptions,
  registerConfig,
];
