/**
 * Prometheus Alertmanager webhooks (version 4): `POST /alertmanager`, its key as a bearer token or Basic password (core/integrations/alertmanager.ts).
 */
import {
  ALERTMANAGER_FORMAT,
  type AlertmanagerNotification,
  readAlertmanagerNotification,
} from "@firebreak/core/integrations/alertmanager";
import { INTEGRATION_PATHS } from "@firebreak/core/integrations/keys";
import { deadLetterAlert } from "@firebreak/core/integrations/receive";
import { ValidationError } from "@firebreak/core/shared/errors";
import type { Hono } from "hono/tiny";
import { ACCEPTED_FORMATS, keyFromAuthorization, problem, type RouteKit, readJson } from "./kit";

export function alertmanagerRoutes(app: Hono, kit: RouteKit): void {
  const { getDeps, receive, refuseKept, limit } = kit;
  app.post(INTEGRATION_PATHS.alertmanager, limit(problem), async (c) => {
    const refuse = problem(c);
    const key = keyFromAuthorization(c.req.header("authorization"), ["bearer", "basic"]);
    let notification: AlertmanagerNotification | undefined;
    return receive(
      c,
      "alertmanager",
      key,
      refuse,
      async (integration) => {
        const json = await readJson(c);
        if (!json.ok)
          return refuseKept(
            refuse,
            "alertmanager",
            integration,
            400,
            `${json.why}: expected ${ALERTMANAGER_FORMAT}`,
            [],
            json.text.slice(0, 10_000),
          );
        try {
          notification = readAlertmanagerNotification(json.body);
          for (const refused of notification.refused)
            await deadLetterAlert(
              getDeps().receive,
              "alertmanager",
              integration,
              `alert ${refused.index} of an Alertmanager notification refused: ${refused.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
              refused.issues,
              refused.alert,
            );
          if (notification.truncatedAlerts > 0)
            getDeps().log?.warn("Alertmanager left alerts out of a notification (max_alerts)", {
              integration: integration.id,
              truncatedAlerts: notification.truncatedAlerts,
              groupKey: notification.groupKey,
            });
          if (notification.alerts.length === 0 && notification.refused.length > 0)
            return refuse(
              400,
              "no alert of the notification could be read",
              notification.refused.flatMap((r) => r.issues.map((i) => `${i.path}: ${i.message}`)),
            );
          return notification.alerts;
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          return refuseKept(
            refuse,
            "alertmanager",
            integration,
            400,
            `${error.message}. ${ACCEPTED_FORMATS}`,
            error.issues.map((i) => i.message),
            json.body,
          );
        }
      },
      (results) => {
        if (!notification) throw new Error("unreachable: answered before the notification was read");
        return c.json({
          status: "accepted",
          results,
          ...(notification.refused.length
            ? { refused: notification.refused.map((r) => ({ index: r.index, issues: r.issues })) }
            : {}),
          ...(notification.truncatedAlerts
            ? {
                truncatedAlerts: notification.truncatedAlerts,
                warning: `Alertmanager left ${notification.truncatedAlerts} alert(s) out of this notification (max_alerts): they were not received`,
              }
            : {}),
        });
      },
    );
  });
}
