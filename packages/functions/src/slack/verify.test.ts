import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normaliseSlackEvent } from "./lambda-event";
import {
  commandBody,
  FIXTURE_TEAM_ID,
  interactiveBody,
  signedEvent,
  slackFixture,
  slackFixtureText,
} from "./testing";
import { NO_USER_TEXT, slackSignature, teamOf, verifySlackRequest } from "./verify";

const vector = slackFixture<{
  signing_secret: string;
  headers: Record<string, string>;
  body: string;
  basestring: string;
}>("signing-test-vector.json");
const ts = Number(vector.headers["X-Slack-Request-Timestamp"]);
const secret = "test-signing-secret";
const nowSeconds = 1_800_000_000;
const options = { signingSecret: secret, teamIds: [FIXTURE_TEAM_ID], now: () => nowSeconds * 1000 };
const signedAt = (timestamp: number) => ({ signature: expect.stringMatching(/^[0-9a-f]{64}$/), timestamp });
const check = (body: string, opts: Parameters<typeof signedEvent>[1] = { secret }) =>
  verifySlackRequest(normaliseSlackEvent(signedEvent(body, { timestamp: nowSeconds, ...opts })), options);

describe("slackSignature", () => {
  it("matches the fixture's signing test vector", () => {
    expect(vector.basestring).toBe(`v0:${ts}:${vector.body}`);
    expect(slackSignature(vector.signing_secret, ts, vector.body)).toBe(vector.headers["X-Slack-Signature"]);
  });

  it("accepts the fixture request with the clock at its timestamp", () => {
    const event = signedEvent(vector.body, {
      secret: vector.signing_secret,
      timestamp: ts,
      signature: vector.headers["X-Slack-Signature"],
    });
    const verdict = verifySlackRequest(normaliseSlackEvent(event), {
      signingSecret: vector.signing_secret,
      teamIds: [FIXTURE_TEAM_ID],
      now: () => (ts + 12) * 1000,
    });
    expect(verdict).toEqual({
      ok: true,
      teamId: FIXTURE_TEAM_ID,
      kind: "command",
      signature: vector.headers["X-Slack-Signature"]!.slice(3),
      timestamp: ts,
    });
  });
});

describe("verifySlackRequest", () => {
  const body = commandBody({ text: "list" });

  it("accepts a well-signed request from the workspace", () => {
    expect(check(body)).toMatchObject({ ok: true, teamId: FIXTURE_TEAM_ID, kind: "command" });
  });

  it("rejects timestamps more than 5 minutes in the future, which Bolt accepts (401)", () => {
    expect(check(body, { secret, timestamp: nowSeconds + 301 })).toMatchObject({
      ok: false,
      statusCode: 401,
    });
    expect(check(body, { secret, timestamp: nowSeconds + 300 })).toMatchObject({ ok: true });
  });

  it("rejects stale timestamps (401)", () => {
    expect(check(body, { secret, timestamp: nowSeconds - 301 })).toMatchObject({
      ok: false,
      statusCode: 401,
    });
  });

  it("rejects a bad, missing or malformed signature or timestamp (401)", () => {
    expect(check(body, { secret: "another-secret" })).toMatchObject({ ok: false, statusCode: 401 });
    expect(check(body, { secret, signature: "v0=00" })).toMatchObject({ ok: false, statusCode: 401 });
    expect(check(body, { secret, signature: "" })).toMatchObject({ ok: false, statusCode: 401 });
    expect(check(body, { secret, timestamp: "soon" })).toMatchObject({ ok: false, statusCode: 401 });
    const tampered = signedEvent(body, { secret, timestamp: nowSeconds });
    tampered.body = Buffer.from(commandBody({ text: "resolve INC-1" })).toString("base64");
    expect(verifySlackRequest(normaliseSlackEvent(tampered), options)).toMatchObject({ statusCode: 401 });
  });

  it("rejects another workspace (403) in form bodies, interactive payloads and JSON", () => {
    expect(check(commandBody({ team_id: "T0OTHER" }))).toMatchObject({ ok: false, statusCode: 403 });
    const payload = slackFixture<Record<string, unknown>>("block-actions-button.payload.json");
    expect(check(interactiveBody(payload))).toMatchObject({ ok: true, teamId: FIXTURE_TEAM_ID });
    expect(check(interactiveBody({ ...payload, team: { id: "T0OTHER", domain: "x" } }))).toMatchObject({
      statusCode: 403,
    });
    const json = JSON.stringify({
      type: "event_callback",
      team_id: "T0OTHER",
      event: { type: "app_mention" },
    });
    expect(check(json, { secret, contentType: "application/json" })).toMatchObject({ statusCode: 403 });
    expect(check(interactiveBody({ type: "block_actions" }))).toMatchObject({ statusCode: 403 });
  });

  it("lets ssl_check and url_verification through (no team; Bolt answers them without listeners)", () => {
    expect(check(slackFixtureText("ssl-check.body.txt"))).toEqual({ ok: true, ...signedAt(nowSeconds) });
    const challenge = slackFixtureText("events-url-verification.json");
    expect(check(challenge, { secret, contentType: "application/json" })).toEqual({
      ok: true,
      ...signedAt(nowSeconds),
    });
  });

  it("answers 400 for a signed body that is not what Slack sends", () => {
    expect(check("payload=%7Bnot-json")).toMatchObject({ ok: false, statusCode: 400 });
    expect(check("[1,2]", { secret, contentType: "application/json" })).toMatchObject({ statusCode: 400 });
  });

  it("answers 400 for a command or interaction without a user: it would be recorded as nobody's", () => {
    const withoutUser = new URLSearchParams(commandBody({ text: "declare DB down sev1" }));
    withoutUser.delete("user_id");
    expect(check(withoutUser.toString())).toMatchObject({
      ok: false,
      statusCode: 400,
      reason: "the command names no user (user_id)",
    });
    const payload = slackFixture<Record<string, unknown>>("view-submission.payload.json");
    const { user: _user, ...noUser } = payload;
    expect(check(interactiveBody(noUser))).toMatchObject({
      ok: false,
      statusCode: 400,
      reason: "the interaction names no user (user.id)",
    });
    expect(check(interactiveBody({ ...payload, user: { id: "" } }))).toMatchObject({ statusCode: 400 });
  });

  it("gives a command or a modal submission without a user a reply Slack shows; a button gets none", () => {
    const withoutUser = new URLSearchParams(commandBody({ text: "declare DB down sev1" }));
    withoutUser.delete("user_id");
    expect(check(withoutUser.toString())).toMatchObject({
      reply: { response_type: "ephemeral", text: NO_USER_TEXT },
    });
    const payload = slackFixture<Record<string, unknown> & { view: Record<string, unknown> }>(
      "view-submission.payload.json",
    );
    const { user: _user, ...noUser } = payload;
    // Under the modal's first input block.
    expect(check(interactiveBody(noUser))).toMatchObject({
      reply: { response_action: "errors", errors: { title_block: NO_USER_TEXT } },
    });
    // A modal without input blocks is replaced by the message.
    const noInputs = { ...noUser, view: { ...payload.view, blocks: [] } };
    expect(check(interactiveBody(noInputs))).toMatchObject({
      reply: {
        response_action: "update",
        view: { type: "modal", blocks: [{ type: "section", text: { text: NO_USER_TEXT } }] },
      },
    });
    const button = slackFixture<Record<string, unknown>>("block-actions-button.payload.json");
    const { user: _buttonUser, ...buttonWithoutUser } = button;
    const verdict = check(interactiveBody(buttonWithoutUser));
    expect(verdict).toMatchObject({ ok: false, statusCode: 400 });
    expect(verdict).not.toHaveProperty("reply");
  });

  it("answers 400 for a form that carries a field twice (the wrong team first, the right one last)", () => {
    const right = new URLSearchParams(commandBody({ text: "list" }));
    const forged = `team_id=T0EVIL&${right.toString()}`;
    expect(check(forged)).toMatchObject({
      ok: false,
      statusCode: 400,
      reason: "the form carries team_id more than once",
    });
    expect(check(`${right.toString()}&text=declare`)).toMatchObject({ statusCode: 400 });
  });

  it("answers 400 for JSON carrying a key twice (payload or body) or nested deeper than 64 levels", () => {
    const payload = JSON.stringify(
      slackFixture<Record<string, unknown>>("block-actions-button.payload.json"),
    );
    const twice = `{"team":{"id":"T0EVIL"},${payload.slice(1)}`;
    expect(check(new URLSearchParams({ payload: twice }).toString())).toEqual({
      ok: false,
      statusCode: 400,
      reason: 'the payload carries the key "team" twice',
    });
    const deep = `{"x":${"[".repeat(65)}${"]".repeat(65)},${payload.slice(1)}`;
    expect(check(new URLSearchParams({ payload: deep }).toString())).toEqual({
      ok: false,
      statusCode: 400,
      reason: "the payload is nested more than 64 levels deep",
    });
    const json = `{"type":"event_callback","team_id":"T0EVIL","team_id":"${FIXTURE_TEAM_ID}"}`;
    expect(check(json, { secret, contentType: "application/json" })).toMatchObject({
      statusCode: 400,
      reason: 'the JSON body carries the key "team_id" twice',
    });
  });

  it("finds the team where each kind of request carries it", () => {
    expect(teamOf({ team_id: "T1" })).toBe("T1");
    expect(teamOf({ team: { id: "T2" } })).toBe("T2");
    expect(teamOf({ team: null, view: { team_id: "T3" } })).toBe("T3");
    expect(teamOf({ user: { team_id: "T4" } })).toBe("T4");
    expect(teamOf({})).toBeUndefined();
  });
});

describe("the Slack body parser, 10,000 signed requests", () => {
  const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
  const text = fc
    .array(
      fc.oneof(
        fc.string({ unit: "binary", maxLength: 6 }),
        surrogate,
        fc.constantFrom("%ED%A0%80", "%", "&", "="),
      ),
      {
        maxLength: 5,
      },
    )
    .map((parts) => parts.join(""));
  const nested = (depth: number, leaf: string) => {
    let out = leaf;
    for (let i = 0; i < depth; i++) out = i % 2 ? `[${out}]` : `{"team":${out}}`;
    return out;
  };
  const payload = slackFixture<Record<string, unknown>>("block-actions-button.payload.json");
  const field = fc.constantFrom(
    "team_id",
    "user_id",
    "text",
    "command",
    "payload",
    "trigger_id",
    "ssl_check",
  );
  const request = fc.oneof(
    // Slash commands with arbitrary text (lone surrogates, raw and percent-encoded).
    text.map((t) => ({ body: commandBody({ text: t }), contentType: undefined })),
    // Raw forms: any fields, any order, some twice.
    fc
      .array(fc.tuple(field, text), { maxLength: 8 })
      .map((pairs) => ({ body: pairs.map(([k, v]) => `${k}=${v}`).join("&"), contentType: undefined })),
    // Interactive payloads nested 1–300 deep, or with a key twice.
    fc.tuple(fc.integer({ min: 1, max: 300 }), text).map(([depth, leaf]) => ({
      body: new URLSearchParams({
        payload: `{"x":${nested(depth, JSON.stringify(leaf))},${JSON.stringify(payload).slice(1)}`,
      }).toString(),
      contentType: undefined,
    })),
    text.map((t) => ({
      body: new URLSearchParams({
        payload: `{"user":{"id":"U1"},"user":{"id":${JSON.stringify(t)}}}`,
      }).toString(),
      contentType: undefined,
    })),
    // JSON bodies, valid or not.
    fc
      .string({ unit: fc.constantFrom("[", "]", "{", "}", '"', ",", ":", "1", "\\"), maxLength: 200 })
      .map((b) => ({
        body: b,
        contentType: "application/json",
      })),
  );

  it("every one is accepted or refused with a 4xx; nothing throws", () => {
    fc.assert(
      fc.property(request, fc.boolean(), ({ body, contentType }, base64) => {
        const verdict = check(body, { secret, ...(contentType ? { contentType } : {}), base64 });
        if (!verdict.ok) expect([400, 401, 403]).toContain(verdict.statusCode);
        else expect(verdict.signature).toMatch(/^[0-9a-f]{64}$/);
      }),
      { numRuns: 10_000 },
    );
  });
});
