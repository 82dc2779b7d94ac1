import { createSnsClient, regionalSnsClients, SnsChannel } from "@firebreak/core/adapters/aws/sns-channel";
import { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { ContactStore } from "@firebreak/core/adapters/dynamodb/oncall/contact-store";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { PageStore } from "@firebreak/core/adapters/dynamodb/paging/page-store";
import { TestPageStore } from "@firebreak/core/adapters/dynamodb/paging/test-page-store";
import type { DeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import { parseAckKeyring } from "@firebreak/core/paging/ack-link";
import type { PagingDeps, PagingReplyDeps } from "@firebreak/core/paging/service";
import { FirebreakError } from "@firebreak/core/shared/errors";
import type { SmsInboundDeps } from "../api/sms-inbound-routes";
import { type Platform, requiredSecret } from "./platform";

/** Paging as the wiring builds it: its stores are the DynamoDB ones. */
export type WiredPaging = PagingDeps & { pages: PageStore; directory: DirectoryStore };

/**
 * The core of paging, without Slack or voice (paging.ts adds them for the functions that page):
 * the stores, SNS through the function's region for SMS and the ARN's region for topics, ack links
 * signed with the AckKey keyring (`k2:<new>,k1:<old>`, or one key). The links' base is
 * `FIREBREAK_ACK_BASE_URL` (infra/paging.ts sets it to `<api url>/ack`); the dashboard's is
 * `FIREBREAK_DASHBOARD_URL`. The Ack function needs no more: acknowledging sends nothing but the
 * SMS reply's confirmation (so its bundle carries neither the Slack nor the voice client).
 */
export function pagingCore(platform: Platform): WiredPaging & { channels: { sns: SnsChannel } } {
  const ackBaseUrl = platform.env.FIREBREAK_ACK_BASE_URL?.trim();
  if (!ackBaseUrl || !/^https?:\/\/[^/\s]+/.test(ackBaseUrl))
    throw new FirebreakError(
      "config_missing",
      `FIREBREAK_ACK_BASE_URL must be the ack links' base URL, e.g. https://<api>/ack (got ${JSON.stringify(ackBaseUrl ?? "")})`,
    );
  const keyring = parseAckKeyring(requiredSecret(platform, "AckKey"));
  const { db, tableName } = platform.table();
  const incidents = new IncidentStore(db, tableName);
  const sns = platform.adapters?.sns ?? { client: createSnsClient(), clientForRegion: regionalSnsClients() };
  const dashboardUrl = platform.env.FIREBREAK_DASHBOARD_URL?.trim();
  return {
    incidents,
    pages: new PageStore(incidents.db, incidents.tableName),
    directory: new DirectoryStore(db, tableName, platform.clock),
    channels: { sns: new SnsChannel(sns) },
    ackKey: keyring.current,
    previousAckKeys: keyring.previous,
    ackBaseUrl,
    ...(dashboardUrl ? { dashboardUrl } : {}),
    ...(platform.clock ? { clock: platform.clock } : {}),
    ...(platform.log ? { log: platform.log } : {}),
  };
}

/**
 * Paging with the contact verifications and the test pages, for the functions that answer people
 * (Ack: SMS replies and ack links; TestSender: verification and test sends), on paging's own
 * directory and table. The others do without them, and so do their bundles.
 */
export function withReplies<P extends WiredPaging>(paging: P): P & PagingReplyDeps {
  return {
    ...paging,
    contacts: new ContactStore(paging.directory),
    testPages: new TestPageStore(paging.pages.db, paging.pages.tableName),
  };
}

/**
 * `POST /sms/inbound` (the Ack function): paging, the two-way SMS topic
 * (`FIREBREAK_SMS_INBOUND_TOPIC_ARN`; unset, the route answers 404), SNS's hosts, the dead letters.
 */
export function smsInboundDeps(
  platform: Platform,
  paging: PagingReplyDeps,
  deadLetters: DeadLetterSink,
): SmsInboundDeps {
  const topicArn = platform.env.FIREBREAK_SMS_INBOUND_TOPIC_ARN?.trim();
  const common = {
    paging,
    ...(platform.adapters?.snsHttp ? { sns: platform.adapters.snsHttp } : {}),
    ...(platform.log ? { log: platform.log } : {}),
  };
  return topicArn ? { ...common, topicArn, deadLetters } : common;
}
