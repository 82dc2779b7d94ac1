import type { Log } from "@firebreak/core/shared/log";

const stamp = () => new Date().toISOString().slice(11, 19);
const extras = (extra: Record<string, unknown>[]) =>
  extra.length ? ` ${extra.map((e) => JSON.stringify(e)).join(" ")}` : "";

/** Human-readable console logging for the local runtime. */
export const consoleLog: Log = {
  info: (message, ...extra) => console.log(`${stamp()}  ${message}${extras(extra)}`),
  warn: (message, ...extra) => console.warn(`${stamp()}  warning: ${message}${extras(extra)}`),
  error: (message, ...extra) => console.error(`${stamp()}  error: ${message}${extras(extra)}`),
};
