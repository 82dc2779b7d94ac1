import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { TestPageStore } from "@firebreak/core/adapters/dynamodb/paging/test-page-store";
import type { BusEvent } from "@firebreak/core/events/dispatcher";
import type { ContactMethod } from "@firebreak/core/oncall/notify-rules";
import { PAGER_EVENT_TYPES } from "@firebreak/core/paging/bus";
import { onIncidentDeclared, onIncidentStatusChanged, type PagingDeps } from "@firebreak/core/paging/service";
import { sendTestPage } from "@firebreak/core/paging/test-page-send";
import { sendVerification } from "@firebreak/core/paging/verify-send";
import { FirebreakError, ValidationError } from "@firebreak/core/shared/errors";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { createLogger } from "./lib/logger";
import { awsPagingDeps } from "./lib/paging-resources";

/** The app-bus detail-types the pager consumes (infra/paging.ts builds its rule from the same list). */
export { PAGER_EVENT_TYPES };

/**
 * pager: the paging consumer on the app bus.
 * - `incident.declared` → roles from the directory and the first pages (`onIncidentDeclared`);
 * - `incident.status_changed` / `page.acknowledged` / `incident.severity_changed` → the escalation
 *   catches up at once (`onIncidentStatusChanged`: an ack or resolution stops the ladder now, not at
 *   the next sweep; a severity raised to high urgency sends the held SMS and escalates again).
 * - `oncall.verification_requested` → a contact method's test message (`sendVerification`).
 * - `page.test_requested` → the test page's methods sent and recorded (`sendTestPage`; no incident).
 * All are idempotent, so redelivery is safe. A failure throws: Lambda retries the async
 * invocation, then the DLQ keeps the event. Channel failures are not failures here: they are
 * recorded on the page and the timeline by the use case.
 */
export function createPagerHandler(getDeps: () => PagingDeps) {
  const logger = createLogger("pager");
  return middy(async (event: BusEvent, _context: Context) => {
    const type = event?.["detail-type"];
    if (!(PAGER_EVENT_TYPES as readonly string[]).includes(type)) {
      logger.info("event ignored: not a paging event", { type });
      return { status: "ignored" as const };
    }
    if (type === "oncall.verification_requested") {
      const data = event.detail?.detail?.data ?? {};
      const { personId, method, requestId } = data as Record<string, unknown>;
      if (typeof personId !== "string" || typeof requestId !== "string" || !isMethod(method))
        throw new ValidationError(`${type} event ${event.id} lacks its person, method or request`, [
          {
            path: "detail.detail.data",
            message: "expected personId, method (slack, sms, voice) and requestId",
          },
        ]);
      const result = await sendVerification(getDeps(), personId, method, requestId);
      logger.info("verification", { personId, method, requestId, ...result });
      return { status: result.outcome };
    }
    if (type === "page.test_requested") return testPage(event);
    const incidentId = event.detail?.incidentId;
    if (typeof incidentId !== "string" || incidentId === "")
      throw new ValidationError(`${type} event ${event.id} has no incident id`, [
        { path: "detail.incidentId", message: "required" },
      ]);
    if (type === "incident.declared") {
      const result = await onIncidentDeclared(getDeps(), incidentId);
      logger.info("incident declared", {
        incidentId,
        outcome: result.outcome,
        reason: result.reason,
        pages: result.pages.length,
      });
      return { status: result.outcome, pages: result.pages.length };
    }
    await onIncidentStatusChanged(getDeps(), incidentId);
    logger.info("escalation brought up to date", { incidentId, type });
    return { status: "updated" as const };
  }).use(injectLambdaContext(logger));

  /**
   * A test page: a send another invocation holds (not yet recorded) fails this one, so that the
   * event is delivered again and that send is recorded, or resent once stale, by then.
   */
  async function testPage(event: BusEvent) {
    const data = event.detail?.detail?.data as Record<string, unknown> | undefined;
    const id = data?.testPageId;
    if (typeof id !== "string" || id === "")
      throw new ValidationError(`page.test_requested event ${event.id} has no test page id`, [
        { path: "detail.detail.data.testPageId", message: "required" },
      ]);
    const deps = getDeps();
    const result = await sendTestPage(deps, new TestPageStore(deps.pages.db, deps.pages.tableName), id);
    logger.info("test page", { testPageId: id, ...result });
    if (result.outcome === "sent" && result.inFlight > 0)
      throw new FirebreakError(
        "test_page_in_flight",
        `test page ${id}: ${result.inFlight} send(s) held by another delivery; retry to record or resend them`,
      );
    return { status: result.outcome, ...(result.outcome === "sent" ? { sent: result.sent } : {}) };
  }
}

function isMethod(value: unknown): value is ContactMethod {
  return value === "slack" || value === "sms" || value === "voice";
}

export const handler = createPagerHandler(awsPagingDeps);
