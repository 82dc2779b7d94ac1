import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alarmStateChangeEvent } from "./alarm-events";
import { readEventBody } from "./events-body";

const alarm = () =>
  alarmStateChangeEvent({
    name: "checkout-5xx",
    state: "ALARM",
    service: "checkout",
    severity: "sev2",
    account: "123456789012",
    region: "eu-west-1",
  });

/** JSON text nested `depth` levels, alternating arrays and objects. */
const nested = (depth: number, leaf: string) => {
  let text = leaf;
  for (let i = 0; i < depth; i++) text = i % 2 ? `[${text}]` : `{"k":${text}}`;
  return text;
};

describe("POST /events bodies", () => {
  it("reads one EventBridge event", () => {
    const read = readEventBody(Buffer.from(JSON.stringify(alarm())));
    expect(read).toMatchObject({ ok: true, envelope: { source: "aws.cloudwatch" } });
  });

  it("answers 400 for JSON nested deeper than 64 levels, before parsing it", () => {
    const event = JSON.stringify({ ...alarm(), detail: "DEEP" }).replace('"DEEP"', nested(200_000, "1"));
    expect(readEventBody(event)).toEqual({
      ok: false,
      status: 400,
      title: "Body nested too deeply",
      detail: "POST /events takes one EventBridge event, nested at most 64 levels deep",
    });
  });

  it("answers 400 naming the field for a body that is not an event", () => {
    expect(readEventBody("{}")).toMatchObject({ ok: false, status: 400, title: "Not an EventBridge event" });
    expect(readEventBody("{")).toMatchObject({ ok: false, status: 400, title: "Body is not JSON" });
  });

  it("never throws, for 10,000 bodies: nested, with lone surrogates, or arbitrary", () => {
    const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
    const text = fc
      .array(fc.oneof(fc.string({ unit: "binary", maxLength: 8 }), surrogate), { maxLength: 6 })
      .map((parts) => parts.join(""));
    const body = fc.oneof(
      // An event whose detail is nested 1–300 levels deep.
      fc
        .tuple(fc.integer({ min: 1, max: 300 }), text)
        .map(([depth, leaf]) =>
          JSON.stringify({ ...alarm(), detail: "LEAF" }).replace(
            '"LEAF"',
            nested(depth, JSON.stringify(leaf)),
          ),
        ),
      // Fields replaced with text carrying lone surrogates (escaped, and raw in the bytes).
      fc
        .tuple(fc.constantFrom("id", "source", "detail-type", "region"), text)
        .map(([field, value]) => JSON.stringify({ ...alarm(), [field]: value })),
      fc.tuple(text).map(([value]) => `{"id":"${value}","source":"s","detail-type":"d","detail":{}}`),
      // Unbalanced brackets and arbitrary bytes.
      fc.string({ unit: fc.constantFrom("[", "]", "{", "}", '"', ",", ":", "1", "\\"), maxLength: 200 }),
      fc.string({ unit: "binary", maxLength: 200 }),
    );
    fc.assert(
      fc.property(body, (raw) => {
        const read = readEventBody(Buffer.from(raw, "utf8"));
        if (!read.ok) expect(read.status).toBe(400);
        else expect(read.envelope.id.length).toBeGreaterThan(0);
      }),
      { numRuns: 10_000 },
    );
  });
});
