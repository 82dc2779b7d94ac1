/**
 * The CLI's calls to the HTTP API of the running local server or `--url` (a deployed API), with an
 * API token (`--token` or FIREBREAK_TOKEN): the token's person is the one recorded as acting.
 */
import type { Command } from "commander";
import { CliError } from "./cli-error";

export interface ApiTarget {
  url: string;
  token?: string;
}

/** One API call; a refusal becomes a CliError with the API's own detail and issues. */
export async function callApi<T>(
  target: ApiTarget,
  method: "GET" | "POST" | "DELETE",
  path: string,
  body?: unknown,
): Promise<T> {
  const bearer = target.token ?? process.env.FIREBREAK_TOKEN;
  if (!bearer)
    throw new CliError(
      "The API needs a token: run `npm run firebreak -- token create --user <id> --role responder`, then pass --token or set FIREBREAK_TOKEN.",
    );
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new CliError(
      `Could not reach Firebreak at ${target.url}. Start it with \`npm start\`, or pass --url.`,
    );
  }
  const json = (await response.json().catch(() => null)) as
    | (T & { detail?: string; issues?: { path: string; message: string }[] })
    | null;
  if (!response.ok) {
    const issues = json?.issues?.map((i) => `  ${i.path}: ${i.message}`) ?? [];
    throw new CliError(
      [`Firebreak refused (${response.status}): ${json?.detail ?? response.statusText}`, ...issues].join(
        "\n",
      ),
    );
  }
  return json as T;
}

/** The options of a command that calls the API and prints text or JSON. */
export interface ApiOptions {
  url?: string;
  token?: string;
  output: string;
}

/** Adds `--url`, `--token` (described by `token`) and `--output text|json` to a command. */
export function withApiOptions(cmd: Command, token: string): Command {
  return cmd
    .option("--url <url>", "Firebreak's URL (default: the running local server)")
    .option("--token <fbk_…>", `${token} (default: FIREBREAK_TOKEN)`)
    .option("--output <output>", "text or json", "text");
}

/** The API a command calls, its `--output` checked. */
export function apiTargetOf(options: ApiOptions, serverUrl: (explicit?: string) => string): ApiTarget {
  if (options.output !== "text" && options.output !== "json")
    throw new CliError(`--output: expected text or json, got "${options.output}".`);
  return { url: serverUrl(options.url), ...(options.token ? { token: options.token } : {}) };
}
