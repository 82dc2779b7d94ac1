/**
 * Opsgenie Alert API requests: create, close and acknowledge (`Authorization: GenieKey <key>`; core/integrations/opsgenie.ts).
 */
import { randomUUID } from "node:crypto";
import { INTEGRATION_PATHS } from "@firebreak/core/integrations/keys";
import {
  OpsgenieRequestError,
  readOpsgenieAction,
  readOpsgenieCreate,
} from "@firebreak/core/integrations/opsgenie";
import type { Context } from "hono";
import type { Hono } from "hono/tiny";
import { ACCEPTED_FORMATS, keyFromAuthorization, opsgenieError, type RouteKit, readJson } from "./kit";

export function opsgenieRoutes(app: Hono, kit: RouteKit): void {
  const { receive, refuseKept, limit } = kit;
  const opsgenie = (action: "create" | "resolve" | "acknowledge") => async (c: Context) => {
    const started = performance.now();
    const refuse = opsgenieError(c, started);
    const key = keyFromAuthorization(c.req.header("authorization"), ["geniekey"]);
    return receive(
      c,
      "opsgenie",
      key,
      refuse,
      async (integration) => {
        const json = await readJson(c);
        const body = json.ok ? json.body : undefined;
        if (!json.ok && (action === "create" || json.text.trim() !== ""))
          return refuseKept(
            refuse,
            "opsgenie",
            integration,
            400,
            `${json.why}. ${ACCEPTED_FORMATS}`,
            [],
            json.text.slice(0, 10_000),
          );
        try {
          return [
            action === "create"
              ? readOpsgenieCreate(body)
              : readOpsgenieAction(
                  action,
                  c.req.param("identifier") ?? "",
                  c.req.query("identifierType"),
                  body,
                ),
          ];
        } catch (error) {
          if (!(error instanceof OpsgenieRequestError)) throw error;
          return refuseKept(
            refuse,
            "opsgenie",
            integration,
            error.status,
            error.message,
            [error.message],
            body,
          );
        }
      },
      (results) => {
        const result = results[0];
        if (result?.outcome === "refused") return refuse(422, result.reason ?? "refused");
        return c.json(
          {
            result: "Request will be processed",
            took: (performance.now() - started) / 1000,
            requestId: randomUUID(),
          },
          202,
        );
      },
    );
  };
  app.post(
    INTEGRATION_PATHS.opsgenie,
    limit((c) => opsgenieError(c, performance.now())),
    opsgenie("create"),
  );
  app.post(
    `${INTEGRATION_PATHS.opsgenie}/:identifier/close`,
    limit((c) => opsgenieError(c, performance.now())),
    opsgenie("resolve"),
  );
  app.post(
    `${INTEGRATION_PATHS.opsgenie}/:identifier/acknowledge`,
    limit((c) => opsgenieError(c, performance.now())),
    opsgenie("acknowledge"),
  );
}
