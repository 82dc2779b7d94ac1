/**
 * `POST /sms/inbound`: replies by SMS to a page (core/paging/sms-reply.ts). End User Messaging's
 * two-way SMS publishes each inbound message to an SNS topic (`FIREBREAK_SMS_INBOUND_TOPIC_ARN`),
 * subscribed here over HTTPS (infra/paging.ts). A message from any other topic, unsigned, or with
 * a signature that does not check out is refused (403) before anything is read; the subscription
 * confirmation is confirmed. A signed notification whose payload is not an inbound SMS goes to the
 * dead letters with its reason (200: SNS redelivering it could not fix it). Anything else is acted
 * on once per `inboundMessageId` and answered 200 with the outcome, a no-op included (an unknown
 * number, a STOP). A failure a retry can fix is a 503, which SNS retries.
 */
import type { DeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import { readSnsMessage, type SnsHttpMessage } from "@firebreak/core/integrations/sns";
import type { PagingReplyDeps } from "@firebreak/core/paging/service";
import { acknowledgeBySms, type InboundSms, readInboundSms } from "@firebreak/core/paging/sms-reply";
import { ValidationError } from "@firebreak/core/shared/errors";
import { JsonBoundsError, parseBoundedJson } from "@firebreak/core/shared/json";
import type { Log } from "@firebreak/core/shared/log";
import { bodyLimit } from "hono/body-limit";
import { type SnsHttp, settleSnsMessage, snsOverHttps } from "../integrations/sns-http";
import type { AnyHono } from "./ack-link-routes";

export const SMS_INBOUND_ROUTE = "/sms/inbound";

/** Paging, and the two-way SMS topic with its dead letters; without a topic the route answers 404. */
export type SmsInboundDeps = {
  paging: PagingReplyDeps;
  /** SNS's hosts (certificates, confirmations); the real ones by default. */
  sns?: SnsHttp;
  log?: Log;
} & ({ topicArn?: undefined } | { topicArn: string; deadLetters: DeadLetterSink });

/** An SNS message is a few KB; an inbound SMS body at most 1,600 characters. */
const MAX_BODY_BYTES = 64 * 1024;

export function registerSmsInbound(app: AnyHono, getDeps: () => SmsInboundDeps): void {
  app.post(
    SMS_INBOUND_ROUTE,
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json({ error: `body over ${MAX_BODY_BYTES} bytes` }, 413),
    }),
    async (c) => {
      const deps = getDeps();
      if (deps.topicArn === undefined)
        return c.json(
          { error: "two-way SMS is not configured: set FIREBREAK_SMS_INBOUND_TOPIC_ARN to the topic's ARN" },
          404,
        );
      let message: SnsHttpMessage;
      try {
        message = readSnsMessage(parseBoundedJson(await c.req.text()));
      } catch (error) {
        if (error instanceof JsonBoundsError)
          return c.json(
            { error: `not JSON (${error.message}): expected an Amazon SNS HTTP(S) message` },
            400,
          );
        if (!(error instanceof ValidationError)) throw error;
        return c.json({ error: error.message }, 400);
      }
      if (message.TopicArn !== deps.topicArn) {
        deps.log?.warn("inbound SMS refused: another topic", { topic: message.TopicArn });
        return c.json(
          { error: `SNS message refused: ${message.TopicArn} is not the two-way SMS topic` },
          403,
        );
      }
      const settled = await settleSnsMessage(message, deps.sns ?? snsOverHttps());
      if (settled.kind === "answered") {
        if (settled.status !== 200) deps.log?.warn("inbound SMS: SNS message not accepted", settled);
        return c.json(
          settled.status === 200 ? { status: settled.reason } : { error: settled.reason },
          settled.status,
          settled.status === 503 ? { "Retry-After": "30" } : {},
        );
      }
      let sms: InboundSms;
      try {
        sms = readInboundSms(message.Message);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        await deps.deadLetters.send({
          source: "sms-inbound",
          reason: error.message,
          issues: error.issues,
          event: message,
          at: (deps.paging.clock?.now() ?? new Date()).toISOString(),
        });
        deps.log?.warn("inbound SMS dead-lettered", { reason: error.message, messageId: message.MessageId });
        return c.json({ status: "dead-lettered", reason: error.message });
      }
      const outcome = await acknowledgeBySms(deps.paging, sms);
      return c.json(outcome);
    },
  );
}
