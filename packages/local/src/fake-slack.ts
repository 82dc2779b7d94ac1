import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake Slack Web API at the HTTP level: a node:http server on 127.0.0.1 answering
 * `POST /api/<method>` like Slack, so the real `@slack/web-api` WebClient (and Bolt, through
 * `clientOptions.slackApiUrl`) runs against it.
 *
 * Bodies: form (`application/x-www-form-urlencoded`, what the WebClient sends: nested values such
 * as `blocks` arrive JSON-encoded and are decoded here) or JSON. The token comes from
 * `Authorization: Bearer …` or a `token` field. Slack answers HTTP 200 with `{ ok: false, error }`
 * for method errors, 429 with `Retry-After` (seconds) when rate limited.
 *
 * Methods: auth.test, chat.postMessage, chat.update, chat.postEphemeral, conversations.open,
 * conversations.create, conversations.invite, conversations.list, conversations.archive, pins.add,
 * views.open, users.info. Others answer `unknown_method`.
 */

export interface FakeSlackCall {
  method: string;
  /** The decoded body (JSON-carrying form fields such as `blocks` parsed). */
  body: Record<string, unknown>;
  at: Date;
  token?: string;
  /** The fault injected into this call, if any. */
  fault?: SlackFault;
}

export type SlackFault =
  /** HTTP 429 with `Retry-After: <retryAfter>` (seconds). */
  | { status: 429; retryAfter: number }
  /** Any other HTTP error status, e.g. 500 or 503. */
  | { status: number }
  /** 200 `{ ok: false, error: slackError }`. */
  | { slackError: string }
  /** The request is never answered (until `stop`). */
  | "hang"
  /** The method runs (e.g. the channel is created) but the answer never comes: a timeout that happened anyway. */
  | "lost-response";

export interface FakeSlackUser {
  name?: string;
  realName?: string;
  email?: string;
  tz?: string;
  isBot?: boolean;
}

export interface FakeSlackOptions {
  /** When set, any other token is `invalid_auth`. Without it any non-empty token is accepted. */
  token?: string;
  /** Known users for `users.info`; other `U…`/`W…` ids get a made-up profile. */
  users?: Record<string, FakeSlackUser>;
  /** Called after each call that succeeded, with Slack's answer (the local runtime prints pages). */
  onCall?: (call: FakeSlackCall, answer: Record<string, unknown>) => void;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown;
  threadTs?: string;
}

export interface FakeSlackChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  members: Set<string>;
  pins: Set<string>;
  archived: boolean;
}

export interface FakeSlack {
  /** `http://127.0.0.1:<port>/api/`: pass as `slackApiUrl`. */
  url: string;
  /** Every call received, in order, faulted ones included. */
  readonly calls: FakeSlackCall[];
  /** Posted messages by `<channel>:<ts>` (after updates). */
  readonly messages: Map<string, FakeSlackMessage>;
  /** Channels made with conversations.create, by id. */
  readonly channels: Map<string, FakeSlackChannel>;
  /** The next `n` calls of `method` (or of any method, for `"*"`) get `fault`. Method-specific faults go first. */
  failNext(method: string, n: number, fault: SlackFault): void;
  /** Clears calls, messages, channels and pending faults. */
  reset(): void;
  stop(): Promise<void>;
}

export const FAKE_TEAM_ID = "T0FAKETEAM";
export const FAKE_BOT_USER_ID = "U0FAKEBOT";
export const FAKE_BOT_ID = "B0FAKEBOT";

/** Fields that carry JSON inside a form body. */
const JSON_FIELDS = new Set(["blocks", "attachments", "view", "metadata"]);
const CHANNEL_NAME = /^[a-z0-9_-]+$/;

type Answer = Record<string, unknown>;
class SlackError extends Error {
  constructor(readonly error: string) {
    super(error);
  }
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const calls: FakeSlackCall[] = [];
  const messages = new Map<string, FakeSlackMessage>();
  const channels = new Map<string, FakeSlackChannel>();
  const dms = new Map<string, string>();
  const faults = new Map<string, SlackFault[]>();
  let counter = 0;
  let lastTsSeconds = 0;
  let tsSequence = 0;

  const nextId = (prefix: string) => `${prefix}${(++counter).toString(36).toUpperCase().padStart(8, "0")}`;
  /** Unique, increasing `seconds.micro` timestamps, as Slack's. */
  const nextTs = () => {
    const seconds = Math.floor(Date.now() / 1000);
    if (seconds !== lastTsSeconds) {
      lastTsSeconds = seconds;
      tsSequence = 0;
    }
    tsSequence += 1;
    return `${seconds}.${String(tsSequence).padStart(6, "0")}`;
  };
  const dmFor = (user: string) => {
    let id = dms.get(user);
    if (!id) {
      id = nextId("D");
      dms.set(user, id);
    }
    return id;
  };
  const isUserId = (id: string) => /^[UW][A-Z0-9]+$/.test(id);
  const requireString = (body: Record<string, unknown>, field: string, error = "invalid_arguments") => {
    const value = body[field];
    if (typeof value !== "string" || value === "") throw new SlackError(error);
    return value;
  };
  const messageAt = (channel: string, ts: string) => {
    const message = messages.get(`${channel}:${ts}`);
    if (!message) throw new SlackError("message_not_found");
    return message;
  };
  const takeFault = (method: string) => faults.get(method)?.shift() ?? faults.get("*")?.shift();

  const methods: Record<string, (body: Record<string, unknown>) => Answer> = {
    "auth.test": () => ({
      url: "https://firebreak-fake.slack.com/",
      team: "Firebreak Fake",
      user: "firebreak",
      team_id: FAKE_TEAM_ID,
      user_id: FAKE_BOT_USER_ID,
      bot_id: FAKE_BOT_ID,
      is_enterprise_install: false,
    }),
    "chat.postMessage": (body) => {
      const target = requireString(body, "channel", "channel_not_found");
      if (body.text === undefined && body.blocks === undefined && body.attachments === undefined)
        throw new SlackError("no_text");
      const channel = isUserId(target) ? dmFor(target) : target;
      const ts = nextTs();
      const message: FakeSlackMessage = { channel, ts };
      if (typeof body.text === "string") message.text = body.text;
      if (body.blocks !== undefined) message.blocks = body.blocks;
      if (typeof body.thread_ts === "string") message.threadTs = body.thread_ts;
      messages.set(`${channel}:${ts}`, message);
      return { channel, ts, message: slackMessage(message) };
    },
    "chat.update": (body) => {
      const channel = requireString(body, "channel", "channel_not_found");
      const ts = requireString(body, "ts", "message_not_found");
      const message = messageAt(channel, ts);
      if (typeof body.text === "string") message.text = body.text;
      if (body.blocks !== undefined) message.blocks = body.blocks;
      return { channel, ts, text: message.text ?? "", message: slackMessage(message) };
    },
    "chat.postEphemeral": (body) => {
      requireString(body, "channel", "channel_not_found");
      requireString(body, "user", "user_not_in_channel");
      if (body.text === undefined && body.blocks === undefined) throw new SlackError("no_text");
      return { message_ts: nextTs() };
    },
    "conversations.open": (body) => {
      if (typeof body.channel === "string" && body.channel !== "")
        return { channel: { id: body.channel }, no_op: true, already_open: true };
      const users = typeof body.users === "string" ? body.users.split(",").map((u) => u.trim()) : [];
      if (users.length === 0 || users.some((u) => !isUserId(u)))
        throw new SlackError("users_list_not_supplied");
      const key = [...new Set(users)].sort().join(",");
      const existing = dms.get(key);
      if (existing) return { channel: { id: existing }, no_op: true, already_open: true };
      const id = nextId(key.includes(",") ? "G" : "D"); // a group DM for several users
      dms.set(key, id);
      return { channel: { id } };
    },
    "conversations.create": (body) => {
      const name = typeof body.name === "string" ? body.name : "";
      if (name === "") throw new SlackError("invalid_name_required");
      if (Array.from(name).length > 80) throw new SlackError("invalid_name_maxlength");
      if (!CHANNEL_NAME.test(name)) throw new SlackError("invalid_name_specials");
      if (/^[-_]+$/.test(name)) throw new SlackError("invalid_name_punctuation");
      if ([...channels.values()].some((c) => c.name === name)) throw new SlackError("name_taken");
      const isPrivate = body.is_private === true || body.is_private === "true";
      const channel: FakeSlackChannel = {
        id: nextId(isPrivate ? "G" : "C"),
        name,
        isPrivate,
        members: new Set([FAKE_BOT_USER_ID]),
        pins: new Set(),
        archived: false,
      };
      channels.set(channel.id, channel);
      return { channel: slackChannel(channel) };
    },
    "conversations.invite": (body) => {
      const id = requireString(body, "channel", "channel_not_found");
      const users = typeof body.users === "string" ? body.users.split(",").map((u) => u.trim()) : [];
      if (users.length === 0 || users.some((u) => u === "")) throw new SlackError("no_user");
      if (users.some((u) => !isUserId(u))) throw new SlackError("user_not_found");
      const channel = channels.get(id);
      if (!channel) return { channel: { id } }; // a channel the fake did not create: accepted
      if (channel.archived) throw new SlackError("is_archived");
      if (users.every((u) => channel.members.has(u))) throw new SlackError("already_in_channel");
      for (const user of users) channel.members.add(user);
      return { channel: slackChannel(channel) };
    },
    "conversations.list": (body) => {
      const limit = Math.min(1000, Math.max(1, Number(body.limit ?? 100) || 100));
      const start = typeof body.cursor === "string" && body.cursor !== "" ? Number(body.cursor) : 0;
      const excludeArchived = body.exclude_archived === true || body.exclude_archived === "true";
      const all = [...channels.values()].filter((c) => !(excludeArchived && c.archived));
      const page = all.slice(start, start + limit);
      const next = start + limit < all.length ? String(start + limit) : "";
      return { channels: page.map(slackChannel), response_metadata: { next_cursor: next } };
    },
    "conversations.archive": (body) => {
      const id = requireString(body, "channel", "channel_not_found");
      const channel = channels.get(id);
      if (!channel) throw new SlackError("channel_not_found");
      if (channel.archived) throw new SlackError("already_archived");
      channel.archived = true;
      return {};
    },
    "pins.add": (body) => {
      const id = requireString(body, "channel", "channel_not_found");
      const ts = requireString(body, "timestamp", "no_item_specified");
      messageAt(id, ts);
      const channel = channels.get(id);
      if (channel) {
        if (channel.pins.has(ts)) throw new SlackError("already_pinned");
        channel.pins.add(ts);
      }
      return {};
    },
    "views.open": (body) => {
      requireString(body, "trigger_id", "invalid_trigger_id");
      const view = body.view;
      if (typeof view !== "object" || view === null) throw new SlackError("invalid_arguments");
      return { view: { id: nextId("V"), team_id: FAKE_TEAM_ID, hash: `${Date.now()}.fake`, ...view } };
    },
    "users.info": (body) => {
      const id = requireString(body, "user", "user_not_found");
      if (!isUserId(id)) throw new SlackError("user_not_found");
      const known = options.users?.[id] ?? {};
      const name = known.name ?? id.toLowerCase();
      const realName = known.realName ?? `User ${id}`;
      return {
        user: {
          id,
          team_id: FAKE_TEAM_ID,
          name,
          real_name: realName,
          tz: known.tz ?? "Etc/UTC",
          is_bot: known.isBot ?? false,
          deleted: false,
          profile: {
            real_name: realName,
            display_name: name,
            email: known.email ?? `${name}@example.com`,
          },
        },
      };
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const match = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    if (!match || req.method !== "POST") return sendJson(res, 404, { ok: false, error: "unknown_method" });
    const method = match[1]!;
    const body = parseBody(await readBody(req), req.headers["content-type"]);
    if (body === undefined) return sendJson(res, 200, { ok: false, error: "invalid_json" });
    const token =
      bearer(req.headers.authorization) ?? (typeof body.token === "string" ? body.token : undefined);
    const call: FakeSlackCall = { method, body, at: new Date() };
    if (token !== undefined) call.token = token;
    calls.push(call);

    const fault = takeFault(method);
    if (fault !== undefined) {
      call.fault = fault;
      if (fault === "hang") return; // never answered; `stop` closes the socket
      if (fault === "lost-response") {
        try {
          methods[method]?.(body);
        } catch {
          // the caller never learns either way
        }
        return;
      }
      if ("slackError" in fault) return sendJson(res, 200, { ok: false, error: fault.slackError });
      if (fault.status === 429) {
        const retryAfter = "retryAfter" in fault ? fault.retryAfter : 1;
        res.setHeader("retry-after", String(retryAfter));
        return sendJson(res, 429, { ok: false, error: "ratelimited" });
      }
      return sendJson(res, fault.status, { ok: false, error: `http_${fault.status}` });
    }

    if (!token) return sendJson(res, 200, { ok: false, error: "not_authed" });
    if (options.token !== undefined && token !== options.token)
      return sendJson(res, 200, { ok: false, error: "invalid_auth" });
    const implementation = methods[method];
    if (!implementation) return sendJson(res, 200, { ok: false, error: "unknown_method" });
    try {
      const answer = implementation(body);
      sendJson(res, 200, { ok: true, ...answer });
      options.onCall?.(call, answer);
    } catch (error) {
      if (error instanceof SlackError) return sendJson(res, 200, { ok: false, error: error.error });
      throw error;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendJson(res, 500, { ok: false, error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    messages,
    channels,
    failNext(method, n, fault) {
      const queue = faults.get(method) ?? [];
      for (let i = 0; i < n; i++) queue.push(fault);
      faults.set(method, queue);
    },
    reset() {
      calls.length = 0;
      messages.clear();
      channels.clear();
      dms.clear();
      faults.clear();
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function slackMessage(message: FakeSlackMessage): Answer {
  return {
    type: "message",
    user: FAKE_BOT_USER_ID,
    bot_id: FAKE_BOT_ID,
    ts: message.ts,
    text: message.text ?? "",
    ...(message.blocks !== undefined ? { blocks: message.blocks } : {}),
    ...(message.threadTs !== undefined ? { thread_ts: message.threadTs } : {}),
  };
}

function slackChannel(channel: FakeSlackChannel): Answer {
  return {
    id: channel.id,
    name: channel.name,
    is_channel: !channel.isPrivate,
    is_group: channel.isPrivate,
    is_private: channel.isPrivate,
    is_archived: channel.archived,
    is_member: true,
    created: Math.floor(Date.now() / 1000),
    creator: FAKE_BOT_USER_ID,
    num_members: channel.members.size,
  };
}

/** The body as fields; `undefined` for a JSON body that is not a JSON object. */
function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> | undefined {
  if (raw === "") return {};
  if (contentType?.startsWith("application/json")) {
    const parsed = parseJsonField(raw);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    body[key] = JSON_FIELDS.has(key) ? parseJsonField(value) : value;
  }
  return body;
}

function parseJsonField(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  return match?.[1];
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
