import { fixture } from "@firebreak/testkit/fixtures";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alarmRefOf } from "../alarm/context";
import { normaliseAlarmEvent } from "../alarm/normalise";
import type { Incident } from "../incident/model";
import { ackUrl, signAckLink } from "./ack-link";
import {
  defaultText,
  emailPage,
  oneLine,
  type PageContent,
  SMS_MAX_LENGTH,
  SMS_NO_LINK_HINT,
  smsEncoding,
  smsPage,
  smsText,
  snsMessage,
  snsMessageAttributes,
  snsPublishInput,
  truncate,
} from "./messages";
import { renderPage } from "./page-renderers";
import { escapeMrkdwn, escapeMrkdwnWithin, slackPageMessage } from "./slack-message";

const incident: Incident = {
  id: "01JQ4Z8K5W0000000000000000",
  number: 42,
  title: "checkout 5xx above 5% in eu-west-1",
  severity: "SEV1",
  status: "declared",
  services: ["checkout", "cart"],
  locations: [{ account: "210987654321", region: "eu-west-1" }],
  source: "alarm",
  alarm: {
    name: "checkout-5xx",
    arn: "arn:aws:cloudwatch:eu-west-1:210987654321:alarm:checkout-5xx",
    account: "210987654321",
    region: "eu-west-1",
  },
  flapping: false,
  description: "Errors on POST /orders. <!channel> please look",
  createdAt: "2026-03-14T09:42:13.274Z",
  updatedAt: "2026-03-14T09:42:13.274Z",
  version: 1,
};

const token = signAckLink(
  {
    pageId: "01JQ4Z8K7Y3M2N1P0Q9R8S7T6V",
    incidentId: incident.id,
    expiresAt: new Date("2026-03-15T09:42:13Z"),
  },
  { id: "k1", secret: "0123456789abcdef0123456789abcdef" },
);
const ACK = ackUrl("https://fb.example.com/a", token);

const page = (
  overrides: Partial<PageContent> = {},
  incidentOverrides: Partial<Incident> = {},
): PageContent => ({
  incident: { ...incident, ...incidentOverrides },
  reason: "level 1 of checkout's escalation policy (you are on checkout-primary)",
  ackUrl: ACK,
  dashboardUrl: "https://fb.example.com/incidents/INC-42",
  alarmReason: "Threshold Crossed: 1 datapoint [7.2] was greater than the threshold (5.0).",
  ...overrides,
});

describe("SMS", () => {
  it("fits 140 UTF-16 code units with the whole ack link, truncating the title with an ellipsis", () => {
    const sms = smsText(page());
    expect(sms.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
    expect(sms.endsWith(` ${ACK}`)).toBe(true);
    // With a 100-character link, "checkout+1" would leave the title 11 characters: it is dropped first.
    expect(sms).toBe(`SEV1 INC-42: checkout 5xx above 5%… Ack ${ACK}`);
    expect(ACK).toHaveLength(100);
  });

  it("keeps a short title whole", () => {
    const shortLink = page({ ackUrl: "https://fb.io/a/abc" }, { title: "Cart down" });
    expect(smsText(shortLink)).toBe("SEV1 INC-42 checkout+1: Cart down Ack https://fb.io/a/abc");
  });

  it("drops decorations before squeezing the title to nothing, and never cuts the link", () => {
    const long = `https://firebreak.internal.example.com/acknowledge/${token}`;
    const sms = smsText(page({ ackUrl: long }));
    expect(sms.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
    expect(sms.endsWith(long)).toBe(true);
    expect(sms.startsWith("SEV1 INC-42 ")).toBe(true);
  });

  it("with a default deploy's link (the dashboard's CloudFront host), keeps the whole link: at least SEVn INC-n <link>", () => {
    const link = ackUrl("https://d3k9x2m7q1w8ze.cloudfront.net/ack", token);
    const sms = smsPage(page({ ackUrl: link }));
    expect(sms.link).toBe("included");
    expect(sms.text.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
    expect(sms.text.startsWith("SEV1 INC-42")).toBe(true);
    expect(sms.text.endsWith(` ${link}`)).toBe(true);
  });

  it("with an API Gateway link (ap-southeast-2: 139 characters), sends the SMS without it", () => {
    const link = ackUrl("https://a1b2c3d4e5.execute-api.ap-southeast-2.amazonaws.com/ack", token);
    expect(link.length).toBe(139);
    const sms = smsPage(page({ ackUrl: link }));
    expect(sms).toEqual({
      link: "omitted",
      text: `SEV1 INC-42 checkout+1: checkout 5xx above 5% in eu-west-1${SMS_NO_LINK_HINT}`,
    });
  });

  it("sends the SMS without a link too long to fit at all, never throwing, and says where to ack", () => {
    const sms = smsPage(page({ ackUrl: `https://x.example.com/${"a".repeat(130)}` }));
    expect(sms.link).toBe("omitted");
    expect(sms.text.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
    expect(sms.text).toBe(`SEV1 INC-42 checkout+1: checkout 5xx above 5% in eu-west-1${SMS_NO_LINK_HINT}`);
    expect(sms.text).not.toContain("https://");
    expect(smsText(page({ ackUrl: `https://x.example.com/${"a".repeat(500)}` }))).toMatch(/^SEV1 INC-42 /);
  });

  it("never throws, stays within 140, keeps the link whenever `SEVn INC-n <link>` fits, else says it is left out", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        fc.array(fc.stringMatching(/^[a-z0-9-]{1,40}$/), { maxLength: 3 }),
        fc.string({ minLength: 1, maxLength: 400 }).map((s) => `https://h.example/${encodeURIComponent(s)}`),
        fc.integer({ min: 1, max: 999_999 }),
        (title, services, link, number) => {
          const sms = smsPage(page({ ackUrl: link }, { title, services, number }));
          expect(sms.text.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
          const fits = `SEV1 INC-${number} ${link}`.length <= SMS_MAX_LENGTH;
          expect(sms.link).toBe(fits ? "included" : "omitted");
          if (fits) expect(sms.text.endsWith(link)).toBe(true);
          else expect(sms.text.endsWith(SMS_NO_LINK_HINT)).toBe(true);
          expect(sms.text.startsWith(`SEV1 INC-${number}`)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("without its link keeps the service and as much title as fits, and leaves out only what is empty", () => {
    const tooLong = `https://x.example.com/${"a".repeat(130)}`;
    const noTitle = smsPage(page({ ackUrl: tooLong }, { title: " \n " }));
    expect(noTitle).toEqual({ link: "omitted", text: `SEV1 INC-42 checkout+1${SMS_NO_LINK_HINT}` });
    const noService = smsPage(page({ ackUrl: tooLong }, { services: [] }));
    expect(noService.text).toBe(`SEV1 INC-42: checkout 5xx above 5% in eu-west-1${SMS_NO_LINK_HINT}`);
    // A service name longer than the SMS is cut to leave the title room; the title is cut to fit.
    const crowded = smsPage(
      page({ ackUrl: tooLong }, { services: ["s".repeat(200)], title: "t".repeat(200) }),
    );
    expect(crowded.text).toHaveLength(SMS_MAX_LENGTH);
    expect(crowded.text).toMatch(new RegExp(`^SEV1 INC-42 s{31}…: t+…${SMS_NO_LINK_HINT}$`));
  });

  it("uses the richest layout that fits, in order: service and Ack, then Ack, then the bare link (property)", () => {
    const head = (severity: string, number: number) => `${severity} INC-${number}`;
    /** The layouts, richest first, and the one that must be chosen: the first whose title room holds the
     * whole title or at least 12 units of it (a useful part), else the last. */
    const expected = (h: string, service: string, title: string, link: string) => {
      const layouts = [
        { prefix: service ? `${h} ${service}: ` : `${h}: `, suffix: ` Ack ${link}` },
        { prefix: `${h}: `, suffix: ` Ack ${link}` },
        { prefix: `${h} `, suffix: ` ${link}` },
      ];
      const index = layouts.findIndex(({ prefix, suffix }, i) => {
        const room = SMS_MAX_LENGTH - prefix.length - suffix.length;
        return title.length <= room || room >= 12 || i === layouts.length - 1;
      });
      const chosen = layouts[index]!;
      return { ...chosen, room: SMS_MAX_LENGTH - chosen.prefix.length - chosen.suffix.length };
    };
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 400 }),
        fc.array(fc.string({ unit: "grapheme", maxLength: 400 }), { maxLength: 3 }),
        fc.oneof(
          fc.string({ unit: "grapheme", maxLength: 400 }),
          fc.integer({ min: 0, max: 130 }).map((n) => `https://e.io/${"x".repeat(n)}`),
        ),
        fc.constantFrom("SEV1", "SEV2", "SEV3", "SEV4", "SEV5" as const),
        fc.integer({ min: 1, max: 999_999 }),
        (rawTitle, services, rawLink, severity, number) => {
          const p = page({ ackUrl: rawLink }, { title: rawTitle, services, severity, number });
          const sms = smsPage(p);
          expect(smsText(p)).toBe(sms.text);
          expect(sms.text.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
          const h = head(severity, number);
          expect(sms.text.startsWith(h)).toBe(true);
          const link = rawLink.trim();
          const title = oneLine(rawTitle);
          const [first, ...rest] = services;
          const service =
            first === undefined ? "" : oneLine(rest.length > 0 ? `${first}+${rest.length}` : first);
          if (`${h} ${link}`.length > SMS_MAX_LENGTH) {
            // Without the link: says where to ack; the whole text when it fits.
            expect(sms.link).toBe("omitted");
            expect(sms.text.endsWith(SMS_NO_LINK_HINT)).toBe(true);
            const whole = `${h}${service ? ` ${service}` : ""}${title ? `: ${title}` : ""}${SMS_NO_LINK_HINT}`;
            if (whole.length <= SMS_MAX_LENGTH) expect(sms.text).toBe(whole);
            return;
          }
          expect(sms.link).toBe("included");
          expect(sms.text.endsWith(link)).toBe(true);
          const { prefix, suffix, room } = expected(h, service, title, link);
          if (title.length <= room && title) {
            expect(sms.text).toBe(`${prefix}${title}${suffix}`);
            return;
          }
          if (sms.text === `${h} ${link}`) {
            // The least an SMS says: only when there is no title, or not even two units of it fit.
            expect(title === "" || room < 2).toBe(true);
            return;
          }
          expect(sms.text.startsWith(prefix)).toBe(true);
          expect(sms.text.endsWith(suffix)).toBe(true);
          const piece = sms.text.slice(prefix.length, sms.text.length - suffix.length);
          expect(piece.length).toBeLessThanOrEqual(room);
          expect(piece.endsWith("…")).toBe(true);
          expect(title.startsWith(piece.slice(0, -1))).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("never splits an emoji or a surrogate pair", () => {
    const sms = smsText(page({}, { title: "🔥".repeat(60) }));
    expect(sms.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
    expect(sms).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(sms).toMatch(/🔥… Ack /);
  });

  it("holds for any title and any link that can fit (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 300 }),
        fc.integer({ min: 0, max: 110 }),
        fc.array(fc.constantFrom("checkout", "payments", "a-very-long-service-name"), { maxLength: 3 }),
        (title, linkLength, services) => {
          const link = `https://e.io/${"x".repeat(linkLength)}`;
          const p = page({ ackUrl: link }, { title, services });
          const head = `SEV1 INC-42 ${link}`;
          if (head.length > SMS_MAX_LENGTH) {
            expect(smsPage(p).link).toBe("omitted");
            return;
          }
          const sms = smsText(p);
          expect(sms.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
          expect(sms.endsWith(link)).toBe(true);
          expect(sms.startsWith("SEV1 INC-42")).toBe(true);
          expect(sms).not.toMatch(/[\r\n]/);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("tells GSM-7 from UCS-2", () => {
    expect(smsEncoding("SEV1 INC-42 checkout: 5xx {high} Ack https://e.io/a")).toBe("GSM-7");
    expect(smsEncoding("SEV1 INC-42 Zürich é")).toBe("GSM-7");
    expect(smsEncoding("SEV1 INC-42 checkout: 5xx…")).toBe("UCS-2");
    expect(smsEncoding("🔥")).toBe("UCS-2");
  });

  it("truncates by graphemes", () => {
    expect(truncate("abcdef", 6)).toBe("abcdef");
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("ab 👩‍👩‍👧 cd", 10)).toBe("ab…");
    expect(truncate("abc", 0)).toBe("");
  });
});

describe("email and default text", () => {
  it("has the details, the alarm, the reason, the dashboard and the ack link", () => {
    const { subject, body } = emailPage(page());
    expect(subject).toBe("[SEV1] INC-42: checkout 5xx above 5% in eu-west-1");
    for (const part of [
      "SEV1 incident INC-42: checkout 5xx above 5% in eu-west-1",
      "You are paged because: level 1 of checkout's escalation policy",
      `Acknowledge (one click): ${ACK}`,
      "Dashboard: https://fb.example.com/incidents/INC-42",
      "Services:   checkout, cart",
      "Locations:  210987654321/eu-west-1",
      "Name:       checkout-5xx",
      "ARN:        arn:aws:cloudwatch:eu-west-1:210987654321:alarm:checkout-5xx",
      "Reason:     Threshold Crossed",
      "Errors on POST /orders.",
    ])
      expect(body).toContain(part);
  });

  it("makes an SNS-safe subject: printable ASCII, one line, under 100 characters", () => {
    const { subject } = emailPage(page({}, { title: `Zürich\npayments – déjà vu 🔥 ${"x".repeat(200)}` }));
    expect(subject).toMatch(/^\[SEV1\] INC-42: Zurich payments \? deja vu \? x+\.\.\.$/);
    expect(subject.length).toBeLessThan(100);
  });

  it("has a default text for every other protocol", () => {
    expect(defaultText(page())).toBe(
      [
        "SEV1 INC-42 [checkout, cart]: checkout 5xx above 5% in eu-west-1",
        "Paged: level 1 of checkout's escalation policy (you are on checkout-primary)",
        `Ack: ${ACK}`,
        "Dashboard: https://fb.example.com/incidents/INC-42",
      ].join("\n"),
    );
  });
});

describe("renderPage", () => {
  it("renders every channel at once", () => {
    const p = page({ mention: ["U01ALICE01"] });
    expect(renderPage(p)).toEqual({
      sms: smsText(p),
      email: emailPage(p),
      text: defaultText(p),
      slack: slackPageMessage(p),
    });
  });
});

describe("SNS", () => {
  it("publishes one JSON message with default, sms and email bodies, and filterable attributes", () => {
    const input = snsPublishInput(page(), "arn:aws:sns:eu-west-1:210987654321:firebreak-checkout-pages");
    expect(input.MessageStructure).toBe("json");
    expect(JSON.parse(input.Message)).toEqual(snsMessage(page()));
    expect(Object.keys(JSON.parse(input.Message))).toEqual(["default", "sms", "email"]);
    expect(input.Subject).toBe("[SEV1] INC-42: checkout 5xx above 5% in eu-west-1");
    expect(input.MessageAttributes).toEqual({
      severity: { DataType: "String", StringValue: "SEV1" },
      incident_id: { DataType: "String", StringValue: "01JQ4Z8K5W0000000000000000" },
    });
    expect(snsMessageAttributes(page())).toEqual(input.MessageAttributes);
  });
});

describe("Slack", () => {
  it("escapes &, < and > so mentions render literally", () => {
    expect(escapeMrkdwn("<!channel> & <!here> <@U123> <https://evil|click>")).toBe(
      "&lt;!channel&gt; &amp; &lt;!here&gt; &lt;@U123&gt; &lt;https://evil|click&gt;",
    );
    expect(escapeMrkdwn("&amp;")).toBe("&amp;amp;");
    expect(escapeMrkdwnWithin("<".repeat(10), 12)).toBe("&lt;&lt;…");
  });

  it("builds a page with Acknowledge, Take IC, Resolve and View buttons carrying the incident id", () => {
    const message = slackPageMessage(page({ mention: ["U01ALICE01"] }));
    const actions = message.blocks.find((b) => b.type === "actions");
    if (actions?.type !== "actions") throw new Error("no actions block");
    expect(actions.block_id).toBe("incident_page_actions");
    expect(actions.elements.map((e) => [e.action_id, e.text.text, e.value, e.style])).toEqual([
      ["incident_ack", "Acknowledge", incident.id, "primary"],
      ["incident_take_ic", "Take IC", incident.id, undefined],
      ["incident_resolve", "Resolve", incident.id, "danger"],
      ["incident_view", "View in dashboard", incident.id, undefined],
    ]);
    expect(actions.elements[3]?.url).toBe("https://fb.example.com/incidents/INC-42");
    expect(actions.elements[2]?.confirm).toBeDefined();
    expect(message.text).toBe("<@U01ALICE01> SEV1 INC-42: checkout 5xx above 5% in eu-west-1");
  });

  it("never lets text from an alarm notify anyone", () => {
    const hostile = "<!channel> <!here> <@U999> <!subteam^S1>";
    const message = slackPageMessage(
      page(
        { reason: hostile, alarmReason: hostile, mention: ["U01ALICE01", "<!channel>", "U1> <!here"] },
        {
          title: hostile,
          description: hostile,
          services: [hostile],
          alarm: { ...incident.alarm!, name: hostile },
        },
      ),
    );
    const mrkdwn = [
      message.text,
      ...message.blocks.flatMap((b) => {
        if (b.type === "section") return [b.text.text, ...(b.fields ?? []).map((f) => f.text)];
        if (b.type === "context") return b.elements.map((e) => e.text);
        return [];
      }),
    ];
    const specials = mrkdwn.join("\n").match(/<[^>]*>/g) ?? [];
    expect(specials).toEqual(["<@U01ALICE01>", "<@U01ALICE01>"]);
  });

  it("stays within Block Kit limits for huge inputs", () => {
    const huge = "&<>".repeat(5000);
    const message = slackPageMessage(
      page({ reason: huge, alarmReason: huge }, { title: huge, description: huge }),
    );
    for (const block of message.blocks) {
      if (block.type === "header") expect(block.text.text.length).toBeLessThanOrEqual(150);
      if (block.type === "section") {
        expect(block.text.text.length).toBeLessThanOrEqual(3000);
        for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(2000);
      }
    }
    expect(message.text.length).toBeLessThanOrEqual(4000);
    // No entity is cut in half.
    const mrkdwn = message.blocks.flatMap((b) =>
      b.type === "section" ? [b.text.text, ...(b.fields ?? []).map((f) => f.text)] : [],
    );
    expect(mrkdwn.join("\n")).not.toMatch(/&(?!amp;|lt;|gt;)/);
    expect(message.text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  });

  it("leaves out the View button without a dashboard URL", () => {
    const message = slackPageMessage(page({ dashboardUrl: undefined }));
    const actions = message.blocks.find((b) => b.type === "actions");
    expect(actions?.type === "actions" && actions.elements.map((e) => e.action_id)).toEqual([
      "incident_ack",
      "incident_take_ic",
      "incident_resolve",
    ]);
  });
});

describe("the alarm's context in pages", () => {
  const withContext = (): Partial<Incident> => {
    const result = normaliseAlarmEvent(fixture("sns/sns-lambda-event-single-metric-alarm.json"));
    if (result.kind !== "transitions") throw new Error("fixture did not normalise");
    const t = result.transitions[0]!;
    return { alarm: alarmRefOf(t) };
  };

  it("the SMS carries the crossing when the richest layout still fits whole, and stays within 140", () => {
    const short = smsPage(
      page({ ackUrl: "https://fb.example.com/a/x" }, { ...withContext(), title: "ledger-api-5xx-high" }),
    );
    expect(short.text).toBe(
      "SEV1 INC-42 checkout+1: ledger-api-5xx-high (88>=40) Ack https://fb.example.com/a/x",
    );
    // A long ack link leaves no room: the crossing goes first, never the link.
    const long = smsPage(page({}, withContext()));
    expect(long.link).toBe("included");
    expect(long.text).not.toContain("(88>=40)");
    fc.assert(
      fc.property(
        fc.string({ maxLength: 160 }),
        fc.double({ noNaN: true }),
        fc.double({ noNaN: true }),
        (title, value, threshold) => {
          const context = { ...withContext().alarm!.context!, value, threshold };
          const sms = smsPage(page({}, { title, alarm: { ...withContext().alarm!, context } }));
          expect(sms.text.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
          expect(sms.text).toContain(ACK);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the email shows the crossing, the metric, the runbook link and the console link", () => {
    const { body } = emailPage(page({}, withContext()));
    expect(body).toContain("  Crossing:   value 88 >= threshold 40");
    expect(body).toMatch(/ {2}Metric: {5}AWS\/ApplicationELB HTTPCode_Target_5XX_Count/);
    expect(body).toContain("  Runbook:    https://runbooks.example.com/ledger/api-5xx");
    expect(body).toMatch(
      / {2}Console: {4}https:\/\/ap-southeast-2\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=ap-southeast-2#alarmsV2:alarm\/ledger-api-5xx-high/,
    );
  });

  it("the Slack page links the runbook and the console as <url|label>, and escapes the rest", () => {
    const message = slackPageMessage(page({}, withContext()));
    const text = JSON.stringify(message.blocks);
    expect(text).toContain("<https://runbooks.example.com/ledger/api-5xx|Runbook>");
    expect(text).toContain("|CloudWatch alarm>");
    expect(text).toContain("*Crossing:* value 88 &gt;= threshold 40");
    // The description's <!channel> stays text.
    expect(text).not.toContain("<!channel>");
  });
});
