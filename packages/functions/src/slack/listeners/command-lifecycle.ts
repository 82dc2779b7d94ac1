/**
 * `/incident` subcommands that move an incident along: declare (or open the declare modal), ack,
 * mitigate, resolve, severity, assign, update, reopen.
 */
import {
  assignRole,
  changeSeverity,
  changeStatus,
  declareIncident,
  postUpdate,
  reopenIncident,
} from "@firebreak/core/incident/actions";
import { type IncidentStatus, lowersSeverity } from "@firebreak/core/incident/model";
import { escapeMrkdwnWithin } from "@firebreak/core/paging/slack-message";
import { USAGE } from "../commands";
import { SlackUserError } from "../errors";
import {
  changeNotice,
  type DeclareModalMetadata,
  declareModal,
  incidentLabel,
  incidentMessage,
  type LastAction,
  person,
  updateText,
} from "../messages";
import { usableName } from "../user-names";
import { ephemeral, inChannel, subcommands } from "./context";

export const LIFECYCLE_COMMANDS = subcommands(
  ["declare_modal", "declare", "ack", "mitigate", "resolve", "severity", "assign", "update", "reopen"],
  async (ctx, call, command) => {
    const { deps, actions, now, url, who, displayName, enqueue, announce } = ctx;
    const { body, client, scope, actor, check, find } = call;
    const changeTo = async (
      act: "ack" | "mitigate" | "resolve",
      to: Exclude<IncidentStatus, "declared">,
      number: number | undefined,
      summary?: string,
    ) => {
      const incident = await find(number, USAGE[act]);
      check(act, incident);
      const after = await changeStatus(actions, incident.id, summary ? { to, summary } : { to });
      return inChannel(changeNotice(after, to, actor));
    };

    switch (command.kind) {
      case "declare_modal": {
        check("declare");
        const metadata: DeclareModalMetadata = { channel_id: body.channel_id };
        await client.views.open({ trigger_id: body.trigger_id, view: declareModal(metadata) });
        return undefined;
      }
      case "declare": {
        check("declare");
        const incident = await declareIncident(actions, {
          title: command.title,
          ...(command.severity ? { severity: command.severity } : {}),
          ...(command.services ? { services: command.services } : {}),
        });
        scope.incident = incident;
        const lastAction: LastAction = {
          verb: "Declared",
          userId: body.user_id,
          userName: body.user_name,
          at: now(),
        };
        const posted = await announce(client, body.channel_id, incident, lastAction);
        await enqueue({
          type: "slack.incident_declared",
          incidentId: incident.id,
          number: incident.number,
          declaredBy: body.user_id,
          channelId: body.channel_id,
          ...(posted ? { message: posted } : {}),
        });
        if (!posted) return inChannel(incidentMessage(incident, { lastAction, incidentUrl: url(incident) }));
        return ephemeral(
          `Declared ${incidentLabel(incident)}. Take command with \`/incident assign ic @you INC-${incident.number}\` or the Take IC button.`,
        );
      }
      case "ack":
        return changeTo("ack", "acknowledged", command.number);
      case "mitigate":
        return changeTo("mitigate", "mitigated", command.number);
      case "resolve": {
        const reply = await changeTo("resolve", "resolved", command.number, command.summary);
        return { ...reply, text: `${reply.text}. A postmortem draft is on its way.` };
      }
      case "severity": {
        const incident = await find(command.number, USAGE.severity);
        check("severity", incident);
        const lowering = lowersSeverity(incident.severity, command.severity);
        if (lowering && !command.reason)
          throw new SlackUserError(
            "reason_required",
            `Lowering ${incidentLabel(incident)} from ${incident.severity} to ${command.severity} needs a reason: add it after the incident.`,
            USAGE.severity,
          );
        const result = await changeSeverity(actions, incident.id, {
          severity: command.severity,
          ...(command.reason ? { reason: command.reason } : {}),
        });
        if (!result.changed) return ephemeral(`${incidentLabel(incident)} is already ${command.severity}.`);
        const verb = lowering ? "lowered" : "raised";
        return inChannel(
          changeNotice(
            result.incident,
            `severity ${verb} from ${incident.severity} to ${command.severity}${command.reason ? `: ${escapeMrkdwnWithin(command.reason, 500)}` : ""}`,
            actor,
          ),
        );
      }
      case "assign": {
        const incident = await find(command.number, USAGE.assign);
        check("assign", incident, { role: command.role, personId: command.userId });
        // Recorded as the directory person when the mentioned user is one (one identity per person).
        const assignee = await who(command.userId);
        const holderId = incident.roles?.[command.role]?.personId;
        if (holderId === command.userId || (assignee.personId && holderId === assignee.personId))
          return ephemeral(
            `${person(command.userId, command.userName)} is already ${command.role.toUpperCase()} of INC-${incident.number}.`,
          );
        const assigneeName =
          assignee.personName ??
          (await displayName(command.userId)) ??
          usableName(command.userId, command.userName);
        const after = await assignRole(actions, incident.id, {
          role: command.role,
          personId: assignee.personId ?? command.userId,
          ...(assigneeName ? { personName: assigneeName } : {}),
          // Only a directory person can be paged; `--page` / `--no-page` override the default.
          ...(assignee.personId
            ? command.page === undefined
              ? {}
              : { page: command.page }
            : { page: false }),
        });
        await enqueue({
          type: "slack.role_assigned",
          incidentId: after.id,
          number: after.number,
          role: command.role,
          slackUserId: command.userId,
          assignedBy: body.user_id,
        });
        return inChannel(
          changeNotice(
            after,
            `now has ${person(command.userId, command.userName)} as ${command.role.toUpperCase()}`,
            actor,
          ),
        );
      }
      case "update": {
        const incident = await find(command.number, USAGE.update);
        check("update", incident);
        const after = await postUpdate(actions, incident.id, {
          text: command.text,
          temporary: command.temporary,
          public: command.public,
        });
        // The Slack worker posts every update in the incident channel: typed there, no echo.
        if ((await deps.channelIncident?.(body.channel_id)) === after.id)
          return ephemeral(`Update recorded on ${incidentLabel(after)}; it is posted in this channel.`);
        return inChannel(
          updateText(after, command, {
            id: body.user_id,
            ...(body.user_name ? { name: body.user_name } : {}),
          }),
        );
      }
      case "reopen": {
        const incident = await find(command.number, USAGE.reopen);
        check("reopen", incident);
        if (incident.status !== "resolved")
          throw new SlackUserError(
            "not_resolved",
            `INC-${incident.number} is ${incident.status}, not resolved: there is nothing to reopen.`,
          );
        const after = await reopenIncident(actions, incident.id, { reason: command.reason });
        return inChannel(
          changeNotice(
            after,
            `is reopened: ${escapeMrkdwnWithin(command.reason, 500)}. Paging starts again`,
            actor,
          ),
        );
      }
    }
  },
);
