import { ChangeStore } from "@firebreak/core/adapters/dynamodb/changes/store";
import type { DeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import type { ChangeDeps } from "@firebreak/core/changes/actions";
import type { Platform } from "./platform";

/** "ChangeIngest": AWS's deployment events → changes (the table), what cannot be read → the dead letters. */
export function changeIngestDeps(
  platform: Platform,
  deadLetters: DeadLetterSink,
): ChangeDeps & { deadLetters: DeadLetterSink } {
  const { db, tableName } = platform.table();
  return {
    changes: new ChangeStore(db, tableName),
    deadLetters,
    ...(platform.clock ? { clock: platform.clock } : {}),
  };
}
