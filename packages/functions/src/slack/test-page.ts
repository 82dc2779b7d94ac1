/**
 * `/incident test-page [@user|me|<person>|team:<id>|service:<id>|<team or service>]`: sends a
 * clearly marked test page (core/paging/test-pages.ts) through the whole path, and answers with
 * its id, who it goes to and where to follow it (`firebreak page test`, the dashboard, the API).
 * With no target, the person typing tests themselves. A bare word is a person's id, else a team's,
 * else a service's (parsed by `parseTestPage`, command-args-oncall.ts). Directory people may test
 * anyone (they are responders); others nobody.
 */

import type { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import type { TestPageRequestStore } from "@firebreak/core/adapters/dynamodb/paging/test-page-request-store";
import type { Actor } from "@firebreak/core/incident/model";
import { escapeMrkdwnWithin } from "@firebreak/core/paging/slack-message";
import { requestTestPage, type TestPageTarget } from "@firebreak/core/paging/test-pages";
import type { Clock } from "@firebreak/core/shared/clock";
import { FirebreakError, ValidationError } from "@firebreak/core/shared/errors";
import type { Command } from "./command-types";
import { quote, USAGE } from "./command-usage";
import { SlackUserError } from "./errors";
import type { Who } from "./permissions";

export type TestPageCommand = Extract<Command, { kind: "test_page" }>;

export interface SlackTestPageDeps {
  store: Pick<TestPageRequestStore, "create" | "get">;
  directory: Pick<DirectoryStore, "get">;
}

/** Which target the command names, by the applied directory. */
async function targetOf(deps: SlackTestPageDeps, command: TestPageCommand, me: Who): Promise<TestPageTarget> {
  if (command.self) {
    if (!me.personId)
      throw new SlackUserError(
        "not_in_directory",
        "You are not in the on-call directory: nobody pages you, so there is nothing to test.",
        USAGE["test-page"],
      );
    return { kind: "person", id: me.personId };
  }
  if (command.team) return { kind: "team", id: command.team };
  if (command.service) return { kind: "service", id: command.service };
  const directory = (await deps.directory.get())?.directory;
  if (!directory)
    throw new SlackUserError(
      "not_configured",
      "There is no on-call directory yet: apply one (firebreak directory apply).",
    );
  if (command.userId) {
    const person = directory.people.find((p) => p.slackUserId === command.userId);
    if (!person)
      throw new SlackUserError(
        "not_in_directory",
        "That Slack user is not in the on-call directory: nobody pages them.",
        USAGE["test-page"],
      );
    return { kind: "person", id: person.id };
  }
  const word = command.word ?? "";
  const lower = word.toLowerCase();
  const person = directory.people.find((p) => p.id === word || p.id.toLowerCase() === lower);
  if (person) return { kind: "person", id: person.id };
  const team = directory.teams.find((t) => t.id === word || t.id.toLowerCase() === lower);
  if (team) return { kind: "team", id: team.id };
  if (directory.teams.some((t) => t.services.some((s) => s.id === word)))
    return { kind: "service", id: word };
  throw new SlackUserError(
    "not_found",
    `No person, team or service ${quote(word)} in the on-call directory.`,
    USAGE["test-page"],
  );
}

export async function runTestPage(
  deps: { testPages?: SlackTestPageDeps; clock?: Clock },
  command: TestPageCommand,
  actor: Actor,
  me: Who,
): Promise<string> {
  const testPages = deps.testPages;
  if (!testPages)
    throw new SlackUserError(
      "not_configured",
      "Test pages are not available here: there is no on-call directory.",
    );
  const target = await targetOf(testPages, command, me);
  try {
    const view = await requestTestPage(
      {
        directory: testPages.directory,
        testPages: testPages.store,
        ...(deps.clock ? { clock: deps.clock } : {}),
      },
      target,
      { actor, ...(me.personId ? { personId: me.personId } : {}), anyone: Boolean(me.personId) },
    );
    const people = view.people
      .map((p) => `${escapeMrkdwnWithin(p.name, 100)} (${p.methods.map((m) => m.method).join(", ")})`)
      .join("; ");
    return [
      `🧪 Test page sent to ${people}: \`${view.id}\`. No incident is opened.`,
      `Each method's result: \`firebreak page test --id ${view.id}\`, the dashboard's On call page, or \`GET /api/test-pages/${view.id}\`.`,
    ].join("\n");
  } catch (error) {
    // Unknown, nobody on call, no method, not allowed, too soon: refusals said as they are.
    if (
      error instanceof FirebreakError &&
      !(error instanceof SlackUserError) &&
      !(error instanceof ValidationError)
    )
      throw new SlackUserError(
        error.code,
        `${error.message[0]?.toUpperCase() ?? ""}${error.message.slice(1)}.`,
        error.code === "rate_limited" ? undefined : USAGE["test-page"],
      );
    throw error;
  }
}
