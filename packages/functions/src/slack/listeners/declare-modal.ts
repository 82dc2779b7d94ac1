/**
 * The declare modal's submission (`/incident declare` with no arguments opens it): validation errors
 * under the fields, else declare, make the chosen commander IC, announce where it was opened (else
 * in a DM) and hand the channel set-up off.
 */
import { assignRole, declareIncident } from "@firebreak/core/incident/actions";
import { declareInputSchema } from "@firebreak/core/incident/inputs";
import { runAs } from "@firebreak/core/shared/actor";
import type { App, ViewSubmitAction } from "@slack/bolt";
import { DECLARE_MODAL } from "../ids";
import type { DeclareModalMetadata, LastAction } from "../messages";
import { authorize } from "../permissions";
import type { SlackContext } from "./context";

export function registerDeclareModal(app: App, ctx: SlackContext): void {
  const { policy, actions, who, actorFor, now, announce, enqueue, report } = ctx;
  app.view<ViewSubmitAction>(DECLARE_MODAL.callbackId, async ({ ack, body, view, client }) => {
    const m = DECLARE_MODAL;
    const values = view.state.values;
    const field = (block: string, action: string) => values[block]?.[action];
    const me = await who(body.user.id);
    const actor = await actorFor(body.user, me);
    let acked = false;
    try {
      const services = (field(m.services.block, m.services.action)?.value ?? "")
        .split(/[,\s]+/)
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s !== "");
      const description = field(m.description.block, m.description.action)?.value ?? undefined;
      const input = {
        title: field(m.title.block, m.title.action)?.value ?? "",
        severity: (
          field(m.severity.block, m.severity.action)?.selected_option?.value ?? "sev3"
        ).toUpperCase(),
        ...(services.length > 0 ? { services } : {}),
        ...(description ? { description } : {}),
      };
      const checked = declareInputSchema.safeParse(input);
      if (!checked.success) {
        const errors: Record<string, string> = {};
        for (const issue of checked.error.issues) {
          const name = String(issue.path[0]) as "title" | "severity" | "services" | "description";
          const block = (m[name] ?? m.title).block;
          errors[block] ??= issue.message;
        }
        acked = true;
        await ack({ response_action: "errors", errors });
        return;
      }
      authorize(policy, "declare", undefined, me);
      const commanderId = field(m.commander.block, m.commander.action)?.selected_user ?? undefined;
      const commander = commanderId ? await who(commanderId) : undefined;
      const metadata = parseMetadata(view.private_metadata);
      await runAs(actor, async () => {
        let incident = await declareIncident(actions, checked.data);
        if (commander)
          incident = await assignRole(actions, incident.id, {
            role: "ic",
            personId: commander.personId ?? commander.slackUserId,
            ...(commander.personName ? { personName: commander.personName } : {}),
            ...(commander.personId ? {} : { page: false }), // only a directory person can be paged
          });
        acked = true;
        await ack();
        const lastAction: LastAction = {
          verb: "Declared",
          userId: body.user.id,
          userName: actor.name,
          at: now(),
        };
        const posted =
          (metadata.channel_id
            ? await announce(client, metadata.channel_id, incident, lastAction)
            : undefined) ?? (await announce(client, body.user.id, incident, lastAction));
        await enqueue({
          type: "slack.incident_declared",
          incidentId: incident.id,
          number: incident.number,
          declaredBy: body.user.id,
          ...(metadata.channel_id ? { channelId: metadata.channel_id } : {}),
          ...(posted ? { message: posted } : {}),
        });
      });
    } catch (error) {
      const text = report(error, undefined, "declare modal", "plain");
      if (!acked) await ack({ response_action: "errors", errors: { [m.title.block]: text } });
    }
  });
}

function parseMetadata(raw: string | undefined): DeclareModalMetadata {
  try {
    const parsed: unknown = JSON.parse(raw ?? "{}");
    const channel = (parsed as { channel_id?: unknown })?.channel_id;
    return typeof channel === "string" && /^[CGD][A-Z0-9]{2,30}$/.test(channel)
      ? { channel_id: channel }
      : {};
  } catch {
    return {};
  }
}
