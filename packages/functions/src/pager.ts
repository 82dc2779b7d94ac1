import { awsPagingDeps } from "./lib/paging-resources";
import { createPagerHandler } from "./paging/pager";

export { createPagerHandler };

/** Pager (infra/paging.ts): paging/pager.ts on Lambda's paging wiring. */
export const handler = createPagerHandler(awsPagingDeps);
