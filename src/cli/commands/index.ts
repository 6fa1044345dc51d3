import type { CommandModule } from '../context.ts';
import { registerConfig } from './config.ts';
import { registerGbdt } from './gbdt.ts';
import { registerModel } from './model.ts';

/** Every top-level command, in the order `--help` lists them. One file per command. */
export const commands: readonly CommandModule[] = [registerConfig, registerGbdt, registerModel];
