/** The logging seam core uses; Powertools' Logger satisfies it, and so does a console shim. */
export interface Log {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** The logger for callers that give none: says nothing (also has `debug`, which Bolt's logger needs). */
export const silentLog: Log & { debug(message: string, ...extra: unknown[]): void } = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
