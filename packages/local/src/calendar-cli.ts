/**
 * `firebreak calendar url person|rotation <id>`: the secret iCal URL of a person's or a rotation's
 * on-call shifts (core/oncall/ical.ts), through the HTTP API (`POST /api/calendars`). Each call
 * makes a new URL and the previous one stops working (rotation).
 */
import { CALENDAR_KINDS, type CalendarKind } from "@firebreak/core/oncall/ical";
import type { Command } from "commander";
import { callApi } from "./api-client";
import { CliError } from "./cli-error";

function kindOf(value: string): CalendarKind {
  if ((CALENDAR_KINDS as readonly string[]).includes(value)) return value as CalendarKind;
  throw new CliError(`kind: expected person or rotation, got "${value}".`);
}

/** `serverUrl` is the CLI's own (cli.ts): --url, FIREBREAK_URL, the running server, or PORT. */
export function registerCalendarCommands(program: Command, serverUrl: (explicit?: string) => string): void {
  const calendar = program
    .command("calendar")
    .description("iCal feeds of on-call shifts (overrides included)");
  calendar
    .command("url")
    .description("print a new secret iCal URL for a person or a rotation (the previous URL stops working)")
    .argument("<kind>", "person or rotation", kindOf)
    .argument("<id>", "the person's or the rotation's id in the directory")
    .option("--weeks <n>", "how many weeks ahead the feed shows (1–26)", "8")
    .option("--url <url>", "Firebreak's URL (default: the running local server)")
    .option(
      "--token <fbk_…>",
      "an API token (default: FIREBREAK_TOKEN): your own for your feed, an admin's for any",
    )
    .action(
      async (kind: CalendarKind, id: string, options: { weeks: string; url?: string; token?: string }) => {
        const weeks = Number(options.weeks);
        if (!Number.isInteger(weeks) || weeks < 1 || weeks > 26)
          throw new CliError(`--weeks: expected a whole number from 1 to 26, got "${options.weeks}".`);
        const base = serverUrl(options.url).replace(/\/+$/, "");
        const created = await callApi<{ path: string }>(
          { url: base, ...(options.token ? { token: options.token } : {}) },
          "POST",
          "/api/calendars",
          { kind, id },
        );
        console.log(`${base}${created.path}${weeks === 8 ? "" : `?weeks=${weeks}`}`);
        console.error(
          `Subscribe to it in your calendar app (it refreshes hourly). Anyone with the URL sees the ${kind}'s shifts; run this again to rotate it.`,
        );
      },
    );
}
