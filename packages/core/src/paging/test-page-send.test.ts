/**
 * A test page's renderings: each says it is a test and that there is no incident, the SMS keeps
 * its link within 140 characters (shorter forms first, then no link), and outside text is escaped
 * in Slack mrkdwn and in SSML.
 */
import { describe, expect, it } from "vitest";
import { TEST_PAGE_LABEL, testSlackMessage, testSms, testVoiceSsml } from "./test-page-send";

const LINK = `https://fb.example.com/ack/${"A".repeat(75)}`;

describe("test page renderings", () => {
  it("the SMS: marked, with its link, at most 140 characters; a link that cannot fit is left out", () => {
    const sms = testSms({ name: "Alice Ng" }, LINK);
    expect(sms).toEqual({ text: `TEST PAGE, no incident. Ack: ${LINK}`, omitted: false });
    expect(sms.text.length).toBeLessThanOrEqual(140);
    const short = testSms({ name: "Alice Ng" }, "https://fb.io/ack/abc");
    expect(short.text).toBe(
      "Firebreak TEST PAGE, no incident. Alice, paging reaches you. Ack: https://fb.io/ack/abc",
    );
    const long = testSms({ name: "Alice Ng" }, `https://${"x".repeat(150)}/ack/t`);
    expect(long).toEqual({
      text: "Firebreak TEST PAGE, no incident. Alice, paging reaches you by SMS. Reply 1 or ack it in Slack.",
      omitted: true,
    });
  });

  it("the Slack DM: a marked header, who sent it (escaped), and the ack link on its button", () => {
    const message = testSlackMessage(
      { id: "01JTEST" },
      { name: "Alice <@U0EVIL>" },
      "Bob & <!channel>",
      LINK,
    );
    expect(message.text).toBe(`🧪 ${TEST_PAGE_LABEL} (sent by Bob &amp; &lt;!channel&gt;)`);
    expect(message.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "🧪 TEST PAGE — no incident", emoji: true },
    });
    const text = JSON.stringify(message.blocks);
    expect(text).toContain("no incident was opened");
    expect(text).toContain("Alice &lt;@U0EVIL&gt;");
    expect(text).not.toContain("<!channel>");
    expect(message.blocks.at(-1)).toMatchObject({
      type: "actions",
      elements: [{ action_id: "test_page_ack", url: LINK, value: "01JTEST" }],
    });
  });

  it("the call: says twice it is a test, with the sender's name escaped", () => {
    const ssml = testVoiceSsml(`Bob</speak><audio src="x"/>`);
    expect(ssml.startsWith("<speak>")).toBe(true);
    expect(ssml.endsWith("</speak>")).toBe(true);
    expect(ssml.match(/<speak>/g)).toHaveLength(1);
    expect(ssml).toContain("This is a test page. There is no incident.");
    expect(ssml).toContain("Again: this is only a test page.");
    expect(ssml).toContain("Bob&#60;/speak&#62;&#60;audio src=&#34;x&#34;/&#62;");
  });
});
