import type { ReleaseDeps } from "@firebreak/core/maintenance/release";
import { awsDeadLetters } from "./lib/dead-letters";
import { lambdaPlatform } from "./lib/resources";
import { createMaintenanceHandler } from "./maintenance/release";
import { maintenanceReleaseDeps } from "./wiring/alarm-ingest";

export { createMaintenanceHandler };

/** MaintenanceRelease (infra/events.ts): maintenance/release.ts with alarm-ingest's table, settings and dead letters. */
let deps: Omit<ReleaseDeps, "log"> | undefined;
export const handler = createMaintenanceHandler(() => {
  deps ??= maintenanceReleaseDeps(lambdaPlatform(), awsDeadLetters());
  return deps;
});
