/** GARCH family: specification, likelihood, fit, forecasts. */
export * from './spec.ts';
export * from './likelihood.ts';
export * from './fit.ts';
export * from './forecast.ts';
