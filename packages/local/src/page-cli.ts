/**
 * `firebreak page test --person alice | --team checkout | --service checkout` (or `--id <test page>`
 * to follow one sent from Slack or the dashboard): sends a clearly marked test page
 * (core/paging/test-pages.ts) through the HTTP API (`POST /api/test-pages`) of the running local
 * server or `--url`, then polls its record (`GET /api/test-pages/{id}`) and prints each method's
 * outcome as it arrives. Exits 0 when every method was delivered (a call with no voice channel
 * here is skipped, not failed), 1 otherwise (a failure, or the record still pending at `--wait`).
 * `--ack` keeps waiting for each person to acknowledge too.
 */
import type { TestPageView } from "@firebreak/core/paging/test-pages";
import type { Command } from "commander";
import { type ApiOptions, type ApiTarget, apiTargetOf, callApi, withApiOptions } from "./api-client";
import { CliError } from "./cli-error";

export interface PageTestOptions {
  person?: string;
  team?: string;
  service?: string;
  id?: string;
  /** Seconds to wait for every outcome (and the acknowledgements with `ack`). */
  wait: number;
  ack?: boolean;
  output: "text" | "json";
}

const METHOD = { sms: "SMS", slack: "Slack DM", voice: "call" } as const;

/** Sends (or follows) a test page and prints its outcomes; answers the exit code (0: all delivered). */
export async function runPageTest(
  target: ApiTarget,
  options: PageTestOptions,
  print: (line: string) => void,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  pollMs = 500,
): Promise<number> {
  const given = (["person", "team", "service", "id"] as const).filter((k) => options[k] !== undefined);
  if (given.length !== 1)
    throw new CliError(
      "Name exactly one of --person <id>, --team <id>, --service <id> or --id <test page id>.",
    );
  let view: TestPageView;
  if (options.id)
    view = await callApi<TestPageView>(target, "GET", `/api/test-pages/${encodeURIComponent(options.id)}`);
  else {
    const kind = given[0] as "person" | "team" | "service";
    view = await callApi<TestPageView>(target, "POST", "/api/test-pages", { [kind]: options[kind] });
    if (options.output === "text")
      print(
        `Test page ${view.id} to ${view.people.map((p) => p.name).join(", ")} (${view.target.kind} ${view.target.name}): no incident is opened.`,
      );
  }
  const shown = new Set<string>();
  const show = (v: TestPageView) => {
    if (options.output !== "text") return;
    for (const person of v.people) {
      for (const m of person.methods) {
        const key = `${person.personId}:${m.method}:${m.status}`;
        if (m.status === "pending" || m.status === "sending" || shown.has(key)) continue;
        shown.add(key);
        const what =
          m.status === "delivered"
            ? `delivered at ${m.deliveredAt}`
            : m.status === "skipped"
              ? `skipped: ${m.error?.message ?? "not configured"}`
              : `FAILED: ${m.error?.code ?? "error"}: ${m.error?.message ?? ""}`;
        print(`  ${person.name}: ${METHOD[m.method]} ${what}`);
      }
      const ackKey = `${person.personId}:ack`;
      if (person.acknowledgedAt && !shown.has(ackKey)) {
        shown.add(ackKey);
        print(
          `  ${person.name}: acknowledged at ${person.acknowledgedAt} (${person.acknowledgedVia === "sms_reply" ? "SMS reply" : "link"})`,
        );
      }
    }
  };
  const deadline = Date.now() + options.wait * 1000;
  const finished = (v: TestPageView) => v.state === "done" && (!options.ack || v.acknowledged);
  show(view);
  let waited = false;
  while (!finished(view) && Date.now() < deadline) {
    if (options.output === "text" && !waited)
      print(
        options.ack && view.state === "done"
          ? "Waiting for acknowledgements…"
          : "Waiting for each method's outcome…",
      );
    waited = true;
    await sleep(pollMs);
    view = await callApi<TestPageView>(target, "GET", `/api/test-pages/${view.id}`);
    show(view);
  }
  if (options.output === "json") print(JSON.stringify(view, null, 2));
  const ok = view.allDelivered && view.state === "done" && (!options.ack || view.acknowledged);
  if (options.output === "text") {
    if (view.state !== "done")
      print(`Still sending after ${options.wait} s: some outcomes are not recorded yet.`);
    else if (options.ack && !view.acknowledged) print(`Not acknowledged within ${options.wait} s.`);
    print(
      ok
        ? `Every method delivered${options.ack ? " and acknowledged" : ""}.`
        : view.allDelivered
          ? "Every method delivered; not everyone acknowledged."
          : "Not every method delivered.",
    );
    if (!options.ack && !view.acknowledged && view.state === "done")
      print(
        `Acknowledge it with the link in the SMS or Slack; follow it with: firebreak page test --id ${view.id} --ack`,
      );
  }
  return ok ? 0 : 1;
}

/** `serverUrl` is the CLI's own (cli.ts): --url, FIREBREAK_URL, the running server, or PORT. */
export function registerPageCommands(program: Command, serverUrl: (explicit?: string) => string): void {
  const page = program.command("page").description("paging checks: send a test page (no incident)");
  withApiOptions(
    page
      .command("test")
      .description(
        "send a clearly marked test page (no incident) to a person, a team's level-1 on-call or a service's, and print each method's outcome; exits 0 when every method delivered",
      )
      .option("--person <id>", "a person of the directory")
      .option("--team <id>", "a team: its level-1 on-call people now")
      .option("--service <id>", "a service: its owning team's level-1 on-call people")
      .option("--id <test page id>", "follow a test page already sent (from Slack or the dashboard)")
      .option("--wait <seconds>", "how long to wait for the outcomes", "60")
      .option("--ack", "wait for each person to acknowledge too"),
    "an API token (a person tests themselves; responders and admins anyone)",
  ).action(
    async (
      options: ApiOptions & {
        person?: string;
        team?: string;
        service?: string;
        id?: string;
        wait: string;
        ack?: boolean;
      },
    ) => {
      const target = apiTargetOf(options, serverUrl);
      const wait = Number(options.wait);
      if (!Number.isFinite(wait) || wait < 0 || wait > 3600)
        throw new CliError(`--wait: expected seconds between 0 and 3600, got "${options.wait}".`);
      const code = await runPageTest(
        target,
        {
          ...(options.person ? { person: options.person } : {}),
          ...(options.team ? { team: options.team } : {}),
          ...(options.service ? { service: options.service } : {}),
          ...(options.id ? { id: options.id } : {}),
          wait,
          ...(options.ack ? { ack: true } : {}),
          output: options.output as "text" | "json",
        },
        (line) => console.log(line),
      );
      process.exitCode = code;
    },
  );
}
