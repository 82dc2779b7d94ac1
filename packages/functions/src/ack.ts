import type { PagingReplyDeps } from "@firebreak/core/paging/service";
import type { SmsInboundDeps } from "./api/sms-inbound-routes";
import { awsDeadLetters } from "./lib/dead-letters";
import { lambdaPlatform } from "./lib/resources";
import { ACK_FAILURE_STATUS, createAckHandler } from "./paging/ack";
import { pagingCore, smsInboundDeps, withReplies } from "./wiring/paging-core";

export { ACK_FAILURE_STATUS, createAckHandler };

/** The Ack function's paging on Lambda: the core alone (acknowledging pages nobody; no Slack, no voice). */
let paging: PagingReplyDeps | undefined;
function awsAckPagingDeps(): PagingReplyDeps {
  paging ??= withReplies(pagingCore(lambdaPlatform()));
  return paging;
}

/** `POST /sms/inbound` on Lambda: the Ack function's paging, the linked AlarmIngestDlq. */
let smsInbound: SmsInboundDeps | undefined;
function awsSmsInboundDeps(): SmsInboundDeps {
  // The queue is linked only with two-way SMS on (infra/paging.ts): read on the first dead letter.
  smsInbound ??= smsInboundDeps(lambdaPlatform(), awsAckPagingDeps(), {
    send: (letter) => awsDeadLetters().send(letter),
  });
  return smsInbound;
}

export const handler = createAckHandler(awsAckPagingDeps, awsSmsInboundDeps);
