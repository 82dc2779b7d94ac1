/**
 * The team's issue tracker, through its own HTTP API with plain `fetch` (no SDK: three small
 * request shapes do not justify ~100 KB of client per Lambda bundle; docs/decisions/0005):
 * - GitHub Issues (REST): `POST /repos/{owner}/{repo}/issues`, `GET /repos/{owner}/{repo}/issues`
 *   (by label, newest first: consistent, unlike the search index), `GET …/issues/{number}`;
 * - Jira Cloud (REST v3, Basic auth with an e-mail and an API token): `POST /rest/api/3/issue`
 *   (the description in Atlassian Document Format), `POST /rest/api/3/search/jql`,
 *   `GET /rest/api/3/issue/{key}?fields=status`;
 * - Linear (GraphQL, `Authorization: <API key>`): `issueCreate`, `issues(filter:…)`, `issue(id:)`.
 *
 * Every issue carries the tag `postmortem` (a label), a link back to the incident's postmortem,
 * and the item's marker (`firebreak:AI-42-1`: GitHub and Linear in the body, Jira as a label), by
 * which `find` recognises an issue created before a crash: one issue per item, never two.
 */
import type { TrackerConfig } from "../oncall/directory-schemas";
import type { ActionItem, TrackerKind, TrackerRef } from "./model";
import { POSTMORTEM_TAG } from "./model";

/** A tracker's answer that says why the sync failed; `retryable` for throttling, 5xx and network errors. */
export class TrackerError extends Error {
  constructor(
    readonly tracker: TrackerKind,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(`${tracker}: ${message}`);
    this.name = "TrackerError";
  }
}

export interface Tracker {
  readonly kind: TrackerKind;
  /** The issue made for this item before (its marker), if any. */
  find(item: ActionItem): Promise<TrackerRef | undefined>;
  create(item: ActionItem, link: string | undefined): Promise<TrackerRef>;
  /** The issue as it is now (open or closed). */
  read(ref: TrackerRef): Promise<TrackerRef>;
}

export type { TrackerConfig };

export interface TrackerCredentials {
  githubToken?: string;
  /** Jira Cloud: the account's e-mail and an API token (Basic auth). */
  jiraEmail?: string;
  jiraApiToken?: string;
  linearApiKey?: string;
  /** Base URLs (the local fakes); defaults are the public APIs. */
  githubApiUrl?: string;
  linearApiUrl?: string;
  /** Jira: the API's base instead of the site's own URL (links still name the site). */
  jiraApiUrl?: string;
}

export const marker = (item: Pick<ActionItem, "id">) => `firebreak:${item.id}`;

/** A title as trackers take it: one line, at most 240 characters (Jira's summary limit is 255). */
function issueTitle(item: ActionItem): string {
  const title = item.title.replace(/\s+/g, " ").trim();
  return Array.from(title).length > 240 ? `${Array.from(title).slice(0, 239).join("")}…` : title;
}

function bodyLines(item: ActionItem, link: string | undefined): string[] {
  return [
    `Postmortem action item ${item.id} of INC-${item.incidentNumber}${item.services.length ? ` (${item.services.join(", ")})` : ""}.`,
    `Owner: ${item.owner}${item.due ? ` · due ${item.due}` : ""}`,
    ...(link ? [`Postmortem: ${link}`] : []),
    `Tagged ${POSTMORTEM_TAG}; kept in sync by Firebreak (${marker(item)}).`,
  ];
}

async function call(
  tracker: TrackerKind,
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new TrackerError(tracker, `could not reach the API (${(error as Error).message})`, true);
  }
  if (response.ok) return response.status === 204 ? undefined : response.json();
  const text = (await response.text().catch(() => "")).slice(0, 200).replace(/\s+/g, " ");
  const retryAfter = Number(response.headers.get("retry-after"));
  const retryable = response.status === 429 || response.status >= 500;
  const hint =
    response.status === 401 || response.status === 403
      ? "the credentials were refused (check the token and its scopes)"
      : response.status === 404
        ? "not found (check the repository, site or project in the directory's tracker)"
        : `answered ${response.status}`;
  throw new TrackerError(
    tracker,
    `${hint}${text ? `: ${text}` : ""}`,
    retryable,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
  );
}

function required(value: string | undefined, what: string, tracker: TrackerKind): string {
  if (!value) throw new TrackerError(tracker, `no ${what} is configured`, false);
  return value;
}

// ---------------------------------------------------------------------------------------------

export function githubTracker(
  config: { repo: string },
  creds: TrackerCredentials,
  fetchImpl = fetch,
): Tracker {
  const base = `${(creds.githubApiUrl ?? "https://api.github.com").replace(/\/+$/, "")}/repos/${config.repo}`;
  const headers = () => ({
    accept: "application/vnd.github+json",
    authorization: `Bearer ${required(creds.githubToken, "GitHub token", "github")}`,
    "x-github-api-version": "2022-11-28",
    "content-type": "application/json",
  });
  type Issue = { number: number; html_url: string; state: string; body?: string | null };
  const ref = (issue: Issue): TrackerRef => ({
    kind: "github",
    key: `${config.repo}#${issue.number}`,
    id: String(issue.number),
    url: issue.html_url,
    state: issue.state === "closed" ? "closed" : "open",
  });
  return {
    kind: "github",
    async find(item) {
      // The newest issues with the postmortem label (the listing is consistent; the search index is not).
      const issues = (await call(
        "github",
        fetchImpl,
        `${base}/issues?labels=${POSTMORTEM_TAG}&state=all&sort=created&direction=desc&per_page=100`,
        { headers: headers() },
      )) as Issue[];
      const found = issues.find((i) => i.body?.includes(`<!-- ${marker(item)} -->`));
      return found && ref(found);
    },
    async create(item, link) {
      const body = [...bodyLines(item, link), "", `<!-- ${marker(item)} -->`].join("\n");
      return ref(
        (await call("github", fetchImpl, `${base}/issues`, {
          method: "POST",
          headers: headers(),
          body: JSON.stringify({ title: issueTitle(item), body, labels: [POSTMORTEM_TAG] }),
        })) as Issue,
      );
    },
    async read(current) {
      return ref(
        (await call("github", fetchImpl, `${base}/issues/${current.id}`, { headers: headers() })) as Issue,
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------

/** A Jira label for the item's marker (labels cannot hold spaces). */
const jiraMarker = (item: Pick<ActionItem, "id">) => `firebreak-${item.id}`;

export function jiraTracker(
  config: { site: string; project: string; issueType?: string },
  creds: TrackerCredentials,
  fetchImpl = fetch,
): Tracker {
  const site = config.site.replace(/\/+$/, "");
  const apiBase = (creds.jiraApiUrl ?? site).replace(/\/+$/, "");
  const headers = () => ({
    accept: "application/json",
    "content-type": "application/json",
    authorization: `Basic ${Buffer.from(`${required(creds.jiraEmail, "Jira e-mail", "jira")}:${required(creds.jiraApiToken, "Jira API token", "jira")}`).toString("base64")}`,
  });
  type Issue = { id: string; key: string; fields?: { status?: { statusCategory?: { key?: string } } } };
  const ref = (issue: Issue, state?: "open" | "closed"): TrackerRef => ({
    kind: "jira",
    key: issue.key,
    id: issue.id,
    url: `${site}/browse/${issue.key}`,
    state: state ?? (issue.fields?.status?.statusCategory?.key === "done" ? "closed" : "open"),
  });
  return {
    kind: "jira",
    async find(item) {
      const out = (await call("jira", fetchImpl, `${apiBase}/rest/api/3/search/jql`, {
        method: "POST",
        headers: headers(),
        body: JSON.stringify({
          jql: `project = "${config.project}" AND labels = "${jiraMarker(item)}"`,
          fields: ["status"],
          maxResults: 1,
        }),
      })) as { issues?: Issue[] };
      const found = out.issues?.[0];
      return found && ref(found);
    },
    async create(item, link) {
      const paragraph = (text: string) => ({ type: "paragraph", content: [{ type: "text", text }] });
      const created = (await call("jira", fetchImpl, `${apiBase}/rest/api/3/issue`, {
        method: "POST",
        headers: headers(),
        body: JSON.stringify({
          fields: {
            project: { key: config.project },
            issuetype: { name: config.issueType ?? "Task" },
            summary: issueTitle(item),
            labels: [POSTMORTEM_TAG, jiraMarker(item)],
            ...(item.due ? { duedate: item.due } : {}),
            description: { type: "doc", version: 1, content: bodyLines(item, link).map(paragraph) },
          },
        }),
      })) as Issue;
      return ref(created, "open");
    },
    async read(current) {
      return ref(
        (await call(
          "jira",
          fetchImpl,
          `${apiBase}/rest/api/3/issue/${encodeURIComponent(current.key)}?fields=status`,
          {
            headers: headers(),
          },
        )) as Issue,
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------

export function linearTracker(
  config: { teamId: string },
  creds: TrackerCredentials,
  fetchImpl = fetch,
): Tracker {
  const url = creds.linearApiUrl ?? "https://api.linear.app/graphql";
  type Issue = { id: string; identifier: string; url: string; state?: { type?: string } };
  const ref = (issue: Issue): TrackerRef => ({
    kind: "linear",
    key: issue.identifier,
    id: issue.id,
    url: issue.url,
    state: issue.state?.type === "completed" || issue.state?.type === "canceled" ? "closed" : "open",
  });
  const graphql = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const out = (await call("linear", fetchImpl, url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        // A personal API key goes as it is, without "Bearer".
        authorization: required(creds.linearApiKey, "Linear API key", "linear"),
      },
      body: JSON.stringify({ query, variables }),
    })) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    if (out.errors?.length) {
      const first = out.errors[0]!;
      const throttled = first.extensions?.code === "RATELIMITED";
      throw new TrackerError("linear", first.message.slice(0, 200), throttled);
    }
    if (!out.data) throw new TrackerError("linear", "answered without data", true);
    return out.data;
  };
  const FIELDS = "id identifier url state { type }";
  return {
    kind: "linear",
    async find(item) {
      const data = await graphql<{ issues: { nodes: Issue[] } }>(
        `query Find($team: ID!, $marker: String!) { issues(first: 1, filter: { team: { id: { eq: $team } }, description: { contains: $marker } }) { nodes { ${FIELDS} } } }`,
        { team: config.teamId, marker: marker(item) },
      );
      const found = data.issues.nodes[0];
      return found && ref(found);
    },
    async create(item, link) {
      const labels = await graphql<{ issueLabels: { nodes: { id: string }[] } }>(
        `query Label($name: String!) { issueLabels(first: 1, filter: { name: { eqIgnoreCase: $name } }) { nodes { id } } }`,
        { name: POSTMORTEM_TAG },
      );
      const data = await graphql<{ issueCreate: { success: boolean; issue: Issue } }>(
        `mutation Create($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { ${FIELDS} } } }`,
        {
          input: {
            teamId: config.teamId,
            title: issueTitle(item),
            description: bodyLines(item, link).join("\n\n"),
            ...(item.due ? { dueDate: item.due } : {}),
            ...(labels.issueLabels.nodes[0] ? { labelIds: [labels.issueLabels.nodes[0].id] } : {}),
          },
        },
      );
      if (!data.issueCreate.success) throw new TrackerError("linear", "issueCreate did not succeed", true);
      return ref(data.issueCreate.issue);
    },
    async read(current) {
      const data = await graphql<{ issue: Issue }>(
        `query Read($id: String!) { issue(id: $id) { ${FIELDS} } }`,
        {
          id: current.id ?? current.key,
        },
      );
      return ref(data.issue);
    },
  };
}

/** The tracker of a team's config, with the deployment's credentials. */
export function trackerFor(
  config: TrackerConfig,
  creds: TrackerCredentials,
  fetchImpl: typeof fetch = fetch,
): Tracker {
  switch (config.kind) {
    case "github":
      return githubTracker(config, creds, fetchImpl);
    case "jira":
      return jiraTracker(config, creds, fetchImpl);
    case "linear":
      return linearTracker(config, creds, fetchImpl);
  }
}
