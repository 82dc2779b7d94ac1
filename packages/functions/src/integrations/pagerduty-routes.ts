/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`, the routing key in the event) and change events (`POST /v2/change/enqueue`, recorded as changes of the key's service).
 */
import { recordChange } from "@firebreak/core/changes/actions";
import { INTEGRATION_PATHS } from "@firebreak/core/integrations/keys";
import {
  type PagerDutyChange,
  PagerDutyEventError,
  readPagerDutyChange,
  readPagerDutyEvent,
} from "@firebreak/core/integrations/pagerduty";
import { ValidationError } from "@firebreak/core/shared/errors";
import type { Hono } from "hono/tiny";
import { ACCEPTED_FORMATS, pagerDutyError, type RouteKit, readJson } from "./kit";

export function pagerDutyRoutes(app: Hono, kit: RouteKit): void {
  const { getDeps, receive, refuseKept, limit } = kit;
  app.post(INTEGRATION_PATHS.pagerduty, limit(pagerDutyError), async (c) => {
    const refuse = pagerDutyError(c);
    const json = await readJson(c);
    if (!json.ok) return refuse(400, `${json.why}. ${ACCEPTED_FORMATS}`);
    let event: ReturnType<typeof readPagerDutyEvent> | undefined;
    let problems: string[] = [];
    try {
      event = readPagerDutyEvent(json.body);
    } catch (error) {
      if (!(error instanceof PagerDutyEventError)) throw error;
      problems = error.errors;
    }
    const routingKey =
      event?.routingKey ??
      (typeof (json.body as { routing_key?: unknown })?.routing_key === "string"
        ? (json.body as { routing_key: string }).routing_key
        : undefined);
    return receive(
      c,
      "pagerduty",
      routingKey,
      refuse,
      async (integration) =>
        event
          ? [event.alert]
          : refuseKept(
              refuse,
              "pagerduty",
              integration,
              400,
              `PagerDuty event refused: ${problems.join("; ")}`,
              problems,
              json.body,
            ),
      (results) => {
        const result = results[0];
        if (result?.outcome === "refused") return refuse(400, result.reason ?? "refused");
        return c.json(
          { status: "success", message: "Event processed", dedup_key: event?.alert.identity },
          202,
        );
      },
    );
  });

  // PagerDuty change events: recorded as changes to the key's service (core/changes).
  app.post("/v2/change/enqueue", limit(pagerDutyError), async (c) => {
    const refuse = pagerDutyError(c);
    const deps = getDeps();
    const json = await readJson(c);
    if (!json.ok) return refuse(400, `${json.why}. ${ACCEPTED_FORMATS}`);
    let change: PagerDutyChange | undefined;
    let problems: string[] = [];
    try {
      change = readPagerDutyChange(json.body);
    } catch (error) {
      if (!(error instanceof PagerDutyEventError)) throw error;
      problems = error.errors;
    }
    const given = (json.body as { routing_key?: unknown } | null)?.routing_key;
    const key = change?.routingKey ?? (typeof given === "string" ? given : undefined);
    const integration = key ? await deps.keys.verify(key, "pagerduty") : undefined;
    if (!integration)
      return refuse(
        401,
        key ? "this is not a valid pagerduty integration key" : "'routing_key' is missing or blank",
      );
    if (!change)
      return refuseKept(
        refuse,
        "pagerduty",
        integration,
        400,
        `PagerDuty change event refused: ${problems.join("; ")}`,
        problems,
        json.body,
      );
    const service = integration.service ?? change.service;
    if (!service)
      return refuse(
        400,
        "this integration key maps to no service: create it with --service, or send payload.custom_details.service",
        [
          "this integration key maps to no service: create it with --service, or send payload.custom_details.service",
        ],
      );
    if (!deps.changes) return refuse(503, "changes are not configured on this deployment");
    try {
      await recordChange(
        { changes: deps.changes, ...(deps.receive.clock ? { clock: deps.receive.clock } : {}) },
        {
          service,
          summary: change.summary,
          ...(change.at ? { at: change.at } : {}),
          ...(change.link ? { link: change.link } : {}),
        },
        "pagerduty",
        {
          type: "alarm",
          id: `pagerduty:${integration.id}`,
          name: `PagerDuty change events (${integration.name})`,
        },
      );
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return refuseKept(
        refuse,
        "pagerduty",
        integration,
        400,
        error.message,
        error.issues.map((i) => `${i.path}: ${i.message}`),
        json.body,
      );
    }
    return c.json({ status: "success", message: "Change event processed" }, 202);
  });
}
