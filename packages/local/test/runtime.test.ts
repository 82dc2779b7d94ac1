import { fixture } from "@firebreak/testkit/fixtures";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import { buildCli } from "../src/cli";
import { type LocalRuntime, startLocalRuntime } from "../src/runtime";

let runtime: LocalRuntime;
const tableName = `runtime-${process.pid}-${Date.now()}`;
let auth: { authorization: string };

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    dataDir: null,
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName,
  });
  auth = { authorization: `Bearer ${await runtime.apiToken("viewer")}` };
});
afterAll(() => runtime.stop());

const post = (path: string, body: string | object) =>
  fetch(`${runtime.url}${path}`, {
    method: "POST",
    headers: path === "/events" ? runtime.eventHeaders : { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const get = (path: string) => fetch(`${runtime.url}${path}`, { headers: auth });

interface ListBody {
  items: {
    id: string;
    number: number;
    title: string;
    severity: string;
    status: string;
    services: string[];
    alarm: { name: string; arn: string };
    createdAt: string;
  }[];
}

describe("local runtime", () => {
  it("answers /health: 200 when the table answers and the outbox is current", async () => {
    const res = await fetch(`${runtime.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ok",
      checks: {
        table: { ok: true, detail: expect.stringMatching(/^the table \S+ answered a read in \d+ ms$/) },
        outbox: {
          ok: true,
          detail: expect.stringMatching(/^the outbox's stream poller is current \(\d+ ms\)$/),
        },
      },
      reasons: [],
    });
  });

  it("refuses the API without a session or token (401), and serves the dev sign-in page", async () => {
    const res = await fetch(`${runtime.url}/api/incidents?status=open`);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const page = await fetch(`${runtime.url}/auth/dev`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('value="alice"');
    const signIn = await fetch(`${runtime.url}/auth/dev`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "person=alice&role=responder",
      redirect: "manual",
    });
    expect(signIn.status).toBe(303);
    const cookies = signIn.headers.getSetCookie();
    // Plain http locally: the cookies cannot be Secure, so the runtime leaves the flag off.
    expect(cookies.find((c) => c.startsWith("fb_session="))).not.toMatch(/Secure/);
    const cookie = cookies.map((c) => c.split(";")[0]).join("; ");
    const me = await fetch(`${runtime.url}/api/me`, { headers: { cookie } });
    expect(await me.json()).toMatchObject({ user: { id: "alice" }, role: "responder", devSignIn: true });
  });

  it("turns a real EventBridge alarm event into an open incident, visible through the API", async () => {
    const event = fixture<{ resources: string[] }>("eventbridge/eb-single-metric-ok-to-alarm.json");
    const res = await post("/events", event);
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { results: { outcome: string; incidentId: string }[] };
    expect(accepted.results[0]!.outcome).toBe("opened");

    const list = (await (await get("/api/incidents?status=open")).json()) as ListBody;
    const item = list.items.find((i) => i.id === accepted.results[0]!.incidentId)!;
    expect(item).toMatchObject({ status: "declared", alarm: { arn: event.resources[0] } });
    for (const field of ["id", "number", "title", "severity", "status", "services", "alarm", "createdAt"]) {
      expect(item).toHaveProperty(field);
    }

    const detail = (await (await get(`/api/incidents/${item.id}`)).json()) as {
      timeline: { kind: string }[];
    };
    // Declared, then the alarm transition; roles and pages follow when the demo directory owns the service.
    const kinds = detail.timeline.map((e) => e.kind);
    expect(kinds.slice(0, 2)).toEqual(["incident.declared", "incident.alarm_transition"]);
  });

  it("answers 2xx and ignores an event that no rule matches, and a configuration change", async () => {
    const other = await post("/events", {
      id: "1",
      source: "aws.ec2",
      "detail-type": "EC2 Instance State-change Notification",
      detail: {},
    });
    expect(other.status).toBe(202);
    expect(await other.json()).toMatchObject({ status: "ignored" });
    const config = await post("/events", {
      ...fixture<object>("eventbridge/eb-single-metric-ok-to-alarm.json"),
      id: "config-change-1",
      "detail-type": "CloudWatch Alarm Configuration Change",
    });
    expect(config.status).toBe(202);
  });

  it("answers 400 for a body that is not JSON, or not an event", async () => {
    const notJson = await post("/events", "{nope");
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get("content-type")).toContain("application/problem+json");
    const notEvent = await post("/events", { hello: "world" });
    expect(notEvent.status).toBe(400);
    const body = (await notEvent.json()) as { errors: { path: string }[] };
    expect(body.errors.map((e) => e.path)).toContain("detail-type");
  });

  it("answers 400 naming the field for a malformed alarm event, and dead-letters it once", async () => {
    const event = structuredClone(
      fixture<{ id: string; detail: { state: Record<string, unknown> } }>(
        "eventbridge/eb-single-metric-ok-to-alarm.json",
      ),
    );
    event.id = "malformed-1";
    event.detail.state.timestamp = "yesterday";
    const before = runtime.deadLetters.letters.length;
    const res = await post("/events", event);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { detail: string; errors: { path: string }[] };
    expect(body.errors.map((e) => e.path)).toContain("detail.state.timestamp");
    expect(runtime.deadLetters.letters.length).toBe(before + 1);
  });

  it("answers 400 and dead-letters events that can never be stored (not 503: a retry cannot help)", async () => {
    type Event = {
      id: string;
      resources: string[];
      detail: { alarmName: string; state: Record<string, unknown> };
    };
    const refused: [string, (e: Event) => void, string][] = [
      [
        "future",
        (e) => {
          e.detail.state.timestamp = "2099-01-01T00:00:00.000+0000";
        },
        "stateTimestamp",
      ],
      [
        "deep",
        (e) => {
          e.detail.state.reasonData = `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`;
        },
        "detail.state.reasonData",
      ],
      [
        "long-name",
        (e) => {
          e.detail.alarmName = "n".repeat(2100);
          e.resources = [`arn:aws:cloudwatch:ap-southeast-2:111122223333:alarm:${"n".repeat(2100)}`];
        },
        "(item)",
      ],
      [
        "huge",
        (e) => {
          // Another alarm: this fixture's own transition was ingested above (a copy is a duplicate).
          e.detail.alarmName = "huge-reason";
          e.resources = ["arn:aws:cloudwatch:ap-southeast-2:111122223333:alarm:huge-reason"];
          e.detail.state.reason = "r".repeat(410_000);
        },
        "(item)",
      ],
    ];
    for (const [id, mutate, path] of refused) {
      const event = structuredClone(fixture<Event>("eventbridge/eb-single-metric-ok-to-alarm.json"));
      event.id = `refused-${id}`;
      mutate(event);
      const before = runtime.deadLetters.letters.length;
      const res = await post("/events", event);
      expect(res.status, id).toBe(400);
      const body = (await res.json()) as { errors: { path: string }[] };
      expect(body.errors.map((e) => e.path)).toContain(path);
      expect(runtime.deadLetters.letters.length).toBe(before + 1);
    }
  });

  it("answers 413 for an oversize body and 404 problem for unknown routes and incidents", async () => {
    const big = await post("/events", "x".repeat(7 * 1024 * 1024));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { status: number }).status).toBe(413);
    expect((await get("/api/nothing-here")).status).toBe(404);
    expect((await get("/api/incidents/01ARZ3NDEKTSV4RRFFQ69G5FAV")).status).toBe(404);
    const bad = await get("/api/incidents/not-an-id");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("id");
    const badQuery = await get("/api/incidents?status=sideways");
    expect(badQuery.status).toBe(400);
  });

  it("handles unicode, 250-character names and 1024-character descriptions end to end", async () => {
    const name = `支払い-🔥-${"x".repeat(240)}`.slice(0, 250);
    const event = alarmStateChangeEvent({
      name,
      state: "ALARM",
      account: "123456789012",
      region: "eu-west-1",
      description: `service: payments\n${"d".repeat(1000)}`,
    });
    const res = await post("/events", event);
    expect(res.status).toBe(202);
    const { results } = (await res.json()) as { results: { incidentId: string }[] };
    const detail = (await (await get(`/api/incidents/${results[0]!.incidentId}`)).json()) as {
      title: string;
      services: string[];
      alarm: { name: string };
    };
    expect(detail.alarm.name).toBe(name);
    expect(detail.services).toEqual(["payments"]);
  });

  it("firebreak alarm fire / ok drive the running server (the README's first steps)", async () => {
    const logs: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => logs.push(args.join(" "));
    // `npm start` keeps the events token in the data folder; this runtime runs in memory.
    process.env.FIREBREAK_EVENTS_TOKEN = runtime.eventsToken;
    try {
      await buildCli().parseAsync([
        "node",
        "firebreak",
        "alarm",
        "fire",
        "checkout-5xx",
        "--service",
        "checkout",
        "--severity",
        "sev2",
        "--url",
        runtime.url,
      ]);
      await buildCli().parseAsync(["node", "firebreak", "alarm", "ok", "checkout-5xx", "--url", runtime.url]);
    } finally {
      console.log = log;
      delete process.env.FIREBREAK_EVENTS_TOKEN;
    }
    // It points at the incident's dashboard page, addressed as people do (INC-n), not the API.
    expect(logs.join("\n")).toMatch(/INC-(\d+) opened → http:\/\/127\.0\.0\.1:\d+\/incidents\/INC-\1$/m);
    const list = (await (await get("/api/incidents?status=open")).json()) as ListBody;
    const incident = list.items.find((i) => i.title === "checkout-5xx");
    expect(incident).toMatchObject({ severity: "SEV2", services: ["checkout"], status: "declared" });
    const detail = (await (await get(`/api/incidents/${incident!.id}`)).json()) as {
      timeline: { summary: string }[];
    };
    // Roles and pages are assigned asynchronously (from the bus), so look for the entry anywhere.
    expect(detail.timeline.some((e) => e.summary.includes("alarm recovered"))).toBe(true);
  });

  it("publishes every timeline entry as a domain event, through the table stream and the outbox", async () => {
    const event = alarmStateChangeEvent({
      name: "events-check",
      state: "ALARM",
      account: "123456789012",
      region: "eu-west-1",
    });
    const res = await post("/events", event);
    const { results } = (await res.json()) as { results: { incidentId: string }[] };
    const incidentId = results[0]!.incidentId;
    const deadline = Date.now() + 10_000;
    let types: string[] = [];
    while (Date.now() < deadline) {
      types = runtime.bus
        .recentEvents()
        .filter((e) => e.detail.incidentId === incidentId)
        .map((e) => e["detail-type"]);
      if (types.length >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // Roles and pages follow asynchronously; the first two events are the alarm's own entries.
    expect(types.slice(0, 2)).toEqual(["incident.declared", "incident.alarm_transition"]);
    const declared = runtime.bus.recentEvents().find((e) => e.detail.incidentId === incidentId)!;
    expect(declared).toMatchObject({ source: "firebreak", detail: { type: "incident.declared" } });
  });

  it("firebreak slack sends signed slash commands: declare, then ack, through the same Slack handler", async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => lines.push(args.join(" "));
    const run = (line: string) =>
      buildCli().parseAsync([
        "node",
        "firebreak",
        "slack",
        line,
        "--user",
        "U01ALICE01", // Alice Moreau in the demo directory: directory people may acknowledge
        "--url",
        runtime.url,
        "--team",
        runtime.slack.teamId,
      ]);
    try {
      await run("/incident declare Checkout down sev1 service:checkout");
      const declared = (await (await get("/api/incidents?status=open")).json()) as ListBody;
      const incident = declared.items.find((i) => i.title === "Checkout down");
      expect(incident).toMatchObject({ severity: "SEV1", services: ["checkout"], status: "declared" });
      await run(`/incident ack INC-${incident!.number}`);
      const detail = (await (await get(`/api/incidents/${incident!.id}`)).json()) as { status: string };
      expect(detail.status).toBe("acknowledged");
      await run("/incident help");
    } finally {
      console.log = log;
    }
    expect(lines.join("\n")).toMatch(/\/incident/);
    expect(runtime.fakeSlack?.calls.some((c) => c.method === "chat.postMessage")).toBe(true);
  });

  it("a SEV1 declared from Slack gets its incident channel; INC-n defaults to it inside the channel", async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => lines.push(args.join(" "));
    const run = (line: string, channel = "C0LOCALCHAN") =>
      buildCli().parseAsync([
        "node",
        "firebreak",
        "slack",
        line,
        "--user",
        "U01ALICE01", // Alice Moreau, a directory person: she may acknowledge
        "--channel",
        channel,
        "--url",
        runtime.url,
        "--team",
        runtime.slack.teamId,
      ]);
    try {
      await run("/incident declare Paiement échoué <!here> sev1 service:payments");
      const list = (await (await get("/api/incidents?status=open")).json()) as ListBody;
      const incident = list.items.find((i) => i.title.startsWith("Paiement"))!;
      const name = `inc-${incident.number}-paiement-echoue-here`;
      // The worker runs off the bus (the hand-off and the domain events from the table stream).
      let channel: { id: string; members: Set<string>; pins: Set<string> } | undefined;
      for (let i = 0; i < 200 && !channel?.pins.size; i++) {
        await runtime.bus.drain();
        channel = [...(runtime.fakeSlack?.channels.values() ?? [])].find((c) => c.name === name);
        if (!channel?.pins.size) await new Promise((r) => setTimeout(r, 50));
      }
      expect(channel?.members.has("U01ALICE01")).toBe(true);
      expect(channel?.pins.size).toBe(1);
      await run("/incident ack", channel!.id);
      const detail = (await (await get(`/api/incidents/${incident.id}`)).json()) as { status: string };
      expect(detail.status).toBe("acknowledged");
    } finally {
      console.log = log;
    }
    expect(
      runtime.fakeSlack?.calls.filter(
        (c) => c.method === "conversations.create" && !c.fault && String(c.body.name).includes("paiement"),
      ),
    ).toHaveLength(1);
  });

  it("refuses a forged Slack request with 401", async () => {
    const res = await fetch(`${runtime.url}/slack/events`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": String(Math.floor(Date.now() / 1000)),
        "x-slack-signature": "v0=forged",
      },
      body: "command=%2Fincident&text=list&team_id=T1&user_id=U1",
    });
    expect(res.status).toBe(401);
  });

  it("firebreak token create prints a bearer token that the API accepts with its role", async () => {
    const out: string[] = [];
    const log = console.log;
    const err = console.error;
    console.log = (...args: unknown[]) => out.push(args.join(" "));
    console.error = () => undefined;
    process.env.FIREBREAK_DYNAMO_ENDPOINT = runtime.dynamo.endpoint;
    process.env.FIREBREAK_TABLE = tableName;
    try {
      await buildCli().parseAsync([
        "node",
        "firebreak",
        "token",
        "create",
        "--user",
        "dana",
        "--role",
        "admin",
      ]);
      await expect(
        buildCli().parseAsync([
          "node",
          "firebreak",
          "token",
          "create",
          "--user",
          "nobody",
          "--role",
          "admin",
        ]),
      ).rejects.toThrow(/not a person in the on-call directory/);
    } finally {
      console.log = log;
      console.error = err;
      delete process.env.FIREBREAK_DYNAMO_ENDPOINT;
      delete process.env.FIREBREAK_TABLE;
    }
    const token = out.find((line) => line.startsWith("fbk_"))!;
    expect(token).toMatch(/^fbk_[0-9A-Z]{26}_/);
    const me = await fetch(`${runtime.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ role: "admin", user: { id: "dana" } });
    const tokens = await fetch(`${runtime.url}/api/tokens`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(tokens.status).toBe(200);
  });

  it("rejects bad CLI arguments with a clear message", async () => {
    const quiet = { writeErr: () => undefined, writeOut: () => undefined, outputError: () => undefined };
    const cli = buildCli();
    for (const command of [cli, ...cli.commands, ...cli.commands.flatMap((c) => c.commands)])
      command.configureOutput(quiet);
    await expect(
      cli.parseAsync(["node", "firebreak", "alarm", "fire", "x", "--severity", "sev9"]),
    ).rejects.toThrow(/sev1, sev2/);
  });
});
