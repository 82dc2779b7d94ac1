/** `/incident merge`, `link` and `unlink`: a duplicate into the incident that survives, related incidents. */
import { linkIncidents, mergeIncident, unlinkIncidents } from "@firebreak/core/incident/merge";
import { oneLine } from "@firebreak/core/paging/messages";
import { escapeMrkdwnWithin } from "@firebreak/core/paging/slack-message";
import { USAGE } from "../commands";
import { SlackUserError } from "../errors";
import { changeNotice, incidentLabel } from "../messages";
import { ephemeral, inChannel, subcommands } from "./context";

export const LINK_COMMANDS = subcommands(["merge", "link", "unlink"], async (ctx, call, command) => {
  const { actions } = ctx;
  const { actor, check, find } = call;
  switch (command.kind) {
    case "merge": {
      const duplicate = await find(command.number, USAGE.merge);
      check("merge", duplicate);
      const survivor = await find(command.into, USAGE.merge);
      const result = await mergeIncident(
        actions,
        duplicate.id,
        { into: survivor.id, ...(command.reason ? { reason: command.reason } : {}) },
        actor,
      );
      if (!result.changed)
        return ephemeral(`INC-${duplicate.number} was merged into INC-${survivor.number} already.`);
      const alarms = result.movedAlarms.length ? ` Its alarms now attach to INC-${survivor.number}.` : "";
      const why = command.reason ? `: ${escapeMrkdwnWithin(command.reason, 500)}` : "";
      return inChannel(
        `${changeNotice(result.incident, `was merged into ${incidentLabel(survivor)} *${escapeMrkdwnWithin(oneLine(survivor.title), 300)}*`, actor)}${why}. It is resolved and its pages stop: follow INC-${survivor.number} from now on.${alarms}`,
      );
    }
    case "link":
    case "unlink": {
      const usage = USAGE[command.kind];
      const incident = await find(command.number, usage);
      check("link", incident);
      const other = await find(command.other, usage);
      if (other.id === incident.id)
        throw new SlackUserError(
          "invalid_argument",
          `${incidentLabel(incident)} cannot be ${command.kind === "link" ? "linked to" : "unlinked from"} itself.`,
          usage,
        );
      const result =
        command.kind === "link"
          ? await linkIncidents(
              actions,
              incident.id,
              { other: other.id, ...(command.reason ? { reason: command.reason } : {}) },
              actor,
            )
          : await unlinkIncidents(actions, incident.id, other.id, actor);
      const pair = `INC-${incident.number} and INC-${other.number}`;
      if (!result.changed)
        return ephemeral(`${pair} ${command.kind === "link" ? "are linked already" : "are not linked"}.`);
      const why =
        command.kind === "link" && command.reason ? `: ${escapeMrkdwnWithin(command.reason, 500)}` : "";
      return inChannel(
        `${changeNotice(
          incident,
          command.kind === "link"
            ? `is linked to ${incidentLabel(other)} *${escapeMrkdwnWithin(oneLine(other.title), 300)}*`
            : `is no longer linked to ${incidentLabel(other)}`,
          actor,
        )}${why}`,
      );
    }
  }
});
