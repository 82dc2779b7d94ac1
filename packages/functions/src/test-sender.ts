import type { PagingReplyDeps } from "@firebreak/core/paging/service";
import { awsPagingDeps } from "./lib/paging-resources";
import { createTestSenderHandler } from "./paging/test-sender";
import { withReplies } from "./wiring/paging-core";

export { createTestSenderHandler };

/** TestSender's paging on Lambda: paging's wiring with the contact verifications and the test pages. */
let paging: PagingReplyDeps | undefined;
function awsTestSenderDeps(): PagingReplyDeps {
  paging ??= withReplies(awsPagingDeps());
  return paging;
}

/** TestSender (infra/paging.ts): paging/test-sender.ts on Lambda's paging wiring. */
export const handler = createTestSenderHandler(awsTestSenderDeps);
