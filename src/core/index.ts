export * from './bar.ts';
export * from './errors.ts';
export * from './ids.ts';
export * from './order.ts';
export * from './rng.ts';
export * from './signal.ts';
export * from './alert.ts';
export * from './time.ts';
