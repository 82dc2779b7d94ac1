/**
 * The `/incident` command (see commands.ts for the language): parses the text, runs the subcommand
 * as the acting user and acks with the reply. `SUBCOMMANDS` says which module runs each subcommand.
 */
import { ActionItemStore } from "@firebreak/core/adapters/dynamodb/action-items/store";
import type { Incident } from "@firebreak/core/incident/model";
import { oneLine } from "@firebreak/core/paging/messages";
import { runAs } from "@firebreak/core/shared/actor";
import { multiLineText } from "@firebreak/core/shared/text";
import type { App, SlashCommand, webApi } from "@slack/bolt";
import { runActionItemCommand } from "../action-items";
import { type AssignableRole, type Command, parseCommand } from "../commands";
import { CommandSyntaxError } from "../errors";
import { INCIDENT_COMMAND } from "../ids";
import { helpMessage } from "../messages";
import { runMe } from "../notify-rules";
import { type Act, authorize } from "../permissions";
import { runTestPage } from "../test-page";
import { COVER_COMMANDS } from "./command-cover";
import { LIFECYCLE_COMMANDS } from "./command-lifecycle";
import { LINK_COMMANDS } from "./command-links";
import { MAINTENANCE_COMMANDS } from "./command-maintenance";
import { PAGING_COMMANDS } from "./command-paging";
import { READ_COMMANDS } from "./command-reads";
import {
  type CommandCall,
  ephemeral,
  inChannel,
  type Reply,
  type SlackContext,
  type Subcommand,
  type Subcommands,
  subcommands,
} from "./context";

/** `/incident action …` and `/incident actions …` (action-items.ts). */
const ACTION_ITEM_COMMANDS = subcommands(
  ["action", "action_status", "actions"],
  async (ctx, call, command) => {
    const { deps, clock, url } = ctx;
    const { body, actor, me, check, find } = call;
    const answer = await runActionItemCommand(command, {
      deps: {
        actionItems: new ActionItemStore(deps.store.db, deps.store.tableName),
        incidents: deps.store,
        directory: async () => deps.directory?.(),
        clock,
      },
      find,
      getIncident: (id) => deps.store.getIncident(id),
      actor,
      me,
      check,
      triggerId: body.trigger_id,
      incidentUrl: url,
    });
    return answer.inChannel ? inChannel(answer.text) : ephemeral(answer.text);
  },
);

/** Every subcommand and what runs it. */
const SUBCOMMANDS: Subcommands<Command["kind"]> = {
  help: async () => ephemeral(helpMessage()),
  ...LIFECYCLE_COMMANDS,
  ...LINK_COMMANDS,
  ...PAGING_COMMANDS,
  ...READ_COMMANDS,
  ...MAINTENANCE_COMMANDS,
  ...COVER_COMMANDS,
  me: async ({ deps }, { actor, me }, command) => ephemeral(await runMe(deps, command, actor, me)),
  test_page: async ({ deps }, { actor, me }, command) =>
    ephemeral(await runTestPage(deps, command, actor, me)),
  ...ACTION_ITEM_COMMANDS,
};

export function registerIncidentCommand(app: App, ctx: SlackContext): void {
  const { policy, who, actorFor, target, report } = ctx;

  const runCommand = async (
    body: SlashCommand,
    command: Command,
    client: webApi.WebClient,
    scope: { incident?: Incident },
  ): Promise<Reply | undefined> => {
    const me = await who(body.user_id);
    const actor = await actorFor({ id: body.user_id, name: body.user_name }, me);
    const check = (act: Act, incident?: Incident, assignment?: { role: AssignableRole; personId: string }) =>
      authorize(policy, act, incident, me, assignment);
    const find = (number: number | undefined, usage: string) => target(number, body.channel_id, usage, scope);
    const call: CommandCall = { body, client, scope, me, actor, check, find };
    // The table gives each kind the runner of that kind's command; TypeScript cannot pair the two here.
    const run = SUBCOMMANDS[command.kind] as Subcommand;
    return run(ctx, call, command);
  };

  app.command(INCIDENT_COMMAND, async ({ command: body, ack, client }) => {
    const scope: { incident?: Incident } = {};
    let reply: Reply | undefined;
    try {
      // Text enters here: well-formed (no lone surrogates), no stray control characters.
      const parsed = parseCommand(multiLineText(body.text));
      if (!parsed.ok) throw new CommandSyntaxError(parsed.error);
      const actor = await actorFor({ id: body.user_id, name: body.user_name }, await who(body.user_id));
      reply = await runAs(actor, () => runCommand(body, parsed.command, client, scope));
    } catch (error) {
      reply = ephemeral(report(error, scope.incident, `command "${oneLine(body.text).slice(0, 80)}"`));
    }
    await ack(reply);
  });
}
