/**
 * `firebreak heartbeat create|list|delete`: heartbeats (core/heartbeats), through the HTTP API
 * (`/api/heartbeats`) of the running local server or `--url`. `create` prints the key once, with
 * the line a job runs to ping it.
 */
import type { Heartbeat } from "@firebreak/core/heartbeats/heartbeat";
import { formatDuration } from "@firebreak/core/shared/duration";
import type { Command } from "commander";
import { type ApiOptions, apiTargetOf, callApi, withApiOptions } from "./api-client";

type HeartbeatView = Heartbeat & { nextPingBy?: string };

type Options = ApiOptions;

export function formatHeartbeat(h: HeartbeatView): string {
  const every = `every ${formatDuration(h.intervalSeconds)} (+${formatDuration(h.graceSeconds)})`;
  const when =
    h.state === "new"
      ? "never pinged"
      : h.state === "down"
        ? `DOWN since ${h.downSince}, last ping ${h.lastPingAt}`
        : `last ping ${h.lastPingAt}, next by ${h.nextPingBy}`;
  return `${h.id.padEnd(24)} ${h.state.padEnd(5)} ${h.service} ${h.severity} ${every}  ${when}`;
}

/** `serverUrl` is the CLI's own (cli.ts): --url, FIREBREAK_URL, the running server, or PORT. */
export function registerHeartbeatCommands(program: Command, serverUrl: (explicit?: string) => string): void {
  const heartbeat = program
    .command("heartbeat")
    .description("heartbeats: monitors that must be pinged; a missed ping opens an incident");
  const withApi = (cmd: Command) => withApiOptions(cmd, "an API token; create and delete need admin");
  const targetOf = (options: Options) => apiTargetOf(options, serverUrl);

  withApi(
    heartbeat
      .command("create")
      .description(
        "create a heartbeat (its key is shown once), e.g. `create nightly-backup --service ledger --every 1d`",
      )
      .argument("<id>", "its id, in the ping URL: lowercase letters, digits, . _ -")
      .requiredOption("--service <service>", "the service whose incident a missed ping opens")
      .requiredOption("--every <duration>", 'how often it must be pinged: "5m", "1h", "1d"')
      .option("--grace <duration>", "how late a ping may be", "1m")
      .option("--name <text>", "what it watches (the incident's title says it)")
      .option("--team <team>", "the owning team, when not the service's")
      .option("--severity <sev>", "SEV1 … SEV5", "SEV3"),
  ).action(
    async (
      id: string,
      options: Options & {
        service: string;
        every: string;
        grace: string;
        name?: string;
        team?: string;
        severity: string;
      },
    ) => {
      const target = targetOf(options);
      const created = await callApi<HeartbeatView & { key: string; path: string }>(
        target,
        "POST",
        "/api/heartbeats",
        {
          id,
          service: options.service,
          interval: options.every,
          grace: options.grace,
          severity: options.severity.toUpperCase(),
          ...(options.name ? { name: options.name } : {}),
          ...(options.team ? { team: options.team } : {}),
        },
      );
      if (options.output === "json") {
        console.log(JSON.stringify(created, null, 2));
        return;
      }
      console.log(created.key);
      console.error(
        [
          `Heartbeat ${created.id} (${formatHeartbeat(created)}). Its key is shown once.`,
          "Ping it from the job, each time it succeeds:",
          `  curl -fsS -X POST -H "Authorization: Bearer ${created.key}" ${target.url.replace(/\/+$/, "")}${created.path}`,
        ].join("\n"),
      );
    },
  );

  withApi(heartbeat.command("list").description("every heartbeat and its state")).action(
    async (options: Options) => {
      const { items } = await callApi<{ items: HeartbeatView[] }>(
        targetOf(options),
        "GET",
        "/api/heartbeats",
      );
      if (options.output === "json") console.log(JSON.stringify(items, null, 2));
      else if (items.length === 0)
        console.log(
          "No heartbeats. Create one with `firebreak heartbeat create <id> --service <s> --every <d>`.",
        );
      else for (const item of items) console.log(formatHeartbeat(item));
    },
  );

  withApi(heartbeat.command("delete").description("delete a heartbeat").argument("<id>", "its id")).action(
    async (id: string, options: Options) => {
      const deleted = await callApi<HeartbeatView>(
        targetOf(options),
        "DELETE",
        `/api/heartbeats/${encodeURIComponent(id)}`,
      );
      if (options.output === "json") console.log(JSON.stringify(deleted, null, 2));
      else console.log(`Deleted: ${formatHeartbeat(deleted)}`);
    },
  );
}
