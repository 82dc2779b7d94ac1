import {
  type ChangeIngestDeps,
  type ChangeIngestResult,
  createChangeIngestHandler,
} from "./changes/change-ingest";
import { awsDeadLetters } from "./lib/dead-letters";
import { lambdaPlatform } from "./lib/resources";
import { changeIngestDeps } from "./wiring/changes";

export { type ChangeIngestResult, createChangeIngestHandler };

/** ChangeIngest (infra/events.ts): changes/change-ingest.ts on Lambda (wiring/changes.ts), on the first event. */
let deps: ChangeIngestDeps | undefined;
export const handler = createChangeIngestHandler(() => {
  deps ??= changeIngestDeps(lambdaPlatform(), awsDeadLetters());
  return deps;
});
