import { indexDirectory } from "@firebreak/core/oncall/directory-index";
import { addShiftOverride, cancelShiftOverride } from "@firebreak/core/oncall/override-actions";
import { parseShiftTime } from "@firebreak/core/oncall/override-requests";
import { liveOverrides, type ShiftOverride } from "@firebreak/core/oncall/shift-overrides";
import { oneLine } from "@firebreak/core/paging/messages";
import { escapeMrkdwnWithin } from "@firebreak/core/paging/slack-message";
import { NotFoundError } from "@firebreak/core/shared/errors";
import { USAGE } from "../commands";
import { SlackUserError } from "../errors";
import { slackDate } from "../messages";
import { ephemeral, inChannel, subcommands } from "./context";

/** `/incident cover …`: take, give away or cancel a shift (core/oncall/override-actions.ts). */
export const COVER_COMMANDS = subcommands(
  ["cover", "cover_list", "cover_cancel"],
  async (ctx, call, command) => {
    const { deps, clock, policy, who } = ctx;
    const { actor, me, check } = call;
    const store = deps.overrides;
    const directory = await deps.directory?.();
    if (!store || !directory)
      throw new SlackUserError(
        "not_configured",
        "There is no on-call directory yet: apply one (firebreak directory apply).",
      );
    const index = indexDirectory(directory);
    const name = (personId: string) =>
      escapeMrkdwnWithin(oneLine(index.people.get(personId)?.name ?? personId), 100);
    const line = (o: ShiftOverride) =>
      `*${o.id}* ${name(o.personId)} on call in ${escapeMrkdwnWithin(o.rotationId, 64)} · ${slackDate(o.from)} → ${slackDate(o.to)}${o.reason ? ` · ${escapeMrkdwnWithin(oneLine(o.reason), 200)}` : ""}`;
    if (command.kind === "cover_list") {
      const live = liveOverrides((await store.getOverrides()).items, clock.now());
      return ephemeral(
        live.length
          ? [`*Shift overrides (${live.length})*`, ...live.map(line)].join("\n")
          : "No shift overrides.",
      );
    }
    check("cover");
    const requester = {
      actor,
      ...(me.personId ? { personId: me.personId } : {}),
      admin: policy.admins.includes(me.slackUserId),
    };
    const od = { directory: store, ...(deps.clock ? { clock: deps.clock } : {}) };
    if (command.kind === "cover_cancel") {
      const cancelled = await cancelShiftOverride(od, command.id, requester).catch((error: unknown) => {
        if (error instanceof NotFoundError)
          throw new SlackUserError(
            "not_found",
            `${command.id} is not a shift override that has not ended.`,
            USAGE.cover,
          );
        throw error;
      });
      return inChannel(
        `✖️ ${line(cancelled)}: cancelled by ${escapeMrkdwnWithin(oneLine(actor.name ?? actor.id), 100)}`,
      );
    }
    const taker = command.self ? me : await who(command.userId!);
    if (!taker.personId)
      throw new SlackUserError(
        "not_in_directory",
        `${command.self ? "You are" : `@${oneLine(command.userName ?? command.userId ?? "")} is`} not in the on-call directory: only its people can be on call.`,
        USAGE.cover,
      );
    // Times are read in the requester's own time zone (the directory's), else the rotation's.
    const zone =
      (me.personId ? index.people.get(me.personId)?.timezone : undefined) ??
      (command.rotation ? index.rotations.get(command.rotation)?.rotation.timezone : undefined) ??
      deps.timezone ??
      "UTC";
    const at = (text: string, what: string) => {
      const instant = parseShiftTime(text, zone);
      if (!instant)
        throw new SlackUserError(
          "invalid_argument",
          `${what} "${oneLine(text)}" is not a time: write YYYY-MM-DD HH:MM.`,
          USAGE.cover,
        );
      return instant.toISOString();
    };
    const override = await addShiftOverride(
      od,
      {
        personId: taker.personId,
        from: at(command.from, "from"),
        to: at(command.to, "to"),
        ...(command.rotation ? { rotationId: command.rotation } : {}),
        ...(command.reason ? { reason: command.reason } : {}),
      },
      requester,
    );
    return inChannel(
      `🔁 ${line(override)} (times read in ${escapeMrkdwnWithin(zone, 64)}), by ${escapeMrkdwnWithin(oneLine(actor.name ?? actor.id), 100)}. Cancel with \`/incident cover cancel ${override.id}\`.`,
    );
  },
);
