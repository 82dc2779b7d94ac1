/**
 * `firebreak integration create|list|revoke`: the integration keys of the alert endpoints
 * (core/integrations/keys.ts), through the HTTP API (`/api/integrations`, admin) of the running
 * local server or `--url` (a deployed API). `create` prints the key once, with the URL and the
 * sender's configuration that uses it.
 */
import {
  INTEGRATION_FORMATS,
  type IntegrationFormat,
  type IntegrationKey,
} from "@firebreak/core/integrations/keys";
import type { Command } from "commander";
import { type ApiOptions, apiTargetOf, callApi, withApiOptions } from "./api-client";
import { CliError } from "./cli-error";

type Options = ApiOptions;

/** How a sender is pointed at Firebreak with this key: the lines to paste into its configuration. */
export function senderSetup(format: IntegrationFormat, url: string, key: string): string[] {
  switch (format) {
    case "alertmanager":
      return [
        "In alertmanager.yml, a receiver:",
        "  receivers:",
        "    - name: firebreak",
        "      webhook_configs:",
        `        - url: ${url}`,
        "          send_resolved: true",
        "          http_config:",
        "            authorization:",
        "              type: Bearer",
        `              credentials: ${key}`,
      ];
    case "pagerduty":
      return [
        `Send PagerDuty Events API v2 events to ${url} with "routing_key": "${key}"`,
        "(the same JSON as to https://events.pagerduty.com/v2/enqueue: only the host changes).",
      ];
    case "sns":
      return [
        "Subscribe the SNS topic your alarms notify (Firebreak confirms the subscription itself):",
        `  aws sns subscribe --topic-arn <topic ARN> --protocol https --notification-endpoint ${url}/${key}`,
        "(locally, SNS cannot reach this machine: this is for a deployed API URL).",
      ];
    case "opsgenie":
      return [
        `Point the Opsgenie API URL at ${url.replace(/\/v2\/alerts$/, "")} (create: POST /v2/alerts; close and acknowledge by alias)`,
        `with the header "Authorization: GenieKey ${key}".`,
      ];
  }
}

export function formatIntegration(k: IntegrationKey): string {
  const maps = [k.service ? `service ${k.service}` : undefined, k.team ? `team ${k.team}` : undefined]
    .filter(Boolean)
    .join(", ");
  const state = k.revokedAt
    ? `revoked ${k.revokedAt}`
    : k.lastUsedAt
      ? `last used ${k.lastUsedAt}`
      : "never used";
  return `${k.id}  ${k.format.padEnd(12)} ${k.name}${maps ? ` (${maps})` : ""}  ${state}`;
}

function format(value: string): IntegrationFormat {
  if ((INTEGRATION_FORMATS as readonly string[]).includes(value)) return value as IntegrationFormat;
  throw new CliError(`format: expected one of ${INTEGRATION_FORMATS.join(", ")}, got "${value}".`);
}

/** `serverUrl` is the CLI's own (cli.ts): --url, FIREBREAK_URL, the running server, or PORT. */
export function registerIntegrationCommands(
  program: Command,
  serverUrl: (explicit?: string) => string,
): void {
  const integration = program
    .command("integration")
    .description("integration keys of the alert endpoints (Alertmanager, PagerDuty Events v2, Opsgenie)");
  const withApi = (cmd: Command) => withApiOptions(cmd, "an admin API token");
  const targetOf = (options: Options) => apiTargetOf(options, serverUrl);

  withApi(
    integration
      .command("create")
      .description("create a key for a sender (shown once), e.g. `create alertmanager --name prometheus-eu`")
      .argument("<format>", INTEGRATION_FORMATS.join(", "), format)
      .requiredOption("--name <text>", "what sends with it (shown on its incidents)")
      .option("--service <service>", "the service of its alerts when an alert names none")
      .option("--team <team>", "the owning team (a directory team id) when an alert names none"),
  ).action(
    async (kind: IntegrationFormat, options: Options & { name: string; service?: string; team?: string }) => {
      const target = targetOf(options);
      const created = await callApi<IntegrationKey & { key: string; path: string }>(
        target,
        "POST",
        "/api/integrations",
        {
          format: kind,
          name: options.name,
          ...(options.service ? { service: options.service } : {}),
          ...(options.team ? { team: options.team } : {}),
        },
      );
      if (options.output === "json") {
        console.log(JSON.stringify(created, null, 2));
        return;
      }
      const url = `${target.url.replace(/\/+$/, "")}${created.path}`;
      console.log(created.key);
      console.error(
        [
          `Integration key ${created.id} (${formatIntegration(created)}). It is shown once; revoke with \`firebreak integration revoke ${created.id}\`.`,
          ...senderSetup(kind, url, created.key),
        ].join("\n"),
      );
    },
  );

  withApi(integration.command("list").description("the integration keys (never the keys themselves)")).action(
    async (options: Options) => {
      const { items } = await callApi<{ items: IntegrationKey[] }>(
        targetOf(options),
        "GET",
        "/api/integrations",
      );
      if (options.output === "json") console.log(JSON.stringify(items, null, 2));
      else if (items.length === 0)
        console.log(
          "No integration keys. Create one with `firebreak integration create <format> --name <name>`.",
        );
      else for (const item of items) console.log(formatIntegration(item));
    },
  );

  withApi(
    integration
      .command("revoke")
      .description("revoke a key: its sender is refused at once")
      .argument("<id>", "the key's id (from `integration list`)"),
  ).action(async (id: string, options: Options) => {
    const revoked = await callApi<IntegrationKey>(
      targetOf(options),
      "DELETE",
      `/api/integrations/${encodeURIComponent(id)}`,
    );
    if (options.output === "json") console.log(JSON.stringify(revoked, null, 2));
    else console.log(`Revoked: ${formatIntegration(revoked)}`);
  });
}
