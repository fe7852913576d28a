// Every table of the store. Each aggregate keeps its tables in its own file.
export * from './core.ts';
export * from './evidence.ts';
export * from './web.ts';
export * from './identity.ts';
export * from './alerts.ts';
export * from './settings.ts';
