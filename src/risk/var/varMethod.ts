/** VaR methods (apart from the estimators so the CLI can list them without loading GARCH). */
export const VarMethod = { historical: 'historical', normal: 'normal', cornishFisher: 'cornish-fisher', fhs: 'fhs' } as const;
export type VarMethod = (typeof VarMethod)[keyof typeof VarMethod];
