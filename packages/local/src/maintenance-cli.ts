/**
 * `firebreak maintenance create|list|show|cancel`: maintenance windows (core/maintenance), through
 * the HTTP API (`/api/maintenance`) of the running local server or `--url` (a deployed API), with an
 * API token (`--token` or FIREBREAK_TOKEN): the token's person is the one recorded as acting, and
 * the server's clock decides what "now" is.
 */
import type { WindowView } from "@firebreak/core/maintenance/actions";
import { windowScope } from "@firebreak/core/maintenance/window";
import type { Command } from "commander";
import { type ApiTarget, callApi as api } from "./api-client";
import { CliError } from "./cli-error";

interface Options {
  url?: string;
  token?: string;
  format: string;
}

export function formatWindow(w: WindowView): string {
  const by = w.createdBy.name ?? w.createdBy.id;
  return `${w.key.padEnd(6)} ${w.state.padEnd(9)} ${w.from} → ${w.end}  ${windowScope(w)}: ${w.reason} (by ${by})`;
}

export function formatWindows(items: readonly WindowView[]): string[] {
  return items.length === 0
    ? ["No maintenance windows now, ahead, or in the last 7 days."]
    : items.map(formatWindow);
}

function print(options: Options, value: unknown, lines: string[]) {
  if (options.format === "json") console.log(JSON.stringify(value, null, 2));
  else for (const line of lines) console.log(line);
}

function checkFormat(format: string) {
  if (format !== "table" && format !== "json")
    throw new CliError(`--format: expected table or json, got "${format}".`);
}

/** `serverUrl` is the CLI's own (cli.ts): --url, FIREBREAK_URL, the running server, or PORT. */
export function registerMaintenanceCommands(
  program: Command,
  serverUrl: (explicit?: string) => string,
): void {
  const maintenance = program
    .command("maintenance")
    .description("maintenance windows: alarms of their services are held, not paged, until they end");
  const withApi = (cmd: Command) =>
    cmd
      .option("--url <url>", "Firebreak's URL (default: the running local server)")
      .option("--token <fbk_…>", "an API token (default: FIREBREAK_TOKEN)")
      .option("--format <format>", "table or json", "table");
  const targetOf = (options: Options): ApiTarget => {
    checkFormat(options.format);
    return { url: serverUrl(options.url), ...(options.token ? { token: options.token } : {}) };
  };

  withApi(
    maintenance
      .command("create")
      .description('schedule a window, e.g. `create checkout --for 2h --reason "database upgrade"`')
      .argument("[services...]", "the services whose alarms it holds")
      .option("--team <team>", "hold the alarms of this team's services")
      .option("--for <duration>", '"30m", "2h", "1h30m" or "1d" (default 1h, unless --to)')
      .option("--from <instant>", "when it begins (ISO 8601; default now)")
      .option("--to <instant>", "when it ends (ISO 8601), instead of --for")
      .requiredOption("--reason <text>", "why (shown on every alarm it holds)"),
  ).action(
    async (
      services: string[],
      options: Options & { team?: string; for?: string; from?: string; to?: string; reason: string },
    ) => {
      const target = targetOf(options);
      const view = await api<WindowView>(target, "POST", "/api/maintenance", {
        ...(services.length ? { services } : {}),
        ...(options.team ? { team: options.team } : {}),
        ...(options.from ? { from: options.from } : {}),
        ...(options.to ? { to: options.to } : { duration: options.for ?? "1h" }),
        reason: options.reason,
      });
      print(options, view, [`Scheduled ${formatWindow(view)}`]);
    },
  );

  withApi(
    maintenance
      .command("list")
      .description("windows now, ahead, and in the last 7 days")
      .option("--service <service>", "only this service's"),
  ).action(async (options: Options & { service?: string }) => {
    const query = options.service ? `?${new URLSearchParams({ service: options.service })}` : "";
    const { items } = await api<{ items: WindowView[] }>(
      targetOf(options),
      "GET",
      `/api/maintenance${query}`,
    );
    print(options, items, formatWindows(items));
  });

  withApi(
    maintenance
      .command("show")
      .description("a window with its held alarms and timeline")
      .argument("<window>", "MW-<n>"),
  ).action(async (ref: string, options: Options) => {
    const detail = await api<
      WindowView & {
        held: { name: string; state: string; stateTimestamp: string }[];
        timeline: { at: string; summary: string }[];
      }
    >(targetOf(options), "GET", `/api/maintenance/${encodeURIComponent(ref)}`);
    print(options, detail, [
      formatWindow(detail),
      ...(detail.held.length
        ? detail.held.map((h) => `  held: ${h.name} ${h.state} at ${h.stateTimestamp}`)
        : ["  no alarm held"]),
      ...detail.timeline.map((e) => `  ${e.at}  ${e.summary}`),
    ]);
  });

  withApi(
    maintenance
      .command("cancel")
      .description("end a window now; its held alarms are released within a minute")
      .argument("<window>", "MW-<n>"),
  ).action(async (ref: string, options: Options) => {
    const view = await api<WindowView>(
      targetOf(options),
      "POST",
      `/api/maintenance/${encodeURIComponent(ref)}/cancel`,
    );
    print(options, view, [`Cancelled ${formatWindow(view)}`]);
  });
}
