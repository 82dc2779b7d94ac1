import { randomUUID } from "node:crypto";
import { commandBody } from "@firebreak/functions/slack/testing";
import { slackSignature } from "@firebreak/functions/slack/verify";
import { expect, inject, vi } from "vitest";
import { type LocalRuntime, type RuntimeOptions, startLocalRuntime } from "../../src/runtime";

/**
 * A local runtime for one test file: an ephemeral port, no data folder, no dashboard, the suite's
 * DynamoDB Local and a table of its own (named `<name>-<random>`, so files never share one).
 */
export function startTestRuntime(name: string, options: Partial<RuntimeOptions> = {}) {
  return startLocalRuntime({
    port: 0,
    dataDir: null,
    webDir: null,
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName: `${name}-${randomUUID().slice(0, 8)}`,
    ...options,
  });
}

/** `POST /events` with one alarm event, as EventBridge delivers it: 202, and its ingest result. */
export async function sendAlarmEvent(
  runtime: Pick<LocalRuntime, "url" | "eventHeaders">,
  body: object,
): Promise<{ outcome: string; incidentId?: string; incidentNumber?: number }> {
  const res = await fetch(`${runtime.url}/events`, {
    method: "POST",
    headers: runtime.eventHeaders,
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { results: { outcome: string; incidentId?: string }[] }).results[0]!;
}

/**
 * A JSON caller of the runtime's API with a bearer token: a GET without a body, a POST with one
 * (or `method`). Answers the status and the parsed body (undefined when it is not JSON).
 */
export function apiCaller(runtime: () => Pick<LocalRuntime, "url">, defaultToken: () => string) {
  return async (path: string, init: { body?: unknown; token?: string; method?: string } = {}) => {
    const res = await fetch(`${runtime().url}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: {
        authorization: `Bearer ${init.token ?? defaultToken()}`,
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the tests read several response shapes
    return { status: res.status, json: (await res.json().catch(() => undefined)) as any };
  };
}

/**
 * The first value of `fn` that is not undefined, asked every 100 ms until `timeout` (vi.waitFor):
 * what the runtime does asynchronously (outbox, workers) shows up within it.
 */
export function whenDefined<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  timeout = 30_000,
): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await fn();
      if (value === undefined) throw new Error("not there yet");
      return value;
    },
    { timeout, interval: 100 },
  );
}

/**
 * `/incident <text>` from a Slack user, signed with the runtime's signing secret at `at` (the
 * runtime checks the timestamp against its own clock): 200 and Slack's answer.
 */
export async function slashCommand(
  runtime: Pick<LocalRuntime, "url" | "slack">,
  text: string,
  userId: string,
  at: Date = new Date(),
): Promise<{ response_type?: string; text?: string }> {
  const body = commandBody({ text, user_id: userId, team_id: runtime.slack.teamId, command: "/incident" });
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const res = await fetch(`${runtime.url}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": slackSignature(runtime.slack.signingSecret, timestamp, body),
    },
    body,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { response_type?: string; text?: string };
}
