// Every table of the store. Each aggregate keeps its tables in its own file.
export * from './core.ts';
