import { readFileSync } from "node:fs";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { MaintenanceStore } from "@firebreak/core/adapters/dynamodb/maintenance/store";
import { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import type { Incident } from "@firebreak/core/incident/model";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { draftPostmortem } from "@firebreak/core/postmortem/draft";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { lambdaContext } from "../../local/src/apigw";
import { FAKE_BOT_ID, FAKE_BOT_USER_ID, type FakeSlack, startFakeSlack } from "../../local/src/fake-slack";
import { createSlackHandler } from "./slack";
import { createSlackApp, type SlackWork } from "./slack/app";
import type { SlackHandlerDeps } from "./slack/handler";
import { ACTIONS, DECLARE_MODAL } from "./slack/ids";
import {
  commandBody,
  FIXTURE_TEAM_ID,
  interactiveBody,
  type SignedEventOptions,
  signedEvent,
  slackFixture,
  slackFixtureText,
} from "./slack/testing";
import { NO_USER_TEXT } from "./slack/verify";

const SECRET = "our-own-test-signing-secret";
const TOKEN = "xoxb-firebreak-test";
const CHANNEL = "C08WARROOM2";
const DANA = { id: "U08DANA4K7P", name: "dana.k" };
const BOB = { id: "U0BOB0001", name: "bob" };
const CAROL = { id: "U0CAROL01", name: "carol" };
const ADMIN = { id: "U0ADMIN01", name: "admin" };
type User = typeof DANA;

let fake: FakeSlack;
let store: IncidentStore;
let postmortems: PostmortemStore;
let enqueued: SlackWork[];
let channels: Map<string, string>;
let handler: ReturnType<typeof createSlackHandler>;
let responses: string[];

function deps(overrides: Partial<SlackHandlerDeps> = {}): SlackHandlerDeps {
  return {
    signingSecret: SECRET,
    botToken: TOKEN,
    botId: FAKE_BOT_ID,
    botUserId: FAKE_BOT_USER_ID,
    teamIds: [FIXTURE_TEAM_ID],
    store,
    postmortems,
    enqueue: async (work) => {
      enqueued.push(work);
    },
    channelIncident: (channelId) => channels.get(channelId),
    permissions: { admins: [ADMIN.id] },
    incidentUrl: (incident) => `https://firebreak.example/incidents/${incident.id}`,
    slackApiUrl: fake.url,
    ...overrides,
  };
}

beforeAll(async () => {
  // Slack profiles (users.info): people outside the directory are named by their display name.
  fake = await startFakeSlack({
    token: TOKEN,
    users: Object.fromEntries(
      [DANA, BOB, CAROL, ADMIN].map((u) => [u.id, { name: u.name, realName: `${u.name} (real name)` }]),
    ),
  });
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(async () => {
  const table = await createTestTable("slack");
  store = storeFor(table);
  postmortems = new PostmortemStore(store.db, table.tableName);
  fake.reset();
  enqueued = [];
  channels = new Map();
  responses = [];
  handler = createSlackHandler(() => deps());
});
afterEach(() => {
  vi.useRealTimers();
});

interface Answer {
  status: number;
  body: string;
  json: {
    response_type?: string;
    text?: string;
    blocks?: unknown[];
    response_action?: string;
    errors?: Record<string, string>;
  };
}

async function invoke(event: APIGatewayProxyEventV2, h = handler): Promise<Answer> {
  const result = await h(event, lambdaContext("slack"));
  const body = result.body ?? "";
  responses.push(body);
  let json = {};
  try {
    json = body ? JSON.parse(body) : {};
  } catch {
    json = {};
  }
  return { status: result.statusCode ?? 0, body, json };
}

const send = (rawBody: string, options: Partial<SignedEventOptions> = {}) =>
  invoke(signedEvent(rawBody, { secret: SECRET, ...options }));

const command = (text: string, user: User = DANA, channel = CHANNEL) =>
  send(commandBody({ text, user_id: user.id, user_name: user.name, channel_id: channel }));

const blockActions = slackFixture<Record<string, unknown> & { actions: Record<string, unknown>[] }>(
  "block-actions-button.payload.json",
);

function clickBody(actionId: string, value: string, message: { channel: string; ts: string }, user: User) {
  const payload = structuredClone(blockActions);
  payload.user = { id: user.id, username: user.name, name: user.name, team_id: FIXTURE_TEAM_ID };
  payload.container = {
    type: "message",
    message_ts: message.ts,
    channel_id: message.channel,
    is_ephemeral: false,
  };
  payload.channel = { id: message.channel, name: "ops-warroom" };
  payload.message = { ...(payload.message as object), ts: message.ts };
  payload.actions = [{ ...payload.actions[0], action_id: actionId, value }];
  return interactiveBody(payload);
}

const click = (
  actionId: string,
  value: string,
  message: { channel: string; ts: string },
  user: User = DANA,
) => send(clickBody(actionId, value, message, user));

/** Declares through the command; returns the incident and its announcement message. */
async function declared(text = "declare sev2 checkout 5xx spike service:checkout") {
  const answer = await command(text);
  expect(answer.status).toBe(200);
  const work = enqueued.at(-1);
  if (work?.type !== "slack.incident_declared" || !work.message) throw new Error("no announcement");
  const incident = (await store.getIncident(work.incidentId))!;
  return { incident, message: work.message, answer };
}

const calls = (method: string) => fake.calls.filter((c) => c.method === method);
const everything = () => [...fake.calls.map((c) => JSON.stringify(c.body)), ...responses].join("\n");

describe("/incident (end to end: signed API Gateway events → handler → DynamoDB Local + fake Slack)", () => {
  it("accepts the fixture's real API Gateway event, signed with the fixture vector (clock mocked)", async () => {
    const vector = slackFixture<{ signing_secret: string; headers: Record<string, string> }>(
      "signing-test-vector.json",
    );
    const event = slackFixture<APIGatewayProxyEventV2>("apigw-v2-slash-command-event.json");
    vi.useFakeTimers({
      toFake: ["Date"],
      now: Number(vector.headers["X-Slack-Request-Timestamp"]) * 1000 + 512,
    });
    const fixtureHandler = createSlackHandler(() => deps({ signingSecret: vector.signing_secret }));
    const answer = await invoke(event, fixtureHandler);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      response_type: "ephemeral",
      text: expect.stringMatching(/^Declared SEV1 INC-1\./),
    });
    const { items } = await store.listOpen();
    expect(items).toMatchObject([
      { number: 1, title: "ledger payouts stuck", severity: "SEV1", status: "declared" },
    ]);
    expect(calls("chat.postMessage")[0]?.body).toMatchObject({ channel: CHANNEL });
  });

  it("declare creates the incident, announces it with buttons, hands off the slow work, records the actor", async () => {
    const { incident, message, answer } = await declared();
    expect(incident).toMatchObject({ title: "checkout 5xx spike", severity: "SEV2", services: ["checkout"] });
    expect(answer.json.response_type).toBe("ephemeral");
    const post = calls("chat.postMessage")[0]!;
    expect(post.token).toBe(TOKEN);
    expect(post.body.channel).toBe(CHANNEL);
    const ids = JSON.stringify(post.body.blocks);
    for (const id of [ACTIONS.ack, ACTIONS.takeIc, ACTIONS.resolve, ACTIONS.view]) expect(ids).toContain(id);
    expect(enqueued).toEqual([
      {
        type: "slack.incident_declared",
        incidentId: incident.id,
        number: 1,
        declaredBy: DANA.id,
        channelId: CHANNEL,
        message,
      },
    ]);
    const { timeline } = (await store.getIncidentWithTimeline(incident.id))!;
    expect(timeline[0]).toMatchObject({
      kind: "incident.declared",
      actor: { type: "slack", id: DANA.id, name: "dana.k" },
    });
  });

  it("declare answers in the channel when Slack refuses the announcement (e.g. a private channel)", async () => {
    fake.failNext("chat.postMessage", 1, { slackError: "not_in_channel" });
    const answer = await command("declare sev1 db down");
    expect(answer.status).toBe(200);
    expect(answer.json.response_type).toBe("in_channel");
    expect(JSON.stringify(answer.json.blocks)).toContain(ACTIONS.ack);
    expect(enqueued[0]).not.toHaveProperty("message");
  });

  it("ack (INC-n, or the channel's incident), then 'already acknowledged'", async () => {
    const { incident } = await declared();
    const first = await command("ack INC-1", BOB);
    expect(first.json).toMatchObject({ response_type: "in_channel" });
    expect(first.json.text).toContain(`acknowledged by <@${BOB.id}>`);
    expect((await store.getIncident(incident.id))!.status).toBe("acknowledged");

    const again = await command("ack INC-1", CAROL);
    expect(again.json).toEqual({ response_type: "ephemeral", text: "INC-1 is already acknowledged." });

    expect((await command("ack", CAROL, "C0ELSEWHERE")).json.text).toMatch(
      /^Which incident\?.*\nUsage: `\/incident ack \[INC-n\]`/s,
    );
    channels.set("C0INC1", incident.id);
    expect((await command("mitigate", CAROL, "C0INC1")).json.text).toContain("mitigated by");
    expect((await store.getIncident(incident.id))!.status).toBe("mitigated");
    expect((await command("ack INC-42")).json.text).toBe("INC-42 does not exist.");
  });

  it("assign: self-claim of a vacant IC, then only responders and admins assign", async () => {
    const { incident } = await declared();
    const denied = await command(`assign ic <@${BOB.id}|bob> INC-1`, CAROL);
    expect(denied.json.response_type).toBe("ephemeral");
    expect(denied.json.text).toMatch(
      /Only INC-1's incident commander, its role holders or an admin may assign roles/,
    );

    const claim = await command(`assign ic <@${DANA.id}|dana.k> INC-1`, DANA);
    expect(claim.json).toMatchObject({ response_type: "in_channel" });
    expect(claim.json.text).toContain(`now has <@${DANA.id}> as IC`);

    expect((await command(`assign ops <@${CAROL.id}> INC-1`, BOB)).json.text).toMatch(
      /ask its incident commander \(dana\.k\)/,
    );
    expect((await command(`assign ops <@${BOB.id}|bob> INC-1`, DANA)).json.response_type).toBe("in_channel");
    expect((await command(`assign comms <@${CAROL.id}> INC-1`, ADMIN)).json.response_type).toBe("in_channel");
    expect((await command(`assign ops <@${BOB.id}|bob> INC-1`, DANA)).json.text).toMatch(
      /already OPS of INC-1/,
    );
    expect((await command("assign boss INC-1", DANA)).json.text).toMatch(
      /^unexpected "boss"\nUsage: `\/incident assign &lt;ic\|ops\|comms&gt; @user \[INC-n\] \[--page\|--no-page\]`$/,
    );

    const after = (await store.getIncident(incident.id))!;
    expect(after.roles).toMatchObject({
      ic: { personId: DANA.id, personName: "dana.k" },
      ops: { personId: BOB.id, personName: "bob" },
      comms: { personId: CAROL.id },
    });
    expect(enqueued.filter((w) => w.type === "slack.role_assigned")).toHaveLength(3);
  });

  it("update (and --temporary, --public) lands on the timeline and is echoed escaped", async () => {
    const { incident } = await declared();
    const plain = await command("update rolled back deploy 42 INC-1", BOB);
    expect(plain.json).toMatchObject({ response_type: "in_channel" });
    expect(plain.json.text).toContain("*Update on SEV2 INC-1*");
    const temporary = await command("update INC-1 --temporary feature flag &lt;off&gt; &amp; pinned", BOB);
    expect(temporary.json.text).toContain("Temporary mitigation (to roll back later)");
    expect(temporary.json.text).toContain("feature flag &lt;off&gt; &amp; pinned");
    // Typed in the incident's own channel: no echo (the Slack worker posts it there).
    channels.set(CHANNEL, incident.id);
    const inside = await command("update still watching --public", BOB);
    expect(inside.json).toMatchObject({ response_type: "ephemeral" });
    expect(inside.json.text).toContain("posted in this channel");
    const { timeline } = (await store.getIncidentWithTimeline(incident.id))!;
    const updates = timeline.filter((e) => e.kind === "incident.update_posted").map((e) => e.data);
    expect(updates).toEqual([
      { text: "rolled back deploy 42", temporary: false, public: false },
      { text: "feature flag <off> & pinned", temporary: true, public: false },
      { text: "still watching", temporary: false, public: true },
    ]);
  });

  it("status shows state, roles and the latest timeline, privately", async () => {
    await declared();
    await command("ack INC-1", BOB);
    const status = await command("status INC-1", CAROL);
    expect(status.json.response_type).toBe("ephemeral");
    expect(status.json.text).toContain("*SEV2 INC-1: checkout 5xx spike*");
    expect(status.json.text).toContain("acknowledged");
    expect(status.json.text).toContain("acknowledged by bob");
    expect(status.json.text).toContain("https://firebreak.example/incidents/");
  });

  it("trace says, privately, why the incident paged whom it paged (nobody here: no escalation yet)", async () => {
    await declared();
    const trace = await command("trace INC-1", CAROL);
    expect(trace.json.response_type).toBe("ephemeral");
    expect(trace.json.text).toContain("*Why INC-1 paged whom it paged*");
    expect(trace.json.text).toContain("How it began: declared by");
    expect(trace.json.text).toContain("Routing: nobody was paged");
    expect(trace.json.text).toContain("|The whole trace on the incident page>");
  });

  it("resolve needs a responder; list shows only open incidents", async () => {
    const { incident } = await declared();
    await declared("declare sev1 payments down");
    const denied = await command("resolve INC-1 fixed", BOB);
    expect(denied.json.text).toMatch(/it has no incident commander yet: take IC first/);
    await command(`assign ic <@${BOB.id}|bob> INC-1`, BOB);
    const resolved = await command("resolve INC-1 bad deploy, rolled back", BOB);
    expect(resolved.json).toMatchObject({ response_type: "in_channel" });
    expect(resolved.json.text).toContain("resolved by");
    expect((await store.getIncident(incident.id))!).toMatchObject({
      status: "resolved",
      summary: "bad deploy, rolled back",
    });
    const list = await command("list", CAROL);
    expect(list.json.response_type).toBe("ephemeral");
    expect(list.json.text).toContain("SEV1 INC-2 *payments down*");
    expect(list.json.text).not.toContain("INC-1 ");
    expect((await command("resolve INC-1", ADMIN)).json.text).toBe("INC-1 is already resolved.");
  });

  it("postmortem: a clear message before there is one, a summary once drafted", async () => {
    const { incident } = await declared();
    expect((await command("postmortem INC-1")).json).toEqual({
      response_type: "ephemeral",
      text: "INC-1 has no postmortem yet: a draft is written when the incident is resolved.",
    });
    await command("resolve INC-1 done", ADMIN);
    expect((await command("postmortem INC-1")).json.text).toMatch(/the draft is being written/);
    await draftPostmortem({ incidents: store, postmortems }, incident.id);
    const summary = await command("postmortem INC-1");
    expect(summary.json.text).toContain("*Postmortem of SEV2 INC-1: checkout 5xx spike*");
    expect(summary.json.text).toContain("Version 1 (generated draft)");
    // It links to the dashboard's postmortem page (where responders edit it), not the incident page.
    expect(summary.json.text).toContain(
      `<https://firebreak.example/incidents/${incident.id}/postmortem|Read and edit the postmortem in the dashboard>`,
    );
    expect(summary.json.text).toContain("Release involved: unknown");

    // Answering the release question: a new version, same Markdown, recorded under the person.
    const before = (await postmortems.listDrafts(incident.id)).at(-1)!;
    const answered = await command("postmortem INC-1 release no", ADMIN);
    expect(answered.json.text).toContain("Version 2 (edited)");
    expect(answered.json.text).toContain("Release involved: no");
    const after = (await postmortems.listDrafts(incident.id)).at(-1)!;
    expect(after).toMatchObject({ version: 2, origin: "human", markdown: before.markdown });
    expect(after.metadata.release_involved).toEqual({ value: "no" });
    // A bad answer names what is wrong, and writes nothing.
    expect((await command("postmortem INC-1 release maybe", ADMIN)).json.text).toContain(
      "release takes yes, no or unknown, got",
    );
    expect((await postmortems.listDrafts(incident.id)).length).toBe(2);
  });

  it("help, an empty command and an unknown subcommand answer privately with the usage", async () => {
    const help = await command("help");
    expect(help.json.response_type).toBe("ephemeral");
    expect(help.json.text).toContain("/incident assign &lt;ic|ops|comms&gt; @user [INC-n]");
    expect((await command("")).json.text).toBe(help.json.text);
    const unknown = await command("explode now");
    expect(unknown.status).toBe(200);
    expect(unknown.json.response_type).toBe("ephemeral");
    expect(unknown.json.text).toMatch(/^unknown subcommand "explode"\nUsage: `\/incident declare/);
  });

  it("a hanging Slack API cannot blow Slack's 3 seconds: the announcement falls back to the reply", async () => {
    handler = createSlackHandler(() => deps({ slackTimeoutMs: 300 }));
    fake.failNext("chat.postMessage", 1, "hang");
    const answer = await command("declare sev2 search is slow");
    // The hung call was given up (slackTimeoutMs), and the announcement came back as the reply.
    expect(fake.calls.filter((c) => c.method === "chat.postMessage" && c.fault === "hang")).toHaveLength(1);
    expect(answer.json.response_type).toBe("in_channel");
    expect((await store.listOpen()).items).toHaveLength(1);
  });

  it("an unexpected failure is an ephemeral apology with a reference, never a 500 or a stack", async () => {
    const broken = Object.create(store) as IncidentStore;
    broken.listOpen = async () => {
      throw new Error("DynamoDB exploded at /secret/path.ts:12");
    };
    handler = createSlackHandler(() => deps({ store: broken }));
    const answer = await command("list");
    expect(answer.status).toBe(200);
    expect(answer.json.response_type).toBe("ephemeral");
    expect(answer.json.text).toMatch(/^Sorry, something went wrong on our side \(reference `[0-9a-f]{8}`\)/);
    expect(answer.body).not.toMatch(/exploded|secret|\.ts/);
  });
});

describe("the declare modal", () => {
  it("`declare` alone opens it; its submission declares (UTF-8 title from the fixture)", async () => {
    const trigger = "8412093571204.8123456701.5e0c1d2b3a4f5e6d7c8b9a0f1e2d3c4b";
    const open = await send(
      commandBody({
        text: "declare",
        user_id: DANA.id,
        user_name: DANA.name,
        channel_id: CHANNEL,
        trigger_id: trigger,
      }),
    );
    expect(open).toMatchObject({ status: 200, body: "" });
    const [call] = calls("views.open");
    expect(call?.body).toMatchObject({
      trigger_id: trigger,
      view: {
        type: "modal",
        callback_id: DECLARE_MODAL.callbackId,
        private_metadata: JSON.stringify({ channel_id: CHANNEL }),
      },
    });

    const submitted = await send(slackFixtureText("view-submission.body.txt"));
    expect(submitted).toMatchObject({ status: 200, body: "" });
    const { items } = await store.listOpen();
    expect(items).toMatchObject([{ title: "Auszahlungen hängen — 払い戻し停止 ✅", severity: "SEV1" }]);
    expect(calls("chat.postMessage")[0]?.body).toMatchObject({ channel: CHANNEL });
    expect(enqueued[0]).toMatchObject({ type: "slack.incident_declared", declaredBy: DANA.id });
  });

  it("text enters well-formed: a lone surrogate in the modal becomes U+FFFD, control characters go", async () => {
    const payload = slackFixture<{
      view: { state: { values: Record<string, Record<string, Record<string, unknown>>> } };
    }>("view-submission.payload.json");
    payload.view.state.values.title_block!.title_input!.value = "payouts \ud800 stuck\u0000\nagain";
    // The payload's JSON carries the lone surrogate as an escape, as a client could send it.
    expect((await send(interactiveBody(payload))).status).toBe(200);
    const command = await send(
      commandBody({
        text: "declare sev3 queue\u0007 backlog\u001b[0m",
        user_id: DANA.id,
        channel_id: CHANNEL,
      }),
    );
    expect(command.status).toBe(200);
    const titles = (await store.listOpen()).items.map((i) => i.title).sort();
    expect(titles).toEqual(["payouts \ufffd stuck again", "queue backlog[0m"]);
  });

  it("shows validation errors under the fields, and takes a commander", async () => {
    const payload = slackFixture<{
      view: { state: { values: Record<string, Record<string, Record<string, unknown>>> } };
    }>("view-submission.payload.json");
    const values = payload.view.state.values;
    values.title_block!.title_input!.value = "   ";
    const bad = await send(interactiveBody(payload));
    expect(bad.json).toEqual({ response_action: "errors", errors: { title_block: "must not be empty" } });

    values.title_block!.title_input!.value = "Queue backlog";
    values.commander_block!.commander_select!.selected_user = BOB.id;
    expect((await send(interactiveBody(payload))).status).toBe(200);
    const [incident] = (await store.listOpen()).items as [Incident];
    expect(incident.roles?.ic?.personId).toBe(BOB.id);
  });
});

describe("buttons", () => {
  it("Acknowledge runs the use case and updates the message in place, showing who acted", async () => {
    const { incident, message } = await declared();
    const answer = await click(ACTIONS.ack, incident.id, message, BOB);
    expect(answer.status).toBe(200);
    expect((await store.getIncident(incident.id))!.status).toBe("acknowledged");
    const [update] = calls("chat.update");
    expect(update?.body).toMatchObject({ channel: message.channel, ts: message.ts });
    expect(update?.body.text).toContain(`Acknowledged by <@${BOB.id}>`);
    const blocks = JSON.stringify(update?.body.blocks);
    expect(blocks).toContain("acknowledged");
    expect(blocks).not.toContain(ACTIONS.ack); // no second Acknowledge
    expect(blocks).toContain(ACTIONS.resolve);
    expect(fake.messages.get(`${message.channel}:${message.ts}`)?.text).toContain("is acknowledged");
  });

  it("accepts the fixture's INC-n button value too", async () => {
    const { message } = await declared();
    await click(ACTIONS.ack, "INC-1", message, BOB);
    expect(calls("chat.update")).toHaveLength(1);
  });

  it.each([2, 6])(
    "%i concurrent Acknowledge clicks: one wins, the others are told 'already acknowledged'",
    async (n) => {
      const { incident, message } = await declared();
      const users = Array.from({ length: n }, (_, i) => ({ id: `U0CLICK${i}`, name: `clicker${i}` }));
      const answers = await Promise.all(users.map((user) => click(ACTIONS.ack, incident.id, message, user)));
      expect(answers.map((a) => a.status)).toEqual(users.map(() => 200));
      const updates = calls("chat.update");
      const ephemerals = calls("chat.postEphemeral");
      expect(updates).toHaveLength(1);
      expect(ephemerals).toHaveLength(n - 1);
      for (const e of ephemerals)
        expect(e.body).toMatchObject({ channel: CHANNEL, text: "INC-1 is already acknowledged." });
      const winner = users.find((u) => String(updates[0]?.body.text).includes(u.id))!;
      expect(ephemerals.map((e) => e.body.user).sort()).toEqual(
        users
          .filter((u) => u !== winner)
          .map((u) => u.id)
          .sort(),
      );

      const { incident: after, timeline } = (await store.getIncidentWithTimeline(incident.id))!;
      expect(after).toMatchObject({ status: "acknowledged", version: incident.version + 1 });
      const changes = timeline.filter((e) => e.kind === "incident.status_changed");
      expect(changes).toHaveLength(1);
      expect(changes[0]?.actor.id).toBe(winner.id);
    },
  );

  it("Take IC, then Resolve (only for responders; a confirmed resolve updates the message)", async () => {
    const { incident, message } = await declared();
    await click(ACTIONS.takeIc, incident.id, message, BOB);
    expect((await store.getIncident(incident.id))!.roles?.ic).toMatchObject({
      personId: BOB.id,
      personName: "bob",
    });
    expect(calls("chat.update")[0]?.body.text).toContain(`IC taken by <@${BOB.id}>`);

    await click(ACTIONS.takeIc, incident.id, message, BOB);
    expect(calls("chat.postEphemeral")[0]?.body.text).toBe(
      "You are already the incident commander of INC-1.",
    );

    await click(ACTIONS.resolve, incident.id, message, CAROL);
    expect(calls("chat.postEphemeral")[1]?.body).toMatchObject({ user: CAROL.id });
    expect(String(calls("chat.postEphemeral")[1]?.body.text)).toMatch(/ask its incident commander \(bob\)/);
    expect((await store.getIncident(incident.id))!.status).toBe("declared");

    await click(ACTIONS.resolve, incident.id, message, BOB);
    expect((await store.getIncident(incident.id))!.status).toBe("resolved");
    const last = calls("chat.update").at(-1)!;
    expect(last.body.text).toContain(`Resolved by <@${BOB.id}>`);
    expect(JSON.stringify(last.body.blocks)).not.toContain(ACTIONS.resolve);
    expect(JSON.stringify(last.body.blocks)).toContain(ACTIONS.view);
  });

  it("View in dashboard is acknowledged and does nothing else", async () => {
    const { incident, message } = await declared();
    const answer = await click(ACTIONS.view, incident.id, message, BOB);
    expect(answer.status).toBe(200);
    expect(calls("chat.update")).toHaveLength(0);
    expect(calls("chat.postEphemeral")).toHaveLength(0);
  });
});

describe("request security", () => {
  const list = commandBody({ text: "declare sev1 should never exist" });
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    ["a bad signature", () => ({ secret: "not-the-secret" })],
    ["a stale timestamp", () => ({ timestamp: now() - 301 })],
    // Well past the 5 minutes: a second may tick between signing and checking.
    ["a future timestamp", () => ({ timestamp: now() + 360 })],
  ])("refuses %s with 401, running no listener", async (_name, options) => {
    const answer = await send(list, options());
    expect(answer).toMatchObject({ status: 401, body: "" });
    expect(fake.calls).toEqual([]);
    expect((await store.listOpen()).items).toEqual([]);
  });

  it("refuses another workspace (403), running no listener", async () => {
    const answer = await send(commandBody({ text: "declare sev1 should never exist", team_id: "T0EVIL" }));
    expect(answer.status).toBe(403);
    const payload = structuredClone(blockActions);
    payload.team = { id: "T0EVIL", domain: "evil" };
    expect((await send(interactiveBody(payload))).status).toBe(403);
    expect(fake.calls).toEqual([]);
    expect((await store.listOpen()).items).toEqual([]);
  });

  it("Bolt's own check (without ours) also answers 401 for a bad signature and a stale timestamp", async () => {
    const { handle } = createSlackApp({ ...deps(), botId: FAKE_BOT_ID, botUserId: FAKE_BOT_USER_ID });
    const context = lambdaContext("slack");
    const bad = signedEvent(list, { secret: "not-the-secret", base64: false });
    expect((await handle(bad, context)).statusCode).toBe(401);
    const stale = signedEvent(list, { secret: SECRET, timestamp: now() - 301, base64: false });
    expect((await handle(stale, context)).statusCode).toBe(401);
    const good = signedEvent(commandBody({ text: "help" }), { secret: SECRET, base64: false });
    expect((await handle(good, context)).statusCode).toBe(200);
  });

  it("a command or modal submission without a user is told so in Slack, and nothing is run or stored", async () => {
    const declare = new URLSearchParams(commandBody({ text: "declare sev1 nobody declared this" }));
    declare.delete("user_id");
    const answer = await send(declare.toString());
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ response_type: "ephemeral", text: NO_USER_TEXT });

    const payload = slackFixture<Record<string, unknown>>("view-submission.payload.json");
    const { user: _user, ...submittedByNobody } = payload;
    const submitted = await send(interactiveBody(submittedByNobody));
    expect(submitted.status).toBe(200);
    expect(submitted.json).toEqual({ response_action: "errors", errors: { title_block: NO_USER_TEXT } });

    expect(fake.calls).toEqual([]);
    expect(enqueued).toEqual([]);
    expect((await store.listOpen()).items).toEqual([]);
    expect(await store.getIncidentByNumber(1)).toBeUndefined();
  });

  it("answers ssl_check with 200 and nothing else", async () => {
    expect(await send(slackFixtureText("ssl-check.body.txt"))).toMatchObject({ status: 200, body: "" });
  });

  it("bug 1: a UTF-8 JSON body with isBase64Encoded is read as UTF-8", async () => {
    const body = JSON.stringify({
      type: "event_callback",
      team_id: FIXTURE_TEAM_ID,
      api_app_id: "A08FIREBRK1",
      event_id: "Ev0001",
      event_time: now(),
      event: { type: "app_mention", user: DANA.id, text: "Checkout — ÄÖÜ ✅", ts: "1.1", channel: CHANNEL },
    });
    const answer = await send(body, { contentType: "application/json", base64: true });
    expect(answer.status).toBe(200);
  });

  it("bug 2: `application/x-www-form-urlencoded; charset=utf-8` works", async () => {
    await declared();
    const answer = await send(commandBody({ text: "list" }), {
      contentType: "application/x-www-form-urlencoded; charset=utf-8",
    });
    expect(answer.status).toBe(200);
    expect(answer.json.text).toContain("INC-1");
  });
});

describe("parameters carried twice, and replays (end to end, before any listener runs)", () => {
  const now = () => Math.floor(Date.now() / 1000);

  it("refuses a form carrying team_id twice (the wrong one first, the right one last) with 400", async () => {
    const right = commandBody({ text: "declare sev1 should never exist", user_id: DANA.id });
    const answer = await send(`team_id=T0EVIL&${right}`);
    expect(answer).toMatchObject({ status: 400, body: "" });
    expect(fake.calls).toEqual([]);
    expect((await store.listOpen()).items).toEqual([]);
  });

  it("refuses an interactive payload carrying a key twice, escaped or not, with 400", async () => {
    const { team: _team, ...rest } = structuredClone(blockActions);
    const json = JSON.stringify(rest);
    const twice = `{"team":{"id":"T0EVIL","domain":"evil"},${json.slice(1, -1)},"team":{"id":"${FIXTURE_TEAM_ID}"}}`;
    expect(JSON.parse(twice).team.id).toBe(FIXTURE_TEAM_ID);
    expect(await send(new URLSearchParams({ payload: twice }).toString())).toMatchObject({ status: 400 });
    const escaped = twice.replace('"team":{"id":"T0EVIL"', '"te\\u0061m":{"id":"T0EVIL"');
    expect(await send(new URLSearchParams({ payload: escaped }).toString())).toMatchObject({ status: 400 });
    expect(fake.calls).toEqual([]);
  });

  it("refuses a JSON body carrying team_id twice, and one nested deeper than 64 levels, with 400", async () => {
    const twice = `{"type":"event_callback","team_id":"T0EVIL","event":{"type":"app_mention"},"team_id":"${FIXTURE_TEAM_ID}"}`;
    expect(await send(twice, { contentType: "application/json" })).toMatchObject({ status: 400 });
    const deep = `{"type":"event_callback","team_id":"${FIXTURE_TEAM_ID}","event":${"[".repeat(100)}${"]".repeat(100)}}`;
    expect(await send(deep, { contentType: "application/json" })).toMatchObject({ status: 400 });
  });

  it("acts once on a signed command replayed inside the 5 minutes; the replay gets an ephemeral 200", async () => {
    const event = signedEvent(
      commandBody({ text: "declare sev2 replayed checkout", user_id: DANA.id, user_name: DANA.name }),
      { secret: SECRET, timestamp: now() },
    );
    const first = await invoke(structuredClone(event));
    expect(first.status).toBe(200);
    expect(first.json.text).toMatch(/^Declared SEV2 INC-1\./);
    for (let i = 0; i < 3; i++) {
      const replay = await invoke(structuredClone(event));
      expect(replay.status).toBe(200);
      expect(replay.json).toEqual({
        response_type: "ephemeral",
        text: expect.stringMatching(/^Already handled/),
      });
    }
    expect((await store.listOpen()).items.map((i) => i.title)).toEqual(["replayed checkout"]);
    expect(calls("chat.postMessage")).toHaveLength(1);
    expect(enqueued).toHaveLength(1);
    // One small key with a TTL, past the request's 5-minute window.
    const sig = event.headers["x-slack-signature"]!.slice(3);
    const key = await store.db.send(
      new GetCommand({ TableName: store.tableName, Key: { pk: `DELIVERY#slack:${sig}`, sk: "DELIVERY" } }),
    );
    expect(key.Item?.expiresAt).toBeGreaterThan(Number(event.headers["x-slack-request-timestamp"]) + 300);
  });

  it("acts once on a replayed button click: an empty 200, no listener, no Slack call", async () => {
    const { incident, message } = await declared();
    const click = signedEvent(clickBody(ACTIONS.ack, incident.id, message, DANA), { secret: SECRET });
    expect((await invoke(structuredClone(click))).status).toBe(200);
    expect(calls("chat.update")).toHaveLength(1);
    const slackCalls = fake.calls.length;
    expect(await invoke(structuredClone(click))).toMatchObject({ status: 200, body: "" });
    // Not even an "already acknowledged": the replay runs no listener at all.
    expect(fake.calls).toHaveLength(slackCalls);
    const { timeline } = (await store.getIncidentWithTimeline(incident.id))!;
    expect(timeline.filter((e) => e.kind === "incident.status_changed")).toHaveLength(1);
  });
});

describe("mrkdwn injection", () => {
  const TITLE = "<!channel> & <@U123>";
  const ESCAPED = "&lt;!channel&gt; &amp; &lt;@U123&gt;";

  function expectNothingRaw() {
    const all = everything();
    expect(all).not.toContain("<!channel");
    expect(all).not.toContain("<!here");
    expect(all).not.toContain("<@U123>");
    expect(all).not.toContain("<@U123|");
  }

  it("an untrusted title is escaped in every Slack text and block, and in every answer", async () => {
    // As Slack sends the title typed literally (escaped once) and the modal's raw plain_text value.
    const { incident, message } = await declared("declare sev1 &lt;!channel&gt; &amp; &lt;@U123&gt;");
    expect(incident.title).toBe(TITLE);
    const payload = slackFixture<{
      view: { state: { values: Record<string, Record<string, Record<string, unknown>>> } };
    }>("view-submission.payload.json");
    payload.view.state.values.title_block!.title_input!.value = TITLE;
    await send(interactiveBody(payload));

    await click(ACTIONS.ack, incident.id, message, BOB);
    await click(ACTIONS.ack, incident.id, message, CAROL); // an ephemeral error
    await command("update INC-1 <!here> told <@U123|mallory> &amp; all", BOB);
    await command("status INC-1");
    await command("list");
    await command(`assign ic <@${BOB.id}|bob> INC-1`, BOB);
    await command("resolve INC-1 <!channel> fixed &lt;it&gt;", BOB);
    fake.failNext("chat.postMessage", 1, { slackError: "not_in_channel" });
    await command("declare sev3 &lt;!here&gt; again");

    const texts = fake.calls.filter(
      (c) => ["chat.postMessage", "chat.update"].includes(c.method) && !c.fault,
    );
    expect(texts.length).toBeGreaterThanOrEqual(3);
    for (const call of texts) expect(JSON.stringify(call.body)).toContain(ESCAPED);
    expectNothingRaw();
    const update = (await store.getIncidentWithTimeline(incident.id))!.timeline.find(
      (e) => e.kind === "incident.update_posted",
    );
    expect(update?.data.text).toBe("@here told @mallory & all");
  });
});

describe("/incident page (with an on-call directory)", () => {
  const DEMO = parseDirectoryYaml(
    readFileSync(new URL("../../../examples/directory.yaml", import.meta.url), "utf8"),
  );
  const PEOPLE = new Map([
    [DANA.id, { id: "dana", name: "Dana Fischer" }],
    ["U05MARIA13", { id: "maria", name: "María Gómez" }],
  ]);
  beforeEach(() => {
    handler = createSlackHandler(() =>
      deps({
        directory: async () => DEMO,
        personFor: (slackUserId) => {
          const person = PEOPLE.get(slackUserId);
          return person ? { directory: true, person } : { directory: true };
        },
      }),
    );
  });

  it("pages a mentioned person or a team's on-call into the incident, recorded under the directory person", async () => {
    const { incident } = await declared();
    const answer = await command("page <@U05MARIA13|maria> INC-1 we need the database owner", DANA);
    expect(answer.json.response_type).toBe("in_channel");
    expect(answer.json.text).toContain("is paging María Gómez: we need the database owner");
    const team = await command("page team:payments INC-1", DANA);
    expect(team.json.text).toMatch(/is paging .+ \(team payments's on-call\)/);
    const requested = (await store.getIncidentWithTimeline(incident.id))!.timeline.filter(
      (e) => e.kind === "incident.responder_requested",
    );
    expect(requested.map((e) => e.actor)).toEqual([
      { type: "slack", id: "dana", name: "Dana Fischer" },
      { type: "slack", id: "dana", name: "Dana Fischer" },
    ]);
    expect(requested[0]!.data.people).toEqual([{ personId: "maria", name: "María Gómez" }]);

    // Someone Firebreak cannot page, a bare @name, a team it does not know, and a user outside the directory.
    expect((await command(`page <@${CAROL.id}|carol> INC-1`, DANA)).json.text).toMatch(
      /^@?carol is not in the on-call directory: Firebreak has no way to page them\.\nUsage: /,
    );
    expect((await command("page @maria INC-1", DANA)).json.text).toMatch(
      /^expected a mention \(@user\) or team:&lt;id&gt;, got "@maria" \(mention them/,
    );
    expect((await command("page team:nope INC-1", DANA)).json.text).toMatch(
      /^That did not work: team: unknown team "nope"/,
    );
    expect((await command("page <@U05MARIA13|maria> INC-1", CAROL)).json.text).toMatch(
      /^Only people in the on-call directory may page people into INC-1/,
    );

    // Assigning a role: --page pages a directory person; someone outside the directory never is.
    expect((await command("assign ops <@U05MARIA13|maria> INC-1 --page", ADMIN)).json.response_type).toBe(
      "in_channel",
    );
    expect((await command(`assign comms <@${CAROL.id}|carol> INC-1 --page`, ADMIN)).json.response_type).toBe(
      "in_channel",
    );
    const pagedIn = (await store.getIncidentWithTimeline(incident.id))!.timeline.filter(
      (e) =>
        e.kind === "incident.responder_requested" && (e.data.request as { type: string }).type === "role",
    );
    expect(pagedIn.map((e) => e.data.people)).toEqual([[{ personId: "maria", name: "María Gómez" }]]);

    // Who is on call: every team, or the one owning a service; privately.
    const oncall = await command("oncall", CAROL);
    expect(oncall.json.response_type).toBe("ephemeral");
    expect(oncall.json.text).toMatch(/^\*Checkout\* \(checkout, cart\)\n• Level 1: .+ until <!date\^\d+\^/);
    expect(oncall.json.text).toContain("*Payments* (payments, refunds, ledger)");
    const refunds = (await command("oncall refunds", CAROL)).json.text as string;
    expect(refunds.startsWith("*Payments*")).toBe(true);
    expect(refunds).not.toContain("*Checkout*");
    // A service nobody owns goes to the directory's default team (platform in the demo).
    expect(
      ((await command("oncall unowned-thing", CAROL)).json.text as string).startsWith("*Platform*"),
    ).toBe(true);
    expect((await command("oncall team:nope", CAROL)).json.text).toBe(
      "The on-call directory has no team nope.",
    );

    // Escalate now and re-page: on the timeline under the person, for directory people only.
    const escalated = await command("escalate INC-1 level 1 is on a plane", DANA);
    expect(escalated.json.response_type).toBe("in_channel");
    expect(escalated.json.text).toContain("is escalating to the next level now: level 1 is on a plane");
    expect((await command("repage INC-1", DANA)).json.text).toContain("is paging the current level again");
    const asked = (await store.getIncidentWithTimeline(incident.id))!.timeline.filter(
      (e) => e.kind === "incident.escalation_requested",
    );
    expect(asked.map((e) => [e.data.mode, e.actor.id])).toEqual([
      ["next", "dana"],
      ["repage", "dana"],
    ]);
    expect((await command("escalate INC-1", BOB)).json.text).toMatch(
      /^Only people in the on-call directory may escalate or re-page INC-1/,
    );
  });
});

describe("/incident cover (shift overrides, with the on-call directory)", () => {
  const DEMO = parseDirectoryYaml(
    readFileSync(new URL("../../../examples/directory.yaml", import.meta.url), "utf8"),
  );
  const PEOPLE = new Map([
    [DANA.id, { id: "dana", name: "Dana Fischer" }],
    [BOB.id, { id: "bob", name: "Bob Okafor" }],
  ]);
  // A pinned instant (requests are signed at it): Saturday 2026-03-14, Berlin on UTC+1.
  const clock = { now: () => new Date("2026-03-14T09:00:00.000Z") };
  const at = (text: string, user: User) =>
    send(commandBody({ text, user_id: user.id, user_name: user.name, channel_id: CHANNEL }), {
      timestamp: Math.floor(clock.now().getTime() / 1000),
    });
  let directory: DirectoryStore;
  beforeEach(async () => {
    directory = new DirectoryStore(store.db, store.tableName, clock);
    await directory.apply(DEMO);
    handler = createSlackHandler(() =>
      deps({
        clock,
        directory: async () => (await directory.get())?.directory,
        overrides: directory,
        personFor: (slackUserId) => {
          const person = PEOPLE.get(slackUserId);
          return person ? { directory: true, person } : { directory: true };
        },
      }),
    );
  });

  it("gives a shift away in the requester's time zone, lists it, and the covered person cancels it", async () => {
    const given = await at(
      `cover <@${BOB.id}|bob> 2026-03-20 10:00 – 2026-03-21 10:00 rotation:checkout-primary swapping weekends`,
      DANA,
    );
    expect(given.json.response_type).toBe("in_channel");
    expect(given.json.text).toMatch(
      /^🔁 \*OV-1\* Bob Okafor on call in checkout-primary · <!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-03-20T09:00:00\.000Z> → <!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-03-21T09:00:00\.000Z> · swapping weekends \(times read in Europe\/Berlin\), by Dana Fischer\. Cancel with `\/incident cover cancel OV-1`\.$/,
    );
    expect((await directory.get())?.overrides).toMatchObject([
      {
        id: "OV-1",
        rotationId: "checkout-primary",
        personId: "bob",
        from: "2026-03-20T09:00:00.000Z",
        to: "2026-03-21T09:00:00.000Z",
        createdBy: { type: "slack", id: "dana", name: "Dana Fischer" },
      },
    ]);

    const listed = await at("cover list", CAROL);
    expect(listed.json.response_type).toBe("ephemeral");
    expect(listed.json.text).toMatch(
      /^\*Shift overrides \(1\)\*\n\*OV-1\* Bob Okafor on call in checkout-primary · /,
    );

    // Someone outside the directory may not; a time that is not one is said so.
    expect((await at("cover me 2026-03-20 10:00 – 2026-03-21 10:00", CAROL)).json.text).toBe(
      "Only people in the on-call directory may take, give away or cancel shifts, and you are not in it: ask an admin to add you to the directory.",
    );
    expect((await at(`cover <@${BOB.id}|bob> tomorrow – later`, DANA)).json.text).toMatch(
      /^expected when the cover starts, as YYYY-MM-DD HH:MM, got "tomorrow"\nUsage: /,
    );
    expect(
      (await at(`cover <@${BOB.id}|bob> 2026-03-21 10:00 – 2026-03-20 10:00 rotation:checkout-primary`, DANA))
        .json.text,
    ).toBe("That did not work: to: must be after from");

    const cancelled = await at("cover cancel ov-1", BOB);
    expect(cancelled.json.text).toMatch(
      /^✖️ \*OV-1\* Bob Okafor on call in checkout-primary .+: cancelled by Bob Okafor$/,
    );
    expect((await directory.get())?.overrides).toEqual([]);
    expect((await at("cover cancel OV-1", BOB)).json.text).toMatch(
      /^OV-1 is not a shift override that has not ended\.\nUsage: /,
    );
  });
});

describe("/incident maintenance (with an on-call directory)", () => {
  const PEOPLE = new Map([[DANA.id, { id: "dana", name: "Dana Fischer" }]]);
  let maintenance: MaintenanceStore;
  beforeEach(() => {
    maintenance = new MaintenanceStore(store.db, store.tableName);
    handler = createSlackHandler(() =>
      deps({
        maintenance,
        personFor: (slackUserId) => {
          const person = PEOPLE.get(slackUserId);
          return person ? { directory: true, person } : { directory: true };
        },
      }),
    );
  });

  it("schedules, lists and cancels windows, recorded under the directory person", async () => {
    const scheduled = await command(
      "maintenance checkout,payments 2h database upgrade <!here> <@U0BOB0001>",
      DANA,
    );
    expect(scheduled.json.response_type).toBe("in_channel");
    expect(scheduled.json.text).toMatch(
      /^🚧 \*MW-1\* scheduled by Dana Fischer: alarms of checkout, payments are held, not paged, now until <!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+>: database upgrade @here @U0BOB0001\.\nWhen it ends, each alarm still firing opens its incident\. Cancel it early: `\/incident maintenance cancel MW-1`$/,
    );
    const window = await maintenance.get(1);
    expect(window).toMatchObject({
      services: ["checkout", "payments"],
      reason: "database upgrade @here @U0BOB0001",
      createdBy: { type: "slack", id: "dana", name: "Dana Fischer" },
    });
    expect(Date.parse(window!.to) - Date.parse(window!.from)).toBe(2 * 3_600_000);

    // Anyone may list; the list is private.
    const listed = await command("maintenance list payments", CAROL);
    expect(listed.json.response_type).toBe("ephemeral");
    expect(listed.json.text).toMatch(
      /^\*Maintenance windows for payments\*\n• 🚧 \*MW-1\* checkout, payments · active · /,
    );
    expect((await command("mw list ledger", CAROL)).json.text).toBe(
      "No maintenance windows for ledger now, ahead, or in the last 7 days.",
    );

    // Someone outside the directory may not hold pages, nor cancel a window.
    for (const text of ["maintenance checkout 1h quiet please", "maintenance cancel MW-1"]) {
      const refused = await command(text, CAROL);
      expect(refused.json.response_type).toBe("ephemeral");
      expect(refused.json.text).toMatch(
        /^Only people in the on-call directory may schedule or cancel maintenance windows/,
      );
    }
    expect(await maintenance.get(2)).toBeUndefined();

    const cancelled = await command("maintenance cancel mw-1", DANA);
    expect(cancelled.json.response_type).toBe("in_channel");
    expect(cancelled.json.text).toMatch(/^✖️ \*MW-1\* cancelled by Dana Fischer: /);
    expect((await maintenance.get(1))?.cancelledBy).toEqual({
      type: "slack",
      id: "dana",
      name: "Dana Fischer",
    });
    const again = await command("maintenance cancel MW-1", DANA);
    expect(again.json.response_type).toBe("ephemeral");
    expect(again.json.text).toMatch(/^MW-1 has already ended\.\nUsage: /);
    expect((await command("maintenance cancel MW-9", DANA)).json.text).toMatch(
      /^MW-9 was not found\.\nUsage: /,
    );
    expect((await command("maintenance checkout 9d too long", DANA)).json.text).toBe(
      "That did not work: to: a window lasts at most 7 days",
    );
    expect((await command("maintenance checkout soon x", DANA)).json.text).toMatch(
      /^"soon" is not a duration/,
    );
  });
});

describe("one identity per person, and who may act (with an on-call directory)", () => {
  // DANA and BOB are directory people; CAROL is in the workspace, not in the directory.
  const PEOPLE = new Map([
    [DANA.id, { id: "dana", name: "Dana Fischer" }],
    [BOB.id, { id: "bob", name: "Bob Okafor" }],
  ]);
  beforeEach(() => {
    handler = createSlackHandler(() =>
      deps({
        personFor: (slackUserId) => {
          const person = PEOPLE.get(slackUserId);
          return person ? { directory: true, person } : { directory: true };
        },
      }),
    );
  });

  it("records actions and roles under the directory person, never a Slack id", async () => {
    const { incident, message } = await declared();
    await click(ACTIONS.takeIc, incident.id, message, DANA);
    expect((await command(`assign ops <@${BOB.id}|bob> INC-1`, DANA)).json.response_type).toBe("in_channel");
    expect((await command("ack INC-1", BOB)).json.response_type).toBe("in_channel");
    const found = (await store.getIncidentWithTimeline(incident.id))!;
    expect(found.incident.roles).toMatchObject({
      ic: { personId: "dana", personName: "Dana Fischer" },
      ops: { personId: "bob", personName: "Bob Okafor" },
    });
    const byKind = (kind: string) => found.timeline.filter((e) => e.kind === kind).map((e) => e.actor);
    expect(byKind("incident.status_changed")).toEqual([{ type: "slack", id: "bob", name: "Bob Okafor" }]);
    expect(byKind("incident.role_assigned").map((a) => a.id)).toEqual(["dana", "dana"]);
    expect(JSON.stringify(found.timeline)).not.toMatch(/U08DANA4K7P|U0BOB0001/);
    // The IC's own commands still count as the IC's (the Slack id maps to the same person).
    expect((await command("resolve INC-1 fixed", DANA)).json.response_type).toBe("in_channel");
  });

  it("the declarer may take command of their own incident after the on-call was made IC", async () => {
    const { incident } = await declared(); // declared by Dana
    expect((await store.getIncident(incident.id))!.declaredBy).toEqual({
      type: "slack",
      id: "dana",
      name: "Dana Fischer",
    });
    expect((await command(`assign ic <@${BOB.id}|bob> INC-1`, ADMIN)).json.response_type).toBe("in_channel");
    const taken = await command(`assign ic <@${DANA.id}|dana.k> INC-1`, DANA);
    expect(taken.json.response_type).toBe("in_channel");
    expect((await store.getIncident(incident.id))!.roles?.ic).toMatchObject({ personId: "dana" });
    // Someone else (not the declarer, holding no role) still may not.
    expect((await command(`assign ic <@${CAROL.id}|carol> INC-1`, CAROL)).json.text).toMatch(
      /^Only INC-1's incident commander/,
    );
  });

  it("reopen: a role holder reopens a resolved incident with a reason; nothing to reopen otherwise", async () => {
    const { incident, message } = await declared();
    await click(ACTIONS.takeIc, incident.id, message, DANA);
    expect((await command("reopen INC-1 too early", DANA)).json.text).toMatch(
      /^INC-1 is declared, not resolved/,
    );
    expect((await command("resolve INC-1 fixed", DANA)).json.response_type).toBe("in_channel");
    expect((await command("reopen INC-1 the 5xx are back", CAROL)).json.text).toMatch(
      /^Only INC-1's incident commander/,
    );
    const reopened = await command("reopen INC-1 the 5xx are back", DANA);
    expect(reopened.json.response_type).toBe("in_channel");
    expect(reopened.json.text).toContain("is reopened: the 5xx are back. Paging starts again");
    const found = (await store.getIncidentWithTimeline(incident.id))!;
    expect(found.incident).toMatchObject({ status: "declared", reopens: 1 });
    expect(found.timeline.at(-1)).toMatchObject({
      kind: "incident.status_changed",
      actor: { type: "slack", id: "dana", name: "Dana Fischer" },
      data: { reopened: true, reason: "the 5xx are back" },
    });
  });

  it("merge: a role holder merges a duplicate into the survivor; others are refused; link and unlink", async () => {
    const { incident, message } = await declared();
    const survivor = (await declared("declare sev1 checkout is down service:checkout")).incident;
    await click(ACTIONS.takeIc, incident.id, message, DANA);
    expect((await command("merge INC-1 into INC-2", CAROL)).json.text).toMatch(
      /^Only INC-1's incident commander/,
    );
    expect((await command("merge INC-1 into INC-99", DANA)).json.text).toBe("INC-99 does not exist.");

    const merged = await command("merge INC-1 into INC-2 same outage", DANA);

    expect(merged.json.response_type).toBe("in_channel");
    expect(merged.json.text).toBe(
      "SEV2 INC-1 *checkout 5xx spike* was merged into SEV1 INC-2 *checkout is down* by Dana Fischer: same outage. It is resolved and its pages stop: follow INC-2 from now on.",
    );
    const found = (await store.getIncidentWithTimeline(incident.id))!;
    expect(found.incident).toMatchObject({ status: "resolved", mergedInto: { id: survivor.id, number: 2 } });
    expect(found.timeline.find((e) => e.kind === "incident.merged")?.actor).toEqual({
      type: "slack",
      id: "dana",
      name: "Dana Fischer",
    });
    expect((await command("merge INC-1 into INC-2", DANA)).json.text).toBe(
      "INC-1 was merged into INC-2 already.",
    );
    // Merging the survivor into the resolved duplicate: refused as core states it.
    expect((await command("merge INC-2 into INC-1", ADMIN)).json.text).toBe(
      "INC-1 is resolved: merge INC-2 into an open incident, or reopen INC-1 first.",
    );

    // Linking is for people of the directory; the pair is linked once, both ways.
    expect((await command("link INC-1 INC-2", CAROL)).json.text).toMatch(
      /^Only people in the on-call directory may link/,
    );
    const linked = await command("link INC-1 INC-2 same cause", BOB);
    expect(linked.json.text).toBe(
      "SEV1 INC-2 *checkout is down* is linked to SEV2 INC-1 *checkout 5xx spike* by Bob Okafor: same cause",
    );
    expect((await store.getIncident(incident.id))!.links).toMatchObject([{ id: survivor.id }]);
    expect((await command("link INC-2 INC-1", BOB)).json.text).toBe("INC-1 and INC-2 are linked already.");
    expect((await command("unlink INC-1 INC-2", BOB)).json.text).toContain(
      "is no longer linked to SEV2 INC-1",
    );
    expect((await store.getIncident(survivor.id))!.links).toEqual([]);
    expect((await command("link INC-1", BOB)).json.text).toMatch(/^Which incident\? Add its number/);
  });

  it("someone outside the directory is recorded by their Slack display name, never a lowercased id", async () => {
    const { incident } = await declared();
    const stranger = { id: "U0XAVIER9", name: "u0xavier9" };
    await command("update INC-1 looking at the load balancer", stranger);
    const entry = (await store.getIncidentWithTimeline(incident.id))!.timeline.at(-1)!;
    // The fake's profile for an unknown user: display name = the lowercased id (unusable), real name "User U0XAVIER9".
    expect(entry.actor).toEqual({ type: "slack", id: "U0XAVIER9", name: "User U0XAVIER9" });
    expect(JSON.stringify(entry)).not.toContain("u0xavier9");
    // users.info failing: the command's own user_name is used only when it is not the id in disguise.
    fake.failNext("users.info", 1, { slackError: "ratelimited" });
    const other = { id: "U0YVONNE7", name: "u0yvonne7" };
    await command("update INC-1 second opinion", other);
    const last = (await store.getIncidentWithTimeline(incident.id))!.timeline.at(-1)!;
    expect(last.actor).toEqual({ type: "slack", id: "U0YVONNE7" });
  });

  it("someone outside the directory cannot acknowledge or mitigate; the refusal says who can", async () => {
    const { incident, message } = await declared();
    await click(ACTIONS.takeIc, incident.id, message, DANA);
    const refused = await command("ack INC-1", CAROL);
    expect(refused.json.response_type).toBe("ephemeral");
    expect(refused.json.text).toBe(
      "Only people in the on-call directory may acknowledge INC-1, and you are not in it: ask its incident commander (Dana Fischer) or an admin, or ask an admin to add you to the directory.",
    );
    expect((await command("mitigate INC-1", CAROL)).json.text).toMatch(
      /^Only people in the on-call directory/,
    );
    await click(ACTIONS.ack, incident.id, message, CAROL);
    expect((await store.getIncident(incident.id))!.status).toBe("declared");
    // Anyone may still declare and post updates; an admin may do everything.
    expect((await command("update looking into it INC-1", CAROL)).json.text).toContain("looking into it");
    expect((await command("ack INC-1", ADMIN)).json.response_type).toBe("in_channel");
  });
});

describe("/incident action (with an on-call directory)", () => {
  const DIRECTORY = parseDirectoryYaml(
    readFileSync(new URL("../../../examples/directory.yaml", import.meta.url), "utf8"),
  );
  const PEOPLE = new Map([[DANA.id, { id: "dana", name: "Dana Fischer" }]]);
  beforeEach(() => {
    handler = createSlackHandler(() =>
      deps({
        directory: async () => DIRECTORY,
        personFor: (slackUserId) => {
          const person = PEOPLE.get(slackUserId);
          return person ? { directory: true, person } : { directory: true };
        },
      }),
    );
  });

  it("adds an item once, however often the same command arrives; closes it; lists it", async () => {
    // The Slack app checks signatures and due dates against Date: pinned for this test.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse("2026-03-14T09:00:00.000Z") });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    await command("declare checkout errors sev2 service:checkout", DANA);
    const body = commandBody({
      text: `action "Add a pre-deploy check" <@U01BOB0002|bob> due:2026-04-13 INC-1`,
      user_id: DANA.id,
      user_name: DANA.name,
      channel_id: CHANNEL,
    });
    // The same command (same trigger_id) delivered three times, each a new signed request.
    const now = Math.floor(Date.now() / 1000);
    const answers = [];
    for (const offset of [0, 1, 2]) answers.push(await send(body, { timestamp: now + offset }));
    expect(answers[0]?.json.response_type).toBe("in_channel");
    expect(answers[0]?.json.text).toMatch(
      /^🗒️ Action item added to INC-1 by Dana Fischer:\n• \*AI-1-1\* Add a pre-deploy check · Bob/,
    );
    expect(answers[2]?.json.text).toMatch(/^🗒️ Action item already added to INC-1/);
    const listed = await command("actions INC-1", CAROL);
    expect(listed.json.response_type).toBe("ephemeral");
    expect(listed.json.text).toMatch(/^\*Action items of INC-1\* \(1\):\n• \*AI-1-1\* /);

    // Someone outside the directory may not add or close one.
    const refused = await command("action done AI-1-1", CAROL);
    expect(refused.json.text).toMatch(
      /^Only people in the on-call directory may add or close action items of INC-1/,
    );

    const done = await command("action done AI-1-1", DANA);
    expect(done.json.response_type).toBe("in_channel");
    expect(done.json.text).toMatch(/^🗒️ \*AI-1-1\* is done \(by Dana Fischer\)/);
    expect((await command("action done AI-1-1", DANA)).json.text).toBe("*AI-1-1* was already done.");
    expect((await command("actions open", DANA)).json.text).toBe("Open action items: none.");
  });

  it("answers an unknown owner or a past date with what is wrong, and creates nothing", async () => {
    await command("declare checkout errors sev2 service:checkout", DANA);
    const unknown = await command('action "x" <@U0NOBODY1> INC-1', DANA);
    expect(unknown.json.response_type).toBe("ephemeral");
    expect(unknown.json.text).toContain('unknown person "U0NOBODY1"');
    const past = await command('action "x" me due:2001-01-01 INC-1', DANA);
    expect(past.json.text).toContain("2001-01-01 is in the past");
    expect((await command("actions INC-1", DANA)).json.text).toBe("Action items of INC-1: none.");
  });
});
