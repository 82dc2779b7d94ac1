import type { Incident } from "@firebreak/core/incident/model";
import type { AckLinkFailure, AckLinkSubject } from "@firebreak/core/paging/service";
import type { TestLinkSubject } from "@firebreak/core/paging/test-page-ack";
import { html } from "hono/html";

type AckPageState =
  | { state: "confirm"; token: string; subject: AckLinkSubject }
  | { state: "acknowledged"; incident: Incident }
  | { state: AckLinkFailure; subject?: AckLinkSubject }
  /** A test page's link (core/paging/test-page-ack.ts): no incident is involved. */
  | { state: "test_confirm"; token: string; test: TestLinkSubject }
  | { state: "test_acknowledged"; test: TestLinkSubject }
  | { state: "test_already_used"; test: TestLinkSubject };

const METHOD_LABEL = { sms: "SMS", slack: "Slack DM", voice: "call" } as const;

/** Which test page a link is for (escaped by hono/html). */
function aboutTest(test: TestLinkSubject) {
  return html`<p><strong>Test page</strong> to ${test.person} by ${METHOD_LABEL[test.method]}, sent by ${test.requestedBy}.</p>
    <p>No incident was opened: this only checks that paging reaches you.</p>`;
}

const MESSAGES: Record<AckLinkFailure, readonly [string, string]> = {
  expired: [
    "This link has expired",
    "Acknowledge from Slack or the dashboard instead. Nothing was acknowledged.",
  ],
  already_used: ["This link was already used", "Each link works once. Nothing more was acknowledged."],
  resolved: ["This incident is resolved", "There is nothing left to acknowledge. Nothing was acknowledged."],
  forged: ["This link is not valid", "It was not signed by Firebreak. Nothing was acknowledged."],
  malformed: [
    "This link is not valid",
    "It looks damaged; open it from the original message. Nothing was acknowledged.",
  ],
  not_found: ["Page not found", "The page or incident no longer exists. Nothing was acknowledged."],
};

/** Which incident and page a link is for (escaped by hono/html). */
function about(subject: AckLinkSubject | undefined) {
  if (!subject) return "";
  const { number, title, severity, status } = subject.incident;
  return html`<p><strong>INC-${number}</strong> ${title} (${severity}, ${status})</p>
    <p>Page to ${subject.page}</p>`;
}

/** The small HTML pages of the one-click ack flow. Every value is escaped by hono/html. */
export function ackPage(page: AckPageState) {
  const body =
    page.state === "test_confirm"
      ? html`<h1>Acknowledge this test page?</h1>
          ${aboutTest(page.test)}
          <form method="post" action="/ack/${page.token}"><button type="submit">Acknowledge test page</button></form>`
      : page.state === "test_acknowledged"
        ? html`<h1>Test page acknowledged</h1>
            ${aboutTest(page.test)}
            <p>Paging reaches you, and the test records your acknowledgement.</p>`
        : page.state === "test_already_used"
          ? html`<h1>This link was already used</h1>
              ${aboutTest(page.test)}
              <p>Each link works once. Nothing more was recorded.</p>`
          : page.state === "confirm"
            ? html`<h1>Acknowledge this page?</h1>
          ${about(page.subject)}
          <p>This stops the escalation and tells the team you are on it.</p>
          <form method="post" action="/ack/${page.token}"><button type="submit">Acknowledge</button></form>`
            : page.state === "acknowledged"
              ? html`<h1>Acknowledged</h1>
            <p>INC-${page.incident.number} ${page.incident.title} (${page.incident.severity}) is acknowledged; escalation stopped.</p>`
              : html`<h1>${MESSAGES[page.state][0]}</h1>
            ${about(page.subject)}
            <p>${MESSAGES[page.state][1]}</p>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Firebreak</title>
        <style>
          body { font: 18px/1.5 system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; }
          button { font-size: 1.1rem; padding: 0.6rem 1.4rem; }
        </style>
      </head>
      <body>
        ${body}
      </body>
    </html>`;
}
