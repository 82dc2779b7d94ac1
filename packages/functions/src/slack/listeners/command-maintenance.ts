import { cancelWindow, listWindows, scheduleWindow, windowView } from "@firebreak/core/maintenance/actions";
import { oneLine } from "@firebreak/core/paging/messages";
import { escapeMrkdwnWithin } from "@firebreak/core/paging/slack-message";
import { FirebreakError, NotFoundError } from "@firebreak/core/shared/errors";
import { USAGE } from "../commands";
import { SlackUserError } from "../errors";
import { windowLine, windowScheduled, windowsList } from "../oncall-messages";
import { ephemeral, inChannel, subcommands } from "./context";

/** `/incident maintenance …`: schedule (in the channel), list (ephemeral), cancel (in the channel). */
export const MAINTENANCE_COMMANDS = subcommands(
  ["maintenance", "maintenance_list", "maintenance_cancel"],
  async (ctx, call, command) => {
    const { deps, clock } = ctx;
    const { actor, check } = call;
    if (!deps.maintenance)
      throw new SlackUserError(
        "not_configured",
        "Maintenance windows are not configured on this deployment.",
      );
    const md = { maintenance: deps.maintenance, ...(deps.clock ? { clock: deps.clock } : {}) };
    try {
      if (command.kind === "maintenance_list")
        return ephemeral(
          windowsList(
            await listWindows(md, command.service ? { service: command.service } : {}),
            command.service,
          ),
        );
      check("maintenance");
      if (command.kind === "maintenance_cancel") {
        const cancelled = windowView(await cancelWindow(md, command.ref, actor), clock.now());
        return inChannel(
          `✖️ *${cancelled.key}* cancelled by ${escapeMrkdwnWithin(oneLine(actor.name ?? actor.id), 100)}: alarms it held still firing open their incidents within a minute.\n${windowLine(cancelled)}`,
        );
      }
      const window = await scheduleWindow(
        md,
        {
          ...(command.services.length ? { services: command.services } : {}),
          ...(command.team ? { team: command.team } : {}),
          duration: command.duration,
          reason: command.reason,
        },
        actor,
      );
      return inChannel(windowScheduled(windowView(window, clock.now())));
    } catch (error) {
      // Said about the window, not "the incident" (errorText's wording for an incident's errors).
      if (
        error instanceof NotFoundError ||
        (error instanceof FirebreakError && error.code === "window_ended")
      )
        throw new SlackUserError(
          error.code,
          `${error.message.replace(/^maintenance window /, "")}.`,
          USAGE.maintenance,
        );
      throw error;
    }
  },
);
