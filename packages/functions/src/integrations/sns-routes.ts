/**
 * Amazon SNS HTTP(S) subscriptions: `POST /sns/{key}`, every message's signature verified before anything else (core/integrations/sns.ts).
 */
import { processAlarmEvent, RetryableBatchError } from "@firebreak/core/alarm/process";
import { INTEGRATION_PATHS } from "@firebreak/core/integrations/keys";
import {
  asLambdaRecord,
  readSnsMessage,
  SNS_FORMAT,
  type SnsHttpMessage,
} from "@firebreak/core/integrations/sns";
import { ValidationError } from "@firebreak/core/shared/errors";
import type { Hono } from "hono/tiny";
import { ACCEPTED_FORMATS, problem, type RouteKit, readJson, tryAgain } from "./kit";
import { settleSnsMessage, snsOverHttps } from "./sns-http";

export function snsRoutes(app: Hono, kit: RouteKit): void {
  const { getDeps, refuseKept, limit } = kit;
  // Amazon SNS HTTP(S) subscriptions: the key in the path (a subscription cannot send headers);
  // every message's signature verified before anything else (integrations/sns.ts).
  app.post(`${INTEGRATION_PATHS.sns}/:key`, limit(problem), async (c) => {
    const refuse = problem(c);
    const deps = getDeps();
    const integration = await deps.keys.verify(c.req.param("key"), "sns");
    if (!integration)
      return refuse(
        401,
        "this is not a valid sns integration key: subscribe the topic to <API URL>/integrations/sns/<key>, with a key from `firebreak integration create sns`",
      );
    const json = await readJson(c);
    if (!json.ok)
      return refuseKept(
        refuse,
        "sns",
        integration,
        400,
        `${json.why}: expected ${SNS_FORMAT}`,
        [],
        json.text.slice(0, 10_000),
      );
    let message: SnsHttpMessage;
    try {
      message = readSnsMessage(json.body);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return refuseKept(
        refuse,
        "sns",
        integration,
        400,
        `${error.message}. ${ACCEPTED_FORMATS}`,
        error.issues.map((i) => `${i.path}: ${i.message}`),
        json.body,
      );
    }
    const settled = await settleSnsMessage(message, deps.sns ?? snsOverHttps());
    if (settled.kind === "answered") {
      if (settled.status === 403)
        deps.log?.warn("SNS message refused", { reason: settled.reason, integration: integration.id });
      if (settled.status === 503) {
        deps.log?.error("SNS subscription confirmation failed", { reason: settled.reason });
        return tryAgain(refuse);
      }
      if (settled.status !== 200) return refuse(settled.status, settled.reason);
      if (message.Type === "UnsubscribeConfirmation")
        return c.json({ status: "ignored", reason: "an unsubscribe confirmation" });
      deps.log?.info("SNS subscription confirmed", { topic: message.TopicArn, integration: integration.id });
      return c.json({ status: "confirmed", topic: message.TopicArn });
    }
    try {
      const summary = await processAlarmEvent(
        { ...deps.receive, ...(deps.log ? { log: deps.log } : {}) },
        { Records: [asLambdaRecord(message)] },
      );
      // Dead-lettered with its reason (processAlarmEvent did): a retry by SNS could not fix it.
      const rejected = summary.rejected[0];
      if (rejected) return c.json({ status: "dead-lettered", reason: rejected.error.message });
      return c.json({ status: "accepted", results: summary.ingested });
    } catch (error) {
      if (!(error instanceof RetryableBatchError)) throw error;
      return tryAgain(refuse);
    }
  });
}
