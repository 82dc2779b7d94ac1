import type { HeartbeatDeps } from "@firebreak/core/heartbeats/actions";
import { createHeartbeatsHandler } from "./integrations/heartbeats";
import { awsDeadLetters } from "./lib/dead-letters";
import { lambdaPlatform } from "./lib/resources";
import { heartbeatSweepDeps } from "./wiring/integrations";

export { createHeartbeatsHandler };

/** HeartbeatSweep (infra/integrations.ts): integrations/heartbeats.ts with alarm-ingest's table, settings and dead letters. */
let deps: HeartbeatDeps | undefined;
export const handler = createHeartbeatsHandler(() => {
  deps ??= heartbeatSweepDeps(lambdaPlatform(), awsDeadLetters());
  return deps;
});
