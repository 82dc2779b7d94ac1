/** `/incident page`, `escalate` and `repage` (entries the pager acts on), and `oncall` (who is on call now). */
import { requestEscalation, requestResponders } from "@firebreak/core/incident/responders";
import { onCallOverview } from "@firebreak/core/oncall/overview";
import { oneLine } from "@firebreak/core/paging/messages";
import { escapeMrkdwnWithin } from "@firebreak/core/paging/slack-message";
import { ValidationError } from "@firebreak/core/shared/errors";
import { USAGE } from "../commands";
import { SlackUserError } from "../errors";
import { changeNotice } from "../messages";
import { onCallMessage } from "../oncall-messages";
import { ephemeral, inChannel, subcommands } from "./context";

export const PAGING_COMMANDS = subcommands(["page", "escalate", "oncall"], async (ctx, call, command) => {
  const { deps, actions, clock } = ctx;
  const { actor, check, find } = call;
  switch (command.kind) {
    case "page": {
      const incident = await find(command.number, USAGE.page);
      check("page", incident);
      const { people } = await requestResponders(
        { ...actions, directory: async () => deps.directory?.() },
        incident.id,
        {
          ...(command.userId ? { personId: command.userId } : {}),
          ...(command.team ? { team: command.team } : {}),
          ...(command.message ? { message: command.message } : {}),
        },
        actor,
      ).catch((error: unknown) => {
        if (error instanceof ValidationError && command.userId && error.issues[0]?.path === "personId")
          throw new SlackUserError(
            "not_in_directory",
            `@${oneLine(command.userName ?? command.userId)} is not in the on-call directory: Firebreak has no way to page them.`,
            USAGE.page,
          );
        throw error;
      });
      const names = people.map((p) => escapeMrkdwnWithin(oneLine(p.name), 100)).join(", ");
      return inChannel(
        changeNotice(
          incident,
          `is paging ${names}${command.team ? ` (team ${escapeMrkdwnWithin(command.team, 64)}'s on-call)` : ""}${command.message ? `: ${escapeMrkdwnWithin(command.message, 500)}` : ""}`,
          actor,
        ),
      );
    }
    case "oncall": {
      const directory = await deps.directory?.();
      if (!directory)
        throw new SlackUserError(
          "not_configured",
          "There is no on-call directory yet: apply one (firebreak directory apply).",
        );
      const filter = {
        ...(command.service ? { service: command.service } : {}),
        ...(command.team ? { team: command.team } : {}),
      };
      return ephemeral(onCallMessage(onCallOverview(directory, clock.now(), filter), filter));
    }
    case "escalate": {
      const usage = command.mode === "repage" ? USAGE.repage : USAGE.escalate;
      const incident = await find(command.number, usage);
      check("escalate", incident);
      await requestEscalation(
        actions,
        incident.id,
        { mode: command.mode, ...(command.reason ? { reason: command.reason } : {}) },
        actor,
      );
      const what =
        command.mode === "repage"
          ? "is paging the current level again"
          : "is escalating to the next level now";
      return inChannel(
        changeNotice(
          incident,
          `${what}${command.reason ? `: ${escapeMrkdwnWithin(command.reason, 500)}` : ""}`,
          actor,
        ),
      );
    }
  }
});
