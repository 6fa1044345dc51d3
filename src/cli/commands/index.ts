import type { CommandModule } from '../context.ts';
import { registerAdmin } from './admin.ts';
import { registerAgent } from './agent.ts';
import { registerApikey } from './apikey.ts';
import { registerAudit } from './audit.ts';
import { registerBacktest } from './backtest.ts';
import { registerConfig } from './config.ts';
import { registerConfirm } from './confirm.ts';
import { registerConfirmations } from './confirmations.ts';
import { registerData } from './data.ts';
import { registerFeatures } from './features.ts';
import { registerGbdt } from './gbdt.ts';
import { registerIndicators } from './indicators.ts';
import { registerInit } from './init.ts';
import { registerModel } from './model.ts';
import { registerModels } from './models.ts';
import { registerOptions } from './options.ts';
import { registerOrders } from './orders.ts';
import { registerPacks } from './packs.ts';
import { registerRisk } from './risk.ts';
import { registerRl } from './rl.ts';
import { registerRun } from './run.ts';
import { registerScan } from './scan.ts';
import { registerServe } from './serve.ts';
import { registerSmoke } from './smoke.ts';
import { registerSweep } from './sweep.ts';
import { registerTrain } from './train.ts';
import { registerWorker } from './worker.ts';

/** Every top-level command, in the order `--help` lists them. One file per command. */
export const commands: readonly CommandModule[] = [
  registerRun,
  registerScan,
  registerData,
  registerIndicators,
  registerFeatures,
  registerAudit,
  registerBacktest,
  registerGbdt,
  registerModel,
  registerRisk,
  registerRl,
  registerOptions,
  registerPacks,
  registerModels,
  registerSweep,
  registerTrain,
  registerWorker,
  registerAgent,
  registerOrders,
  registerConfirmations,
  registerConfirm,
  registerAdmin,
  registerServe,
  registerSmoke,
  registerApikey,
  registerConfig,
  registerInit,
];
