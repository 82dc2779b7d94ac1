/**
 * `firebreak change record <service> <summary>`: records a change (a deploy, a config change) to a
 * service through the HTTP API (`POST /api/changes`), e.g. as the last step of a deploy pipeline.
 * An incident's detail lists its services' changes from the two hours before it started.
 */
import type { Change } from "@firebreak/core/changes/change";
import type { Command } from "commander";
import { callApi } from "./api-client";

/** `serverUrl` is the CLI's own (cli.ts): --url, FIREBREAK_URL, the running server, or PORT. */
export function registerChangeCommands(program: Command, serverUrl: (explicit?: string) => string): void {
  const change = program.command("change").description("changes to services (deploys, config changes)");
  change
    .command("record")
    .description(
      'record a change, e.g. `record checkout "Deploy v42" --link https://ci.example.com/builds/42`',
    )
    .argument("<service>", "the service that changed")
    .argument("<summary>", "what changed, in one line")
    .option("--link <url>", "where to read more (the build, the pull request)")
    .option("--at <instant>", "when it happened (ISO 8601 with a zone; default now)")
    .option("--url <url>", "Firebreak's URL (default: the running local server)")
    .option("--token <fbk_…>", "an API token, responder or admin (default: FIREBREAK_TOKEN)")
    .action(
      async (
        service: string,
        summary: string,
        options: { link?: string; at?: string; url?: string; token?: string },
      ) => {
        const recorded = await callApi<Change>(
          { url: serverUrl(options.url), ...(options.token ? { token: options.token } : {}) },
          "POST",
          "/api/changes",
          {
            service,
            summary,
            ...(options.link ? { link: options.link } : {}),
            ...(options.at ? { at: options.at } : {}),
          },
        );
        console.log(`Recorded ${recorded.id}: ${recorded.service} at ${recorded.at}: ${recorded.summary}`);
      },
    );
}
