/** Every data provider a command can name (apart from the factory so the CLI lists them without loading the adapters). */
export const PROVIDER_NAMES = ['sample', 'csv', 'mock', 'yahoo', 'alpaca', 'polygon', 'schwab'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];
