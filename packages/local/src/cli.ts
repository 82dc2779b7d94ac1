import { createHmac, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { TokenStore } from "@firebreak/core/adapters/dynamodb/auth/token-store";
import { createDocumentClient } from "@firebreak/core/adapters/dynamodb/client";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { AUTH_ROLES, type AuthRole } from "@firebreak/core/auth/roles";
import type { ServiceBudget } from "@firebreak/core/metrics/budget";
import { formatBudgetsTable, formatMetricsCsv, formatMetricsTable } from "@firebreak/core/metrics/format";
import type { MetricsReport } from "@firebreak/core/metrics/metrics";
import { Command, InvalidArgumentError } from "commander";
import { alarmStateChangeEvent } from "./alarm-events";
import { registerAlarmCommands } from "./alarms-cli";
import { registerCalendarCommands } from "./calendar-cli";
import { registerChangeCommands } from "./change-cli";
import { CliError } from "./cli-error";
import { registerDirectoryCommands } from "./directory-cli";
import { FAKE_TEAM_ID } from "./fake-slack";
import { registerHeartbeatCommands } from "./heartbeat-cli";
import { registerImportCommands } from "./import-cli";
import { registerIntegrationCommands } from "./integration-cli";
import { registerMaintenanceCommands } from "./maintenance-cli";
import { registerMigrateCommands } from "./migrate-cli";
import { registerPageCommands } from "./page-cli";
import { LOCAL_SIGNING_SECRET } from "./runtime";
import { registerTraceCommand } from "./trace-cli";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

function runtimeInfo(): { url?: string; slackTeamId?: string; dynamoEndpoint?: string; tableName?: string } {
  const runtimeFile = resolve(process.env.FIREBREAK_DATA_DIR ?? ".firebreak", "runtime.json");
  if (!existsSync(runtimeFile)) return {};
  try {
    return JSON.parse(readFileSync(runtimeFile, "utf8")) as ReturnType<typeof runtimeInfo>;
  } catch {
    return {};
  }
}

/** Sends a slash command to the local /slack/events, signed exactly as Slack signs it. */
async function sendSlashCommand(
  line: string,
  options: { user: string; channel: string; url?: string; team?: string },
) {
  const match = /^\s*(\/[a-z0-9_-]+)\s*([\s\S]*)$/i.exec(line);
  if (!match) throw new CliError('Expected a slash command, e.g. "/incident declare Checkout down sev1".');
  const teamId = options.team ?? process.env.SLACK_TEAM_ID ?? runtimeInfo().slackTeamId ?? FAKE_TEAM_ID;
  const body = new URLSearchParams({
    token: "local",
    team_id: teamId,
    team_domain: "local",
    channel_id: options.channel,
    channel_name: "local",
    user_id: options.user,
    user_name: options.user.toLowerCase(),
    command: match[1]!,
    text: match[2]!.trim(),
    api_app_id: "A0LOCAL",
    is_enterprise_install: "false",
    response_url: "http://127.0.0.1/slack-response-url-not-used-locally",
    trigger_id: `${Date.now()}.local.${randomUUID().slice(0, 8)}`,
  }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const secret = process.env.SLACK_SIGNING_SECRET ?? LOCAL_SIGNING_SECRET;
  const signature = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  const url = serverUrl(options.url);
  let response: Response;
  try {
    response = await fetch(`${url}/slack/events`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signature,
      },
      body,
    });
  } catch {
    throw new CliError(`Could not reach Firebreak at ${url}. Start it with \`npm start\`, or pass --url.`);
  }
  const text = await response.text();
  if (response.status >= 400) throw new CliError(`Slack endpoint answered ${response.status}: ${text}`);
  let answer: { text?: string; response_type?: string; blocks?: { text?: { text?: string } }[] } = {};
  try {
    answer = text ? JSON.parse(text) : {};
  } catch {
    answer = { text };
  }
  const lines = [answer.text ?? "", ...(answer.blocks ?? []).map((b) => b.text?.text ?? "")].filter(Boolean);
  console.log(`[${answer.response_type ?? "ephemeral"}] ${lines.join("\n") || "(acknowledged, no text)"}`);
}

/** Where the local server is: --url, FIREBREAK_URL, the running server's runtime.json, or PORT. */
function serverUrl(explicit?: string): string {
  if (explicit) return explicit.replace(/\/$/, "");
  if (process.env.FIREBREAK_URL) return process.env.FIREBREAK_URL.replace(/\/$/, "");
  const runtimeFile = resolve(process.env.FIREBREAK_DATA_DIR ?? ".firebreak", "runtime.json");
  if (existsSync(runtimeFile)) {
    try {
      const { url } = JSON.parse(readFileSync(runtimeFile, "utf8")) as { url?: unknown };
      if (typeof url === "string") return url;
    } catch {
      // a stale or half-written file: fall back to the default
    }
  }
  return `http://127.0.0.1:${process.env.PORT ?? 3000}`;
}

async function get(url: string, path: string, token?: string): Promise<{ status: number; body: unknown }> {
  let response: Response;
  const bearer = token ?? process.env.FIREBREAK_TOKEN;
  if (!bearer) {
    throw new CliError(
      "The API needs a token: run `npm run firebreak -- token create --user <id> --role viewer`, then pass --token or set FIREBREAK_TOKEN.",
    );
  }
  try {
    response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
  } catch {
    throw new CliError(`Could not reach Firebreak at ${url}. Start it with \`npm start\`, or pass --url.`);
  }
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** The local events token (`POST /events`): FIREBREAK_EVENTS_TOKEN, else the one `npm start` keeps in the data folder. */
function eventsToken(): string | undefined {
  if (process.env.FIREBREAK_EVENTS_TOKEN) return process.env.FIREBREAK_EVENTS_TOKEN;
  const file = resolve(process.env.FIREBREAK_DATA_DIR ?? ".firebreak", "events-token");
  return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
}

async function post(url: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  let response: Response;
  const token = eventsToken();
  try {
    response = await fetch(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  } catch {
    throw new CliError(`Could not reach Firebreak at ${url}. Start it with \`npm start\`, or pass --url.`);
  }
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

const severity = (value: string) => {
  if (!/^sev[1-5]$/i.test(value)) throw new InvalidArgumentError("expected sev1, sev2, sev3, sev4 or sev5.");
  return value.toLowerCase();
};
const service = (value: string) => {
  if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(value)) {
    throw new InvalidArgumentError(
      "expected a lowercase service name: letters, digits, . _ - (e.g. checkout).",
    );
  }
  return value;
};
const account = (value: string) => {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError("expected a 12-digit AWS account id.");
  return value;
};
const region = (value: string) => {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(value))
    throw new InvalidArgumentError("expected a region code like eu-west-1.");
  return value;
};
const format = (value: string) => {
  if (!["table", "json", "csv"].includes(value))
    throw new InvalidArgumentError("expected table, json or csv.");
  return value;
};
const alarmName = (value: string) => {
  if (value.trim().length === 0 || [...value].length > 255) {
    throw new InvalidArgumentError("an alarm name is 1 to 255 characters.");
  }
  return value;
};

interface AlarmOptions {
  service?: string;
  severity?: string;
  reason?: string;
  description?: string;
  account: string;
  region: string;
  url?: string;
}

async function sendAlarm(name: string, state: "ALARM" | "OK" | "INSUFFICIENT_DATA", options: AlarmOptions) {
  const event = alarmStateChangeEvent({ name, state, ...options });
  const url = serverUrl(options.url);
  const { status, body } = await post(url, "/events", event);
  if (status >= 400) {
    const detail = (body as { detail?: string }).detail ?? JSON.stringify(body);
    throw new CliError(`Firebreak refused the event (${status}): ${detail}`);
  }
  const results = (body as { results?: { outcome: string; incidentId?: string; incidentNumber?: number }[] })
    .results;
  console.log(`Sent ${state} for "${name}" (event ${event.id}).`);
  for (const r of results ?? []) {
    // The incident's page in the dashboard (the local server serves it), as people address it.
    const page = r.incidentNumber ? `INC-${r.incidentNumber}` : r.incidentId;
    const where = page ? ` → ${url}/incidents/${page}` : "";
    const key = r.incidentNumber ? `INC-${r.incidentNumber} ` : "";
    console.log(`  ${key}${r.outcome}${where}`);
  }
}

export function buildCli(): Command {
  const program = new Command("firebreak")
    .description("Firebreak's development CLI: drive the local runtime started by `npm start`.")
    .showHelpAfterError()
    .exitOverride();

  const alarm = program.command("alarm").description("simulate CloudWatch alarm state changes");
  const withAlarmOptions = (cmd: Command) =>
    cmd
      .option("--service <name>", "service the alarm belongs to (goes in the description)", service)
      .option("--severity <sevN>", "severity, sev1 … sev5 (goes in the description)", severity)
      .option("--reason <text>", "the state reason")
      .option("--description <text>", "more alarm description text")
      .option("--account <id>", "AWS account id", account, "123456789012")
      .option("--region <code>", "AWS region", region, "eu-west-1")
      .option("--url <url>", "Firebreak's URL (default: the running local server)");

  withAlarmOptions(alarm.command("fire").argument("<alarm-name>", "the alarm's name", alarmName))
    .description("send an OK → ALARM state change")
    .action((name: string, options: AlarmOptions) => sendAlarm(name, "ALARM", options));
  withAlarmOptions(alarm.command("ok").argument("<alarm-name>", "the alarm's name", alarmName))
    .description("send an ALARM → OK state change")
    .action((name: string, options: AlarmOptions) => sendAlarm(name, "OK", options));
  withAlarmOptions(alarm.command("insufficient").argument("<alarm-name>", "the alarm's name", alarmName))
    .description("send a change to INSUFFICIENT_DATA")
    .action((name: string, options: AlarmOptions) => sendAlarm(name, "INSUFFICIENT_DATA", options));
  program
    .command("slack")
    .description(
      "send a signed slash command to the local /slack/events, as Slack would, and print the answer",
    )
    .argument("<command>", 'the command line, e.g. "/incident declare Checkout down sev1 service:checkout"')
    .option("--user <id>", "the Slack user id sending it", "U0LOCALUSER")
    .option("--channel <id>", "the channel it is sent from", "C0LOCALCHAN")
    .option("--team <id>", "the workspace id (default: the local server's)")
    .option("--url <url>", "Firebreak's URL (default: the running local server)")
    .action((line: string, options: { user: string; channel: string; team?: string; url?: string }) =>
      sendSlashCommand(line, options),
    );

  registerDirectoryCommands(program);
  registerImportCommands(program);
  registerMigrateCommands(program);
  registerAlarmCommands(program);
  registerMaintenanceCommands(program, serverUrl);
  registerIntegrationCommands(program, serverUrl);
  registerHeartbeatCommands(program, serverUrl);
  registerTraceCommand(program, serverUrl);
  registerPageCommands(program, serverUrl);
  registerCalendarCommands(program, serverUrl);
  registerChangeCommands(program, serverUrl);

  program
    .command("report")
    .description(
      "incident metrics (MTTD, MTTA, MTTM, MTTR, MTBF) from postmortem metadata, and the error budgets of the SLOs (table and json; csv has the metrics only)",
    )
    .option("--since <when>", "window start: 30d, 12h, 2w or an ISO date", "30d")
    .option("--until <when>", "window end (default: now)")
    .option("--service <name>", "only this service", service)
    .option("--format <format>", "table, json or csv", format, "table")
    .option("--url <url>", "Firebreak's URL (default: the running local server)")
    .option("--token <fbk_…>", "an API token (default: FIREBREAK_TOKEN)")
    .action(
      async (options: {
        since: string;
        until?: string;
        service?: string;
        format: string;
        url?: string;
        token?: string;
      }) => {
        const query = new URLSearchParams({ since: options.since });
        if (options.until) query.set("until", options.until);
        if (options.service) query.set("service", options.service);
        const { status, body } = await get(serverUrl(options.url), `/api/metrics?${query}`, options.token);
        if (status >= 400) {
          throw new CliError(
            `Firebreak refused the report (${status}): ${(body as { detail?: string })?.detail ?? ""}`,
          );
        }
        const report = body as MetricsReport;
        if (options.format === "csv") {
          process.stdout.write(formatMetricsCsv(report));
          return;
        }
        const budgetQuery = options.service ? `?${new URLSearchParams({ service: options.service })}` : "";
        const budgets = await get(serverUrl(options.url), `/api/budgets${budgetQuery}`, options.token);
        if (budgets.status >= 400) {
          throw new CliError(
            `Firebreak refused the error budgets (${budgets.status}): ${(budgets.body as { detail?: string })?.detail ?? ""}`,
          );
        }
        const items = (budgets.body as { items: ServiceBudget[] }).items;
        if (options.format === "json") console.log(JSON.stringify({ ...report, budgets: items }, null, 2));
        else console.log(`${formatMetricsTable(report)}\n${formatBudgetsTable(items)}`);
      },
    );
  const token = program.command("token").description("API tokens for the local API (Authorization: Bearer)");
  token
    .command("create")
    .description("create an API token in the local table and print it (shown once)")
    .requiredOption("--user <id>", "who the token acts as (a directory person id)", personId)
    .requiredOption("--role <role>", "viewer, responder or admin", authRole)
    .option("--name <text>", "what the token is for", "cli")
    .action(async (options: { user: string; role: AuthRole; name: string }) => {
      const info = runtimeInfo();
      const endpoint = process.env.FIREBREAK_DYNAMO_ENDPOINT ?? info.dynamoEndpoint;
      const tableName = process.env.FIREBREAK_TABLE ?? info.tableName;
      if (!endpoint || !tableName) {
        throw new CliError(
          "Firebreak is not running here (no .firebreak/runtime.json). Start it with `npm start` first.",
        );
      }
      const db = createDocumentClient({ tableName, endpoint, maxAttempts: 2 });
      try {
        const directory = await new DirectoryStore(db, tableName).get();
        if (directory && !directory.directory.people.some((p) => p.id === options.user)) {
          throw new CliError(
            `--user: "${options.user}" is not a person in the on-call directory (${directory.directory.people
              .map((p) => p.id)
              .slice(0, 8)
              .join(", ")}…).`,
          );
        }
        const { token: secret, record } = await new TokenStore(db, tableName).create({
          name: options.name,
          role: options.role,
          userId: options.user,
        });
        console.log(secret);
        console.error(
          `Token ${record.id} (${record.role}, acts as ${record.userId}). It is shown once; revoke with DELETE /api/tokens/${record.id}.`,
        );
      } catch (error) {
        if (error instanceof CliError) throw error;
        throw new CliError(
          `Could not create the token in ${tableName} at ${endpoint}: ${(error as Error).message}`,
        );
      } finally {
        db.destroy();
      }
    });
  program
    .command("dead-letters")
    .description(
      "list what could not be processed and was set aside, with why: malformed alarm events, outbox records that can never be published (.firebreak/dead-letters.jsonl)",
    )
    .option("--source <name>", "only these: alarm-ingest, outbox, …")
    .option("--format <format>", "table or json", "table")
    .action((options: { source?: string; format: string }) => {
      const file = resolve(process.env.FIREBREAK_DATA_DIR ?? ".firebreak", "dead-letters.jsonl");
      const letters = readDeadLetters(file).filter((l) => !options.source || l.source === options.source);
      if (options.format === "json") {
        console.log(JSON.stringify(letters, null, 2));
        return;
      }
      if (letters.length === 0) {
        console.log(`No dead letters${options.source ? ` from ${options.source}` : ""} (${file}).`);
        return;
      }
      for (const letter of letters) console.log(`${letter.at}  ${letter.source}  ${letter.reason}`);
      console.error(
        `${letters.length} dead letter${letters.length === 1 ? "" : "s"} in ${file} (--format json shows each whole).`,
      );
    });
  return program;
}

/** The dead letters the local runtime kept, one JSON object a line (a torn last line is skipped). */
function readDeadLetters(file: string): Array<{ source: string; reason: string; at: string }> {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { source: string; reason: string; at: string }];
      } catch {
        return [];
      }
    });
}

const authRole = (value: string) => {
  if (!(AUTH_ROLES as readonly string[]).includes(value))
    throw new InvalidArgumentError("expected viewer, responder or admin.");
  return value as AuthRole;
};
const personId = (value: string) => {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value))
    throw new InvalidArgumentError("expected a person id from the directory, e.g. alice.");
  return value;
};

async function main(argv: string[]): Promise<number> {
  const program = buildCli();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    const code = (error as { code?: string; exitCode?: number }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help")
      return 0;
    if (code?.startsWith("commander.")) return (error as { exitCode?: number }).exitCode ?? 2;
    if (error instanceof CliError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("cli.ts")) {
  main(process.argv).then((code) => process.exit(code));
}
