import type { DeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import { IntegrationKeyStore } from "@firebreak/core/integrations/keys";
import type { IntegrationDeps } from "../integrations/app";
import { ingestDeps } from "./alarm-ingest";
import type { Platform } from "./platform";

/**
 * "Integrations": the alert endpoints of other monitors (functions/integrations.ts). The alarm
 * ingest's own dependencies and settings (each alert goes through it, with its dead letters), and
 * the integration keys that authenticate the senders.
 */
export function integrationDeps(platform: Platform, deadLetters: DeadLetterSink): IntegrationDeps {
  const { db, tableName } = platform.table();
  return {
    receive: ingestDeps(platform, deadLetters),
    keys: new IntegrationKeyStore(db, tableName, platform.clock),
  };
}
