import { ChangeStore } from "@firebreak/core/adapters/dynamodb/changes/store";
import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import { timezoneFromEnv } from "@firebreak/core/oncall/tz";
import type { PostmortemDeps } from "@firebreak/core/postmortem/service";
import type { Platform } from "./platform";

/**
 * The Postmortem consumer: the table's stores (changes too: drafts list those before the impact)
 * and FIREBREAK_TIMEZONE (local times in drafts).
 */
export function postmortemDeps(platform: Platform): PostmortemDeps {
  const { db, tableName } = platform.table();
  return {
    incidents: new IncidentStore(db, tableName),
    postmortems: new PostmortemStore(db, tableName),
    changes: new ChangeStore(db, tableName),
    timezone: timezoneFromEnv(platform.env),
    ...(platform.clock ? { clock: platform.clock } : {}),
  };
}
