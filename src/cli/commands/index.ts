import type { CommandModule } from '../context.ts';
import { registerConfig } from './config.ts';
import { registerData } from './data.ts';
import { registerOrders } from './orders.ts';
import { registerConfirmations } from './confirmations.ts';
import { registerConfirm } from './confirm.ts';
import { registerAdmin } from './admin.ts';

/** Every top-level command, in the order `--help` lists them. One file per command. */
export const commands: readonly CommandModule[] = [registerConfig, registerData, registerOrders, registerConfirmations, registerConfirm, registerAdmin];
