/**
 * `firebreak trace <INC-n | id>`: why an incident paged whom it paged, and why nobody else
 * (core/paging/trace.ts), through the HTTP API (`GET /api/incidents/{id}/trace`) of the running
 * local server or `--url`.
 */
import { type PageTrace, renderTrace } from "@firebreak/core/paging/trace";
import { type Command, InvalidArgumentError } from "commander";
import { type ApiOptions, apiTargetOf, callApi, withApiOptions } from "./api-client";

const incidentRef = (value: string): string => {
  if (/^INC-[1-9]\d{0,8}$/i.test(value) || /^[0-9A-HJKMNP-TV-Z]{26}$/.test(value)) return value.toUpperCase();
  throw new InvalidArgumentError("expected an incident key such as INC-42, or its id (a ULID).");
};

export function registerTraceCommand(program: Command, serverUrl: (explicit?: string) => string): void {
  withApiOptions(
    program
      .command("trace")
      .description("why an incident paged whom it paged, and why nobody else")
      .argument("<incident>", "INC-<n> or the incident's id", incidentRef),
    "an API token (viewer is enough)",
  ).action(async (incident: string, options: ApiOptions) => {
    const target = apiTargetOf(options, serverUrl);
    const trace = await callApi<PageTrace>(
      target,
      "GET",
      `/api/incidents/${encodeURIComponent(incident)}/trace`,
    );
    if (options.output === "json") console.log(JSON.stringify(trace, null, 2));
    else for (const line of renderTrace(trace)) console.log(line);
  });
}
