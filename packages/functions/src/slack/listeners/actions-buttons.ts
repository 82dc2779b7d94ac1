/**
 * The message buttons (`ACTIONS`). Acknowledge, Take IC and Resolve, on pages and on incident
 * announcements alike: the use case runs, then the message is updated in place (`chat.update`) to
 * show the new state and who acted; a refusal or failure is told to the clicking user privately.
 * View in dashboard and a test page's Acknowledge are links: their clicks are only acknowledged.
 */
import { assignRole, changeStatus } from "@firebreak/core/incident/actions";
import type { Incident } from "@firebreak/core/incident/model";
import { runAs } from "@firebreak/core/shared/actor";
import type { App, BlockAction, RespondFn, webApi } from "@slack/bolt";
import { incidentNumber } from "../commands";
import { SlackUserError } from "../errors";
import { ACTIONS } from "../ids";
import { incidentMessage, type LastAction, type SlackMessage } from "../messages";
import { authorize } from "../permissions";
import { describeError, type SlackContext } from "./context";

export function registerButtons(app: App, ctx: SlackContext): void {
  const { deps, log, policy, actions, who, actorFor, now, bounded, url, enqueue, report } = ctx;

  /** Finds the incident a button names: its value is the incident id (or `INC-n`). */
  const incidentOf = async (value: string | undefined): Promise<Incident> => {
    const number = value ? incidentNumber(value) : undefined;
    const incident =
      number !== undefined
        ? await deps.store.getIncidentByNumber(number)
        : value
          ? await deps.store.getIncident(value)
          : undefined;
    if (!incident) throw new SlackUserError("incident_not_found", "This incident no longer exists.");
    return incident;
  };

  /** Where the clicked message is, for chat.update and ephemeral answers. */
  const origin = (body: BlockAction) => {
    const container = body.container as { channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
    return {
      channel: container.channel_id ?? body.channel?.id,
      ts: container.message_ts ?? body.message?.ts,
      ephemeral: container.is_ephemeral === true,
    };
  };

  /** Tells the clicking user privately; falls back to the response URL, then to a DM. */
  const tell = async (client: webApi.WebClient, body: BlockAction, text: string, respond?: RespondFn) => {
    const { channel } = origin(body);
    try {
      if (!channel) throw new Error("no channel");
      await client.chat.postEphemeral({ channel, user: body.user.id, text });
      return;
    } catch (error) {
      log.warn("slack: chat.postEphemeral failed", { error: describeError(error) });
    }
    try {
      if (respond) await bounded(respond({ response_type: "ephemeral", replace_original: false, text }));
      else await client.chat.postMessage({ channel: body.user.id, text });
    } catch (error) {
      log.error("slack: could not tell the user", { error: describeError(error) });
    }
  };

  /** Shows the new state on the clicked message: chat.update, or the response URL for messages we can't edit. */
  const refresh = async (
    client: webApi.WebClient,
    body: BlockAction,
    message: SlackMessage,
    respond?: RespondFn,
  ) => {
    const { channel, ts, ephemeral: isEphemeral } = origin(body);
    if (channel && ts && !isEphemeral) {
      try {
        await client.chat.update({ channel, ts, ...message });
        return;
      } catch (error) {
        log.warn("slack: chat.update failed", { error: describeError(error) });
      }
    }
    try {
      if (respond) await bounded(respond({ replace_original: true, ...message }));
    } catch (error) {
      log.warn("slack: could not update the message through its response URL", {
        error: describeError(error),
      });
    }
  };

  type ButtonKind = "ack" | "takeIc" | "resolve";
  const onButton = async (
    kind: ButtonKind,
    body: BlockAction,
    value: string | undefined,
    client: webApi.WebClient,
    respond: RespondFn | undefined,
  ) => {
    const scope: { incident?: Incident } = {};
    try {
      const incident = await incidentOf(value);
      scope.incident = incident;
      const me = await who(body.user.id);
      const userName = body.user.name ?? body.user.username;
      let after: Incident;
      let verb: string;
      if (kind === "ack") {
        authorize(policy, "ack", incident, me);
        after = await changeStatus(actions, incident.id, { to: "acknowledged" });
        verb = "Acknowledged";
      } else if (kind === "resolve") {
        authorize(policy, "resolve", incident, me);
        after = await changeStatus(actions, incident.id, { to: "resolved" });
        verb = "Resolved";
      } else {
        if (incident.status === "resolved")
          throw new SlackUserError("incident_resolved", `INC-${incident.number} is already resolved.`);
        const ic = incident.roles?.ic?.personId;
        if (ic !== undefined && (ic === body.user.id || ic === me.personId))
          throw new SlackUserError(
            "already_ic",
            `You are already the incident commander of INC-${incident.number}.`,
          );
        authorize(policy, "assign", incident, me, { role: "ic", personId: body.user.id });
        const holder = me.personName ?? userName;
        after = await assignRole(actions, incident.id, {
          role: "ic",
          personId: me.personId ?? body.user.id,
          ...(holder ? { personName: holder } : {}),
        });
        verb = "IC taken";
        await enqueue({
          type: "slack.role_assigned",
          incidentId: after.id,
          number: after.number,
          role: "ic",
          slackUserId: body.user.id,
          assignedBy: body.user.id,
        });
      }
      const lastAction: LastAction = {
        verb,
        userId: body.user.id,
        ...(userName ? { userName } : {}),
        at: now(),
      };
      await refresh(client, body, incidentMessage(after, { lastAction, incidentUrl: url(after) }), respond);
    } catch (error) {
      await tell(client, body, report(error, scope.incident, `button ${kind}`), respond);
    }
  };

  const buttons: [string, ButtonKind][] = [
    [ACTIONS.ack, "ack"],
    [ACTIONS.takeIc, "takeIc"],
    [ACTIONS.resolve, "resolve"],
  ];
  for (const [actionId, kind] of buttons) {
    app.action<BlockAction>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      const value = "value" in action && typeof action.value === "string" ? action.value : undefined;
      const actor = await actorFor(body.user, await who(body.user.id));
      await runAs(actor, () => onButton(kind, body, value, client, respond));
    });
  }
  // A URL button opens the dashboard in the browser; Slack still sends the click, which needs an ack.
  // A test page's Acknowledge button is its ack link: the click itself needs only Slack's ack.
  app.action(ACTIONS.testPageAck, async ({ ack }) => {
    await ack();
  });
  app.action(ACTIONS.view, async ({ ack }) => {
    await ack();
  });
}
