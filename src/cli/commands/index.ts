import type { CommandModule } from '../context.ts';
import { registerConfig } from './config.ts';
import { registerIndicators } from './indicators.ts';
import { registerFeatures } from './features.ts';
import { registerAudit } from './audit.ts';

/** Every top-level command, in the order `--help` lists them. One file per command. */
export const commands: readonly CommandModule[] = [registerConfig, registerIndicators, registerFeatures, registerAudit];
