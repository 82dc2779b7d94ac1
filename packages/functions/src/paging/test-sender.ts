import type { PagingReplyDeps } from "@firebreak/core/paging/service";
import { sendTestPage } from "@firebreak/core/paging/test-page-send";
import { sendVerification } from "@firebreak/core/paging/verify-send";
import { FirebreakError } from "@firebreak/core/shared/errors";
import { defineConsumer } from "../wiring/consumer";

/**
 * The test sender: what people ask for to check their paging, sent through the pager's channels
 * (its kinds: BUS_CONSUMERS.TestSender).
 * - `oncall.verification_requested` → a contact method's test message with its code
 *   (`sendVerification`; once per request, nothing for a stale one).
 * - `page.test_requested` → each method of the test page sent and recorded (`sendTestPage`; no
 *   incident). A send another invocation holds (not yet recorded) fails this one, so that the event
 *   is delivered again and that send is recorded, or resent once stale, by then.
 * Both are idempotent; a failure throws (Lambda retries, then PagerDlq).
 */
export function createTestSenderHandler(getDeps: () => PagingReplyDeps) {
  return defineConsumer("TestSender", (logger) => ({
    "oncall.verification_requested": async ({ data: { personId, method, requestId } }) => {
      const result = await sendVerification(getDeps(), personId, method, requestId);
      logger.info("verification", { personId, method, requestId, ...result });
      return { status: result.outcome };
    },
    "page.test_requested": async ({ data: { testPageId } }) => {
      const deps = getDeps();
      const result = await sendTestPage(deps, deps.testPages, testPageId);
      logger.info("test page", { testPageId, ...result });
      if (result.outcome === "sent" && result.inFlight > 0)
        throw new FirebreakError(
          "test_page_in_flight",
          `test page ${testPageId}: ${result.inFlight} send(s) held by another delivery; retry to record or resend them`,
        );
      return { status: result.outcome, ...(result.outcome === "sent" ? { sent: result.sent } : {}) };
    },
  }));
}
