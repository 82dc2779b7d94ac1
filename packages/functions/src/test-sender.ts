import { awsPagingDeps } from "./lib/paging-resources";
import { createTestSenderHandler } from "./paging/test-sender";

export { createTestSenderHandler };

/** TestSender (infra/paging.ts): paging/test-sender.ts on Lambda's paging wiring. */
export const handler = createTestSenderHandler(awsPagingDeps);
