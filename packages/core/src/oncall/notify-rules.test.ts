/**
 * Personal notification rules: validation with path-named errors (in the directory and on their
 * own), the default, and the firing order.
 */
import { ValidationError } from "@firebreak/core/shared/errors";
import { describe, expect, it } from "vitest";
import { parseDirectory } from "./directory";
import {
  DEFAULT_NOTIFY_RULES,
  describeSteps,
  normaliseNotifyRules,
  notifyRulesSchema,
  unreachableSteps,
} from "./notify-rules";

const team = {
  id: "checkout",
  name: "Checkout",
  services: ["checkout"],
  rotations: [
    {
      id: "primary",
      members: ["alice"],
      shift: { type: "weekly" },
      start: "2026-03-02",
      handoffTime: "09:00",
      timezone: "America/New_York",
    },
  ],
  escalationPolicy: {
    levels: [{ targets: [{ type: "rotation", id: "primary" }], timeoutMinutes: 5 }],
    fallback: { type: "topic", arn: "arn:aws:sns:us-east-1:111122223333:firebreak-pages" },
  },
};

function directoryWith(notify: unknown, person: Record<string, unknown> = {}) {
  return {
    people: [
      {
        id: "alice",
        name: "Alice Ng",
        slackUserId: "U0ALICE01",
        phone: "+14255550182",
        timezone: "America/New_York",
        notify,
        ...person,
      },
    ],
    teams: [team],
  };
}

function lines(data: unknown): string[] {
  try {
    parseDirectory(data);
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

describe("personal notification rules", () => {
  it("are kept in firing order (by delay) on a directory person", () => {
    const directory = parseDirectory(
      directoryWith({
        high: [
          { method: "voice", delayMinutes: 5 },
          { method: "slack", delayMinutes: 0 },
          { method: "sms", delayMinutes: 2 },
        ],
        low: [{ method: "slack", delayMinutes: 0 }],
      }),
    );
    expect(directory.people[0]?.notify?.high.map((s) => s.method)).toEqual(["slack", "sms", "voice"]);
    expect(describeSteps(directory.people[0]?.notify?.high ?? [])).toBe(
      "Slack DM at once, SMS at 2 min, call at 5 min",
    );
  });

  it("are optional: a person without them is paged by the default", () => {
    const data = directoryWith(undefined);
    delete (data.people[0] as Record<string, unknown>).notify;
    expect(parseDirectory(data).people[0]?.notify).toBeUndefined();
    expect(describeSteps(DEFAULT_NOTIFY_RULES.high)).toBe("SMS at once, Slack DM at once, call at 5 min");
    expect(describeSteps(DEFAULT_NOTIFY_RULES.low)).toBe("SMS at once, Slack DM at once");
  });

  it("name what is wrong by its path", () => {
    expect(
      lines(
        directoryWith({
          high: [
            { method: "slack", delayMinutes: 0 },
            { method: "pager", delayMinutes: 1 },
          ],
          low: [{ method: "email", delayMinutes: -1 }],
        }),
      ),
    ).toEqual([
      "people[0].notify.high[1].method: expected a contact method: slack, sms, voice (not e-mail)",
      "people[0].notify.low[0].method: expected a contact method: slack, sms, voice (not e-mail)",
      "people[0].notify.low[0].delayMinutes: must be at least 0",
    ]);
    expect(
      lines(
        directoryWith({
          high: [
            { method: "slack", delayMinutes: 0 },
            { method: "slack", delayMinutes: 3 },
          ],
          low: [{ method: "slack", delayMinutes: 0 }],
        }),
      ),
    ).toEqual(["people[0].notify.high[1].method: slack twice: each method at most once"]);
    expect(lines(directoryWith({ high: [], low: [{ method: "sms", delayMinutes: 1441 }] }))).toEqual([
      "people[0].notify.high: must have at least one step",
      "people[0].notify.low[0].delayMinutes: must be at most 1440 (a day)",
    ]);
    expect(lines(directoryWith({ high: [{ method: "sms", delayMinutes: 0 }] }))).toEqual([
      "people[0].notify.low: expected a list of steps {method, delayMinutes}",
    ]);
  });

  it("refuse a method the person has no address for", () => {
    const rules = {
      high: [{ method: "voice", delayMinutes: 0 }],
      low: [{ method: "slack", delayMinutes: 0 }],
    };
    expect(lines(directoryWith(rules, { phone: undefined }))).toEqual([
      "people[0].notify.high[0].method: voice needs a phone, and this person has none",
    ]);
    expect(unreachableSteps(normaliseNotifyRules(rules as never), { phone: "+14255550182" })).toEqual([
      {
        path: ["low", 0, "method"],
        message: "slack needs a Slack user id (slackUserId), and this person has none",
      },
    ]);
    expect(notifyRulesSchema.safeParse({ ...rules, extra: 1 }).success).toBe(false);
  });
});
