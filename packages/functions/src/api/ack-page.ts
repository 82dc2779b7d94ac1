import type { Incident } from "@firebreak/core/incident/model";
import type { AckLinkFailure, AckLinkSubject } from "@firebreak/core/paging/service";
import { html } from "hono/html";

type AckPageState =
  | { state: "confirm"; token: string; subject: AckLinkSubject }
  | { state: "acknowledged"; incident: Incident }
  | { state: AckLinkFailure; subject?: AckLinkSubject };

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
    page.state === "confirm"
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
