/**
 * `POST /events`: the default bus's rules on the local runtime (DEFAULT_BUS_RULES). An alarm state
 * change goes to the AlarmIngest handler and a deployment event to ChangeIngest, matched by the same
 * patterns as the cloud's rules; anything else is answered as ignored.
 */
import type { MemoryDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import type { ProcessSummary } from "@firebreak/core/alarm/process";
import { ALARM_RULE_PATTERN, matchesRule } from "@firebreak/core/alarm/rule";
import type { Log } from "@firebreak/core/shared/log";
import { createAlarmIngestHandler } from "@firebreak/functions/alarm-ingest";
import { createChangeIngestHandler } from "@firebreak/functions/changes";
import { ingestDeps } from "@firebreak/functions/wiring/alarm-ingest";
import { changeIngestDeps } from "@firebreak/functions/wiring/changes";
import type { Platform } from "@firebreak/functions/wiring/platform";
import { CHANGE_INGEST, DEFAULT_BUS_RULES } from "@firebreak/functions/wiring/topology";
import { type HttpResult, lambdaContext } from "../apigw";
import { readEventBody } from "../events-body";
import { json, problem } from "./routes";

/** The router of `POST /events`'s body: the event's answer. */
export function eventRouter(wiring: {
  platform: Platform;
  deadLetters: MemoryDeadLetterSink;
  log: Log;
}): (body: Buffer) => Promise<HttpResult> {
  const { platform, deadLetters, log } = wiring;
  // The default bus's alarm rule: POST /events, routed by the same pattern.
  const ingest = createAlarmIngestHandler(() => ingestDeps(platform, deadLetters));
  const changeIngest = createChangeIngestHandler(() => changeIngestDeps(platform, deadLetters));
  return async (body) => {
    // Parsed with a nesting bound, checked as an envelope (events-body.ts): else a 400.
    const read = readEventBody(body);
    if (!read.ok) return problem(read.status, read.title, read.detail, read.issues);
    const { event, envelope } = read;
    // AWS's deployment events: the default bus's other rule (DEFAULT_BUS_RULES.ChangeIngest).
    if (matchesRule(envelope, CHANGE_INGEST.pattern)) {
      const result = await changeIngest(event, lambdaContext("ChangeIngest"));
      if (result.status === "refused") return problem(400, "Deployment event refused", result.reason);
      return json(202, result);
    }
    if (!matchesRule(envelope)) {
      return json(202, {
        status: "ignored",
        reason: `no rule matches source "${envelope.source}" and detail-type "${envelope["detail-type"]}"`,
        rules: Object.values(DEFAULT_BUS_RULES).map((r) => r.pattern),
        rule: ALARM_RULE_PATTERN,
      });
    }
    let summary: ProcessSummary;
    try {
      summary = await ingest(event, lambdaContext("AlarmIngest"));
    } catch (error) {
      log.error(`alarm-ingest failed: ${(error as Error).message}`);
      const unavailable = problem(503, "Try again", "The event could not be stored; send it again.");
      return { ...unavailable, headers: { ...unavailable.headers, "retry-after": "1" } };
    }
    const rejected = summary.rejected[0];
    if (rejected) return problem(400, "Alarm event refused", rejected.error.message, rejected.error.issues);
    if (summary.ignored) return json(202, { status: "ignored", reason: summary.ignored });
    return json(202, { status: "accepted", results: summary.ingested });
  };
}
