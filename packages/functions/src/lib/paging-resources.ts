import type { PagingDeps } from "@firebreak/core/paging/service";
import { pagingDeps } from "../wiring/paging";
import { lambdaPlatform } from "./resources";

/** Paging on Lambda (Pager, Escalation, Ack): the wiring of wiring/paging.ts on Lambda's platform. */
let paging: PagingDeps | undefined;
export function awsPagingDeps(): PagingDeps {
  paging ??= pagingDeps(lambdaPlatform());
  return paging;
}
