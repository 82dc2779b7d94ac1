import { ChangeStore } from "@firebreak/core/adapters/dynamodb/changes/store";
import { HeartbeatStore } from "@firebreak/core/adapters/dynamodb/heartbeats/store";
import { IntegrationKeyStore } from "@firebreak/core/adapters/dynamodb/integrations/key-store";
import type { DeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import type { HeartbeatDeps } from "@firebreak/core/heartbeats/actions";
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
    heartbeats: new HeartbeatStore(db, tableName),
    changes: new ChangeStore(db, tableName),
    ...(platform.adapters?.snsHttp ? { sns: platform.adapters.snsHttp } : {}),
  };
}

/**
 * "HeartbeatSweep": every minute (HEARTBEATS in topology.ts), the heartbeats whose last ping is
 * older than interval + grace open their incidents through the ingest (its dependencies, settings
 * and dead letters, as the Integrations function has them).
 */
export function heartbeatSweepDeps(platform: Platform, deadLetters: DeadLetterSink): HeartbeatDeps {
  const { db, tableName } = platform.table();
  return {
    heartbeats: new HeartbeatStore(db, tableName),
    receive: ingestDeps(platform, deadLetters),
    ...(platform.clock ? { clock: platform.clock } : {}),
  };
}
