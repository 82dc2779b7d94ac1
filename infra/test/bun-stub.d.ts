// Stands in for the `bun` types that .sst/platform/src/config.ts imports (see tsconfig.infra.json).
export type Shell = (...args: unknown[]) => unknown;
