import type { CommandModule } from '../context.ts';
import { registerApikey } from './apikey.ts';
import { registerConfig } from './config.ts';
import { registerData } from './data.ts';
import { registerServe } from './serve.ts';
import { registerSmoke } from './smoke.ts';

/** Every top-level command, in the order `--help` lists them. One file per command. */
export const commands: readonly CommandModule[] = [registerConfig, registerData, registerServe, registerSmoke, registerApikey];
