import { Logger } from "@aws-lambda-powertools/logger";

/** Powertools logger; the level comes from POWERTOOLS_LOG_LEVEL (or Lambda's log level), INFO by default. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}
