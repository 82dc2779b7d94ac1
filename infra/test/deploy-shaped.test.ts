/**
 * The product run with the values a deploy produces. The settings are not made up: they are read
 * from the functions of the deployed app, evaluated under Pulumi mocks for the region with the
 * longest API Gateway host (ap-southeast-2), with the deploy-time settings a team sets (admins, the
 * CloudFront dashboard URL, the Slack settings). The secrets have the shapes `sst secret set` is given
 * (docs/deploy.md). The local runtime reads the same setting and secret names as the functions, so
 * this is what production runs, with local adapters.
 *
 * Then the whole flow: alarm → incident → roles → pages on every channel → ack by the SMS's link →
 * resolve → postmortem. A default deploy once paged nobody because a long ack link made the SMS
 * renderer throw for every channel; this test fails if any channel does not deliver.
 */
import { createHmac, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { pinnedClock } from "../../packages/core/src/shared/clock";
import { alarmStateChangeEvent } from "../../packages/local/src/alarm-events";
import { type LocalRuntime, startLocalRuntime } from "../../packages/local/src/runtime";
import { whenDefined } from "../../packages/local/test/support/runtime";
import { type Evaluation, ensureSstInstall, evaluate, resourcesOf, TEST_CONFIG } from "./sst-harness";

/** What a team puts in `.env` for `sst deploy` (docs/deploy.md). */
const DEPLOY_SETTINGS = {
  ...TEST_CONFIG,
  FIREBREAK_ADMINS: "maria,U05MARIA13",
  FIREBREAK_DASHBOARD_URL: "https://d3k9x2m7q1w8ze.cloudfront.net",
  FIREBREAK_SLACK_ADMINS: "U05MARIA13",
  FIREBREAK_SLACK_BOT_ID: "B07FBRK0001",
  FIREBREAK_SLACK_BOT_USER_ID: "U07FBRK0001",
  FIREBREAK_SLACK_CHANNEL_SEVERITIES: "SEV1,SEV2",
  FIREBREAK_TIMEZONE: "Australia/Sydney",
  // Ingest settings reach the AlarmIngest function (they were not forwarded before).
  FIREBREAK_IGNORE_AUTOSCALING: "false",
  FIREBREAK_TAG_TEAM: "owner",
};

/** Secrets in the shapes `npx sst secret set` is given (docs/deploy.md §3). */
const SECRETS = {
  SlackSigningSecret: randomBytes(16).toString("hex"),
  SlackBotToken: `xoxb-2718281828459-3141592653589-${randomBytes(12).toString("base64url").slice(0, 24)}`,
  SlackTeamId: "T07FBRKTEAM",
  SlackClientId: "2718281828459.3141592653589",
  SlackClientSecret: randomBytes(16).toString("hex"),
  SessionKey: randomBytes(48).toString("base64"),
  AckKey: randomBytes(48).toString("base64"),
};

/** A week when checkout's level 1 (checkout-primary) is Alice, who has a phone and a Slack id. */
const clock = pinnedClock(new Date("2026-03-02T10:00:00Z"));

let app: Evaluation;
let settings: Record<string, string>;
let runtime: LocalRuntime;

/** Every FIREBREAK_* variable the deployed functions are given (one value per name). */
function functionSettings(evaluation: Evaluation): Record<string, string> {
  const found: Record<string, string> = {};
  for (const fn of resourcesOf(evaluation, "aws:lambda/function:Function")) {
    const variables = (fn.inputs.environment as { variables?: Record<string, unknown> } | undefined)
      ?.variables;
    for (const [name, raw] of Object.entries(variables ?? {})) {
      if (!name.startsWith("FIREBREAK_")) continue;
      const value = raw && typeof raw === "object" && "value" in raw ? String(raw.value) : String(raw);
      expect(found[name] ?? value, `${name} has one value across functions`).toBe(value);
      found[name] = value;
    }
  }
  return found;
}

beforeAll(async () => {
  await ensureSstInstall();
  app = await evaluate({
    region: "ap-southeast-2",
    env: DEPLOY_SETTINGS,
    secrets: Object.fromEntries(Object.entries(SECRETS).map(([k, v]) => [`SST_SECRET_${k}`, v])),
  });
  if (!app.ok) throw new Error(`run() failed under mocks:\n${app.error}`);
  settings = functionSettings(app);
  runtime = await deployShapedRuntime("cloudfront", settings);
}, 300_000);

afterAll(async () => {
  await runtime?.stop();
});

/** A local runtime with these settings and the deploy-shaped secrets. */
function deployShapedRuntime(name: string, settings: Record<string, string>): Promise<LocalRuntime> {
  return startLocalRuntime({
    port: 0,
    dataDir: null,
    webDir: null,
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName: `deploy-shaped-${name}-${process.pid}`,
    settings,
    slack: {
      signingSecret: SECRETS.SlackSigningSecret,
      teamId: SECRETS.SlackTeamId,
      botToken: SECRETS.SlackBotToken,
    },
    slackOidc: {
      clientId: SECRETS.SlackClientId,
      clientSecret: SECRETS.SlackClientSecret,
      teamId: SECRETS.SlackTeamId,
    },
    clock,
  });
}

/** Fires a SEV2 alarm on checkout (the pinned week's IC: Alice) and returns the incident id. */
async function fireAlarm(target: LocalRuntime): Promise<string> {
  const event = alarmStateChangeEvent({
    name: "sev2/checkout/5xx-rate",
    state: "ALARM",
    service: "checkout",
    severity: "sev2",
    account: "210987654321",
    region: "ap-southeast-2",
    at: new Date(clock.now().getTime() - 60_000),
  });
  const posted = await fetch(`${target.url}/events`, {
    method: "POST",
    headers: target.eventHeaders,
    body: JSON.stringify(event),
  });
  expect(posted.status).toBe(202);
  const { results } = (await posted.json()) as { results: { incidentId: string }[] };
  return results[0]!.incidentId;
}

type Page = { channel: string; state: string; target: { kind: string; personId?: string } };

/** The incident's first pages, once none is still being sent. */
async function settledPages(
  target: LocalRuntime,
  id: string,
  headers: Record<string, string>,
): Promise<Page[]> {
  return whenDefined(async () => {
    const res = await fetch(`${target.url}/api/pages?incident=${id}`, { headers });
    const { items } = (await res.json()) as { items: Page[] };
    return items.length > 0 && items.every((p) => p.state !== "requested") ? items : undefined;
  });
}

describe("a deploy-shaped local runtime", () => {
  it("is given the settings a deploy produces: the ack base, the CloudFront dashboard, admins, Slack", () => {
    // The ack links are built on the dashboard's CloudFront host, which routes /ack to the API.
    expect(settings.FIREBREAK_ACK_BASE_URL).toBe(`${app.outputs?.web}/ack`);
    expect(settings.FIREBREAK_ACK_BASE_URL).toMatch(/^https:\/\/d[a-z0-9]{13}\.cloudfront\.net\/ack$/);
    expect(app.outputs?.api).toMatch(/^https:\/\/[a-z0-9]{10}\.execute-api\.ap-southeast-2\.amazonaws\.com$/);
    expect(settings).toMatchObject({
      FIREBREAK_DASHBOARD_URL: DEPLOY_SETTINGS.FIREBREAK_DASHBOARD_URL,
      FIREBREAK_ADMINS: DEPLOY_SETTINGS.FIREBREAK_ADMINS,
      FIREBREAK_SLACK_ADMINS: DEPLOY_SETTINGS.FIREBREAK_SLACK_ADMINS,
      FIREBREAK_SLACK_BOT_USER_ID: DEPLOY_SETTINGS.FIREBREAK_SLACK_BOT_USER_ID,
      FIREBREAK_SLACK_CHANNEL_SEVERITIES: DEPLOY_SETTINGS.FIREBREAK_SLACK_CHANNEL_SEVERITIES,
      FIREBREAK_TIMEZONE: DEPLOY_SETTINGS.FIREBREAK_TIMEZONE,
      FIREBREAK_IGNORE_AUTOSCALING: "false",
      FIREBREAK_TAG_TEAM: "owner",
    });
    // The runtime kept them as given: nothing replaced by a local default.
    expect(runtime.settings.FIREBREAK_ACK_BASE_URL).toBe(settings.FIREBREAK_ACK_BASE_URL);
    expect(runtime.paging.ackBaseUrl).toBe(settings.FIREBREAK_ACK_BASE_URL);
    expect(runtime.paging.dashboardUrl).toBe(DEPLOY_SETTINGS.FIREBREAK_DASHBOARD_URL);
  });

  it("runs alarm → incident → roles → pages on every channel → ack by link → resolve → postmortem", {
    timeout: 90_000,
  }, async () => {
    const responder = { authorization: `Bearer ${await runtime.apiToken("responder", "alice")}` };
    const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
      const res = await fetch(`${runtime.url}${path}`, {
        ...init,
        headers: { ...responder, ...init.headers },
      });
      expect(res.status, `${init.method ?? "GET"} ${path}`).toBeLessThan(300);
      return (await res.json()) as T;
    };
    const id = await fireAlarm(runtime);

    // Roles from the on-call directory.
    const incident = await whenDefined(async () => {
      const detail = await api<{ number: number; roles?: Record<string, { personId: string }> }>(
        `/api/incidents/${id}`,
      );
      return detail.roles?.ic && detail.roles.ops && detail.roles.comms ? detail : undefined;
    });
    expect(incident.roles?.ic?.personId).toBe("alice");

    // Every page delivered: SMS and Slack DM to the IC (level 1), and the team's alert channel.
    const pages = await settledPages(runtime, id, responder);
    expect(pages.filter((p) => p.state !== "delivered")).toEqual([]);
    const ways = new Set(pages.map((p) => `${p.channel}:${p.target.kind}`));
    for (const way of ["sns:person", "slack:person", "slack:channel"]) expect(ways).toContain(way);

    // The SMS: at most 140 code units, with the whole API Gateway ack link.
    const sms = runtime.fakeSns.published.find((m) => m.phoneNumber)?.message;
    expect(sms).toBeDefined();
    expect(sms!.length).toBeLessThanOrEqual(140);
    const link = sms!.split(" ").find((word) => word.startsWith(settings.FIREBREAK_ACK_BASE_URL!));
    expect(link, sms).toBeDefined();
    // The Slack DM links to the CloudFront dashboard.
    const dm = runtime.fakeSlack?.calls.find(
      (c) => c.method === "chat.postMessage" && String(c.body.channel).startsWith("U"),
    );
    expect(JSON.stringify(dm?.body.blocks)).toContain(
      `${DEPLOY_SETTINGS.FIREBREAK_DASHBOARD_URL}/incidents/${id}`,
    );

    // Ack by the SMS's link: its path on the API (here, the local server stands in for API Gateway).
    const ackPath = new URL(link!).pathname;
    const acked = await fetch(`${runtime.url}${ackPath}`, { method: "POST" });
    expect(acked.status).toBe(200);
    expect((await api<{ status: string }>(`/api/incidents/${id}`)).status).toBe("acknowledged");

    // A signed Slack command with the deploy-shaped signing secret and workspace.
    const body = new URLSearchParams({
      command: "/incident",
      text: `status INC-${incident.number}`,
      team_id: SECRETS.SlackTeamId,
      user_id: "U01ALICE01",
      user_name: "alice",
      channel_id: "C07CHECKOUT",
      trigger_id: "1234.5678.abcd",
      response_url: "https://hooks.slack.com/commands/T07FBRKTEAM/1/abc",
    }).toString();
    const timestamp = String(Math.floor(clock.now().getTime() / 1000));
    const signature = `v0=${createHmac("sha256", SECRETS.SlackSigningSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
    const slack = await fetch(`${runtime.url}/slack/events`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signature,
      },
      body,
    });
    expect(slack.status).toBe(200);
    expect(await slack.text()).toContain(`INC-${incident.number}`);

    // Resolve → the postmortem draft.
    await api(`/api/incidents/${id}/resolve`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ summary: "rolled back the deploy" }),
    });
    const postmortem = await whenDefined(async () => {
      const res = await fetch(`${runtime.url}/api/incidents/${id}/postmortem`, { headers: responder });
      return res.status === 200
        ? ((await res.json()) as { markdown?: string; metadata?: unknown })
        : undefined;
    });
    expect(JSON.stringify(postmortem)).toContain(`INC-${incident.number}`);
  });

  it("pages every channel even when the ack link cannot fit an SMS (the API Gateway host as the base)", {
    timeout: 90_000,
  }, async () => {
    // What a deploy gave before the Router served /ack, and what FIREBREAK_ACK_BASE_URL=<api>/ack gives.
    const apiBase = `${app.outputs?.api}/ack`;
    const long = await deployShapedRuntime("api-gateway", { ...settings, FIREBREAK_ACK_BASE_URL: apiBase });
    try {
      const headers = { authorization: `Bearer ${await long.apiToken("responder", "alice")}` };
      const id = await fireAlarm(long);
      const pages = await settledPages(long, id, headers);
      expect(pages.filter((p) => p.state !== "delivered")).toEqual([]);
      expect(new Set(pages.map((p) => `${p.channel}:${p.target.kind}`))).toEqual(
        new Set(["sns:person", "slack:person", "slack:channel"]),
      );
      // The SMS went without its link, and says where to acknowledge; the timeline says why.
      const sms = long.fakeSns.published.find((m) => m.phoneNumber)?.message;
      expect(sms).toBeDefined();
      expect(sms!.length).toBeLessThanOrEqual(140);
      expect(sms).not.toContain("https://");
      expect(sms).toContain("ack in Slack or email");
      const detail = (await (await fetch(`${long.url}/api/incidents/${id}`, { headers })).json()) as {
        roles?: Record<string, unknown>;
        timeline: { kind: string; summary: string; data: Record<string, unknown> }[];
      };
      const delivered = detail.timeline.filter((e) => e.kind === "page.delivered");
      const smsEntry = delivered.find((e) => e.data.smsLinkOmitted === true);
      expect(smsEntry?.summary).toMatch(/without its ack link/);
      expect(delivered.filter((e) => e !== smsEntry).every((e) => e.data.smsLinkOmitted === undefined)).toBe(
        true,
      );
      expect(Object.keys(detail.roles ?? {}).sort()).toEqual(["comms", "ic", "ops"]);
    } finally {
      await long.stop();
    }
  });
});
