import { awsPagingDeps } from "./lib/paging-resources";
import { createEscalationHandler } from "./paging/escalation";

export { createEscalationHandler };

/** Escalation (infra/paging.ts "EscalationCron"): paging/escalation.ts on Lambda's paging wiring. */
export const handler = createEscalationHandler(awsPagingDeps);
