import { fixture } from "@firebreak/testkit/fixtures";
import { describe, expect, it } from "vitest";
import { classifyAlarm } from "./classify";
import { normaliseAlarmEvent } from "./normalise";
import { TAG_LIMITS, tagNamesFromEnv, tagsFrom, tagValue } from "./tags";
import type { AlarmTransition } from "./transition";

const TAGS = { severity: "sev1", service: "payments", team: "payments", environment: "prod" };

function one(input: unknown): AlarmTransition {
  const result = normaliseAlarmEvent(input);
  if (result.kind !== "transitions") throw new Error(result.reason);
  return result.transitions[0]!;
}

/** The decoded SNS message, as Lambda receives it. */
function snsEvent(message: unknown) {
  return {
    Records: [
      {
        EventSource: "aws:sns",
        Sns: { Type: "Notification", MessageId: "tagged-1", Message: JSON.stringify(message) },
      },
    ],
  };
}

describe("tags through all three delivery paths (tag propagation on)", () => {
  it.each([
    ["EventBridge detail.alarmTags", () => fixture("eventbridge/eb-tagged-metric-alarm.json")],
    [
      "Lambda alarmData.alarmTags",
      () => fixture("lambda-alarm-action/lambda-action-tagged-metric-alarm.json"),
    ],
    ["SNS AlarmTags", () => snsEvent(fixture("sns/sns-alarm-message-tagged.decoded.json"))],
  ])("%s: read, and they classify the alarm (SEV1, payments, team payments)", (_, load) => {
    const t = one(load());
    expect(t.tags).toEqual(TAGS);
    expect(classifyAlarm(t)).toEqual({
      severity: "SEV1",
      severitySource: "tag",
      services: ["payments"],
      serviceSource: "tag",
      team: "payments",
    });
  });

  it("an alarm without tags has none, and is classified as before", () => {
    const t = one(fixture("eventbridge/eb-single-metric-ok-to-alarm.json"));
    expect(t.tags).toBeUndefined();
    expect(classifyAlarm(t).severitySource).not.toBe("tag");
  });
});

describe("classification order: tag, then description, then name", () => {
  const base: Pick<AlarmTransition, "alarmName" | "description" | "tags"> = {
    alarmName: "sev4/search/latency",
    description: "severity: sev2\nservice: checkout",
  };

  it("the description beats the name; a tag beats both", () => {
    expect(classifyAlarm(base)).toMatchObject({ severity: "SEV2", services: ["checkout"] });
    expect(classifyAlarm({ ...base, description: undefined })).toMatchObject({
      severity: "SEV4",
      services: ["search"],
    });
    expect(classifyAlarm({ ...base, tags: { Severity: "1", Service: "payments, ledger" } })).toMatchObject({
      severity: "SEV1",
      severitySource: "tag",
      services: ["payments", "ledger"],
      serviceSource: "tag",
    });
  });

  it("an invalid tag value is ignored as if absent", () => {
    const c = classifyAlarm({ ...base, tags: { severity: "critical", service: "Ünïcode", team: "a b" } });
    expect(c).toMatchObject({ severity: "SEV2", severitySource: "description", services: ["checkout"] });
    expect(c.team).toBeUndefined();
  });

  it("the tag names are settings", () => {
    const names = tagNamesFromEnv({ FIREBREAK_TAG_SEVERITY: "prio", FIREBREAK_TAG_TEAM: "owner" });
    expect(names).toEqual({ severity: "prio", service: "service", team: "owner" });
    expect(
      classifyAlarm({ ...base, tags: { prio: "sev3", owner: "Platform", severity: "sev1" } }, names),
    ).toMatchObject({
      severity: "SEV3",
      team: "platform",
    });
  });
});

describe("tagsFrom", () => {
  it("reads an object or a list of Key/Value (or key/value) pairs; drops aws: keys and non-text values", () => {
    expect(tagsFrom({ team: "payments", "aws:cloudformation:stack-name": "x", n: 3, o: { x: 1 } })).toEqual({
      team: "payments",
      n: "3",
    });
    expect(
      tagsFrom([{ Key: "team", Value: "payments" }, { key: "env", value: "prod" }, "junk", null]),
    ).toEqual({
      team: "payments",
      env: "prod",
    });
    expect(tagsFrom(undefined)).toBeUndefined();
    expect(tagsFrom("team=payments")).toBeUndefined();
    expect(tagsFrom({})).toBeUndefined();
  });

  it("is bounded: 50 tags, keys ≤ 128, values cut at 256, one line each", () => {
    const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, `v${i}`]));
    expect(Object.keys(tagsFrom(many)!)).toHaveLength(TAG_LIMITS.tags);
    expect(tagsFrom({ ["k".repeat(129)]: "v" })).toBeUndefined();
    expect(tagsFrom({ k: "v".repeat(1000) })!.k).toHaveLength(TAG_LIMITS.value);
    expect(tagsFrom({ k: "a\r\nb\u0000c\ud800" })!.k).toBe("a bc\ufffd");
  });

  it("tagValue matches the name case-insensitively", () => {
    expect(tagValue({ Team: "payments" }, "team")).toBe("payments");
    expect(tagValue({ Team: "" }, "team")).toBeUndefined();
  });
});
