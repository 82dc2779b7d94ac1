import { pagingDeps, type WiredPaging } from "../wiring/paging";
import { lambdaPlatform } from "./resources";

/** Paging on Lambda (Pager, Escalation, Ack): the wiring of wiring/paging.ts on Lambda's platform. */
let paging: WiredPaging | undefined;
export function awsPagingDeps(): WiredPaging {
  paging ??= pagingDeps(lambdaPlatform());
  return paging;
}
