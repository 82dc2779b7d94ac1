import { onIncidentDeclared, onIncidentStatusChanged, type PagingDeps } from "@firebreak/core/paging/service";
import { defineConsumer } from "../wiring/consumer";

export type PagerResult =
  | { status: Awaited<ReturnType<typeof onIncidentDeclared>>["outcome"]; pages: number }
  | { status: "updated" };

/**
 * The pager: the paging consumer on the app bus (its kinds: BUS_CONSUMERS.Pager). A declaration
 * starts roles and the first pages; every other kind brings the escalation up to date at once (an
 * ack or resolution stops the ladder now, not at the next sweep; a severity raised to high urgency
 * sends the held SMS). Both are idempotent, so redelivery is safe; a failure throws (Lambda
 * retries, then PagerDlq). A channel's failure is no failure here: the use case records it on the
 * page and the timeline.
 */
export function createPagerHandler(getDeps: () => PagingDeps) {
  return defineConsumer<"Pager", PagerResult>("Pager", (logger) => ({
    "incident.declared": async ({ incidentId }) => {
      const { outcome, reason, pages } = await onIncidentDeclared(getDeps(), incidentId);
      logger.info("incident declared", { incidentId, outcome, reason, pages: pages.length });
      return { status: outcome, pages: pages.length };
    },
    otherwise: async ({ kind, incidentId }) => {
      await onIncidentStatusChanged(getDeps(), incidentId);
      logger.info("escalation brought up to date", { incidentId, type: kind });
      return { status: "updated" };
    },
  }));
}
