import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Fake issue trackers at the HTTP level, on one 127.0.0.1 server, so the real fetch clients of
 * core/action-items/trackers.ts run against them. Written from the published APIs:
 * - GitHub REST (docs.github.com/rest/issues): `POST /repos/{o}/{r}/issues` → 201 with `number`,
 *   `html_url`, `state`; `GET /repos/{o}/{r}/issues?labels=&state=all&sort=created&direction=desc`
 *   (newest first); `GET …/issues/{n}`; `PATCH …/issues/{n}` `{ state: "closed" }` (how a test
 *   closes one). A wrong token: 401 `{ "message": "Bad credentials" }`.
 * - Jira Cloud REST v3: `POST /rest/api/3/issue` → 201 `{ id, key, self }`;
 *   `POST /rest/api/3/search/jql` `{ jql, fields }` (the `project = "X" AND labels = "Y"` form the
 *   client sends) → `{ issues: [{ id, key, fields: { status: { statusCategory: { key } } } }] }`;
 *   `GET /rest/api/3/issue/{key}?fields=status`; `POST /rest/api/3/issue/{key}/transitions` (to
 *   done). Basic auth; a wrong one: 401.
 * - Linear GraphQL (`POST /graphql`, `Authorization: <API key>`): the operations the client sends,
 *   by name (Find, Label, Create, Read) and `issueUpdate` (Close) for tests; errors in the GraphQL
 *   `errors` array (`AUTHENTICATION_ERROR` with HTTP 400 for a bad key).
 *
 * `fail(kind, status, times)` makes the next requests to one tracker answer an error; `creates`
 * counts the issues each tracker made, so a test can say "exactly once".
 */

export type FakeTrackerKind = "github" | "jira" | "linear";

export interface FakeIssue {
  kind: FakeTrackerKind;
  number: number;
  key: string;
  id: string;
  title: string;
  body: string;
  labels: string[];
  state: "open" | "closed";
  createdAt: number;
}

export interface FakeTrackers {
  url: string;
  githubToken: string;
  jira: { email: string; apiToken: string };
  linearApiKey: string;
  issues: FakeIssue[];
  creates: Record<FakeTrackerKind, number>;
  /** The next `times` requests to `kind` answer `status` (5xx, 429 with Retry-After: 1). */
  fail(kind: FakeTrackerKind, status: number, times?: number): void;
  /** Closes an issue as someone in the tracker would. */
  close(kind: FakeTrackerKind, key: string): void;
  stop(): Promise<void>;
}

export async function startFakeTrackers(
  options: { githubToken?: string; jiraEmail?: string; jiraApiToken?: string; linearApiKey?: string } = {},
): Promise<FakeTrackers> {
  const githubToken =
    options.githubToken ??
    "github_pat_11FAKE0000000000000000_fakefakefakefakefakefakefakefakefakefakefakefakefake";
  const jira = {
    email: options.jiraEmail ?? "ops-bot@acme.example",
    apiToken: options.jiraApiToken ?? "ATATT3xFfGF0fakeJiraApiToken0000",
  };
  const linearApiKey = options.linearApiKey ?? "lin_api_fake0000000000000000000000000000000000";
  const issues: FakeIssue[] = [];
  const creates: Record<FakeTrackerKind, number> = { github: 0, jira: 0, linear: 0 };
  const failures: Record<FakeTrackerKind, { status: number; times: number }> = {
    github: { status: 0, times: 0 },
    jira: { status: 0, times: 0 },
    linear: { status: 0, times: 0 },
  };
  let clock = 0;
  let url = "";

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    });
  const add = (
    kind: FakeTrackerKind,
    fields: Pick<FakeIssue, "title" | "body" | "labels">,
    prefix: string,
  ) => {
    const number = issues.filter((i) => i.kind === kind).length + 1;
    const issue: FakeIssue = {
      kind,
      number,
      key: kind === "github" ? String(number) : `${prefix}-${number}`,
      id:
        kind === "linear"
          ? `00000000-0000-4000-8000-${String(number).padStart(12, "0")}`
          : String(10000 + number),
      ...fields,
      state: "open",
      createdAt: ++clock,
    };
    issues.push(issue);
    creates[kind]++;
    return issue;
  };
  const ghView = (repo: string, i: FakeIssue) => ({
    number: i.number,
    html_url: `https://github.com/${repo}/issues/${i.number}`,
    state: i.state,
    title: i.title,
    body: i.body,
    labels: i.labels.map((name) => ({ name })),
  });
  const jiraView = (i: FakeIssue) => ({
    id: i.id,
    key: i.key,
    self: `${url}/rest/api/3/issue/${i.id}`,
    fields: { status: { statusCategory: { key: i.state === "closed" ? "done" : "new" } } },
  });
  const linearView = (i: FakeIssue) => ({
    id: i.id,
    identifier: i.key,
    url: `https://linear.app/acme/issue/${i.key}`,
    state: { type: i.state === "closed" ? "completed" : "unstarted" },
  });

  const github = async (req: IncomingMessage, res: ServerResponse, path: URL) => {
    if (req.headers.authorization !== `Bearer ${githubToken}`)
      return json(res, 401, {
        message: "Bad credentials",
        documentation_url: "https://docs.github.com/rest",
      });
    const m = /^\/repos\/([^/]+\/[^/]+)\/issues(?:\/(\d+))?$/.exec(path.pathname);
    if (!m) return json(res, 404, { message: "Not Found" });
    const repo = m[1]!;
    const mine = issues.filter((i) => i.kind === "github");
    if (m[2]) {
      const issue = mine.find((i) => i.number === Number(m[2]));
      if (!issue) return json(res, 404, { message: "Not Found" });
      if (req.method === "PATCH") {
        const body = JSON.parse(await read(req)) as { state?: string };
        if (body.state === "closed" || body.state === "open") issue.state = body.state;
      }
      return json(res, 200, ghView(repo, issue));
    }
    if (req.method === "POST") {
      const body = JSON.parse(await read(req)) as { title?: string; body?: string; labels?: string[] };
      if (!body.title)
        return json(res, 422, {
          message: "Validation Failed",
          errors: [{ field: "title", code: "missing_field" }],
        });
      return json(
        res,
        201,
        ghView(
          repo,
          add("github", { title: body.title, body: body.body ?? "", labels: body.labels ?? [] }, ""),
        ),
      );
    }
    const label = path.searchParams.get("labels");
    const state = path.searchParams.get("state") ?? "open";
    const list = mine
      .filter((i) => (!label || i.labels.includes(label)) && (state === "all" || i.state === state))
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, Number(path.searchParams.get("per_page") ?? 30));
    return json(
      res,
      200,
      list.map((i) => ghView(repo, i)),
    );
  };

  const jiraHandler = async (req: IncomingMessage, res: ServerResponse, path: URL) => {
    const expected = `Basic ${Buffer.from(`${jira.email}:${jira.apiToken}`).toString("base64")}`;
    if (req.headers.authorization !== expected)
      return json(res, 401, {
        errorMessages: ["You are not authenticated. Authentication required to perform this operation."],
        errors: {},
      });
    const mine = issues.filter((i) => i.kind === "jira");
    if (req.method === "POST" && path.pathname === "/rest/api/3/issue") {
      const body = JSON.parse(await read(req)) as {
        fields?: { project?: { key?: string }; summary?: string; labels?: string[]; description?: unknown };
      };
      const project = body.fields?.project?.key;
      if (!project || !body.fields?.summary)
        return json(res, 400, {
          errorMessages: [],
          errors: { summary: "You must specify a summary of the issue." },
        });
      const issue = add(
        "jira",
        {
          title: body.fields.summary,
          body: JSON.stringify(body.fields.description ?? {}),
          labels: body.fields.labels ?? [],
        },
        project,
      );
      return json(res, 201, { id: issue.id, key: issue.key, self: `${url}/rest/api/3/issue/${issue.id}` });
    }
    if (req.method === "POST" && path.pathname === "/rest/api/3/search/jql") {
      const body = JSON.parse(await read(req)) as { jql?: string };
      const m = /^project = "([^"]+)" AND labels = "([^"]+)"$/.exec(body.jql ?? "");
      if (!m) return json(res, 400, { errorMessages: [`Error in the JQL Query: ${body.jql}`], errors: {} });
      const found = mine.filter((i) => i.key.startsWith(`${m[1]}-`) && i.labels.includes(m[2]!));
      return json(res, 200, { issues: found.map(jiraView), isLast: true });
    }
    const byKey = /^\/rest\/api\/3\/issue\/([^/]+)(\/transitions)?$/.exec(path.pathname);
    const issue = byKey
      ? mine.find((i) => i.key === decodeURIComponent(byKey[1]!) || i.id === byKey[1])
      : undefined;
    if (!issue)
      return json(res, 404, {
        errorMessages: ["Issue does not exist or you do not have permission to see it."],
        errors: {},
      });
    if (byKey?.[2] && req.method === "POST") {
      issue.state = "closed";
      res.writeHead(204);
      return res.end();
    }
    return json(res, 200, jiraView(issue));
  };

  const linear = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization !== linearApiKey)
      return json(res, 400, {
        errors: [
          {
            message: "Authentication required, not authenticated",
            extensions: { code: "AUTHENTICATION_ERROR" },
          },
        ],
      });
    const { query = "", variables = {} } = JSON.parse(await read(req)) as {
      query?: string;
      variables?: Record<string, unknown>;
    };
    const op = /^(?:query|mutation)\s+(\w+)/.exec(query.trim())?.[1];
    const mine = issues.filter((i) => i.kind === "linear");
    if (op === "Find") {
      const markerText = String(variables.marker ?? "");
      return json(res, 200, {
        data: {
          issues: {
            nodes: mine
              .filter((i) => i.body.includes(markerText))
              .slice(0, 1)
              .map(linearView),
          },
        },
      });
    }
    if (op === "Label")
      return json(res, 200, { data: { issueLabels: { nodes: [{ id: "label-postmortem" }] } } });
    if (op === "Create") {
      const input = (variables.input ?? {}) as {
        teamId?: string;
        title?: string;
        description?: string;
        labelIds?: string[];
      };
      if (!input.teamId || !input.title)
        return json(res, 200, {
          errors: [{ message: "Argument Validation Error", extensions: { code: "INVALID_INPUT" } }],
        });
      const issue = add(
        "linear",
        { title: input.title, body: input.description ?? "", labels: input.labelIds ?? [] },
        "ENG",
      );
      return json(res, 200, { data: { issueCreate: { success: true, issue: linearView(issue) } } });
    }
    if (op === "Read" || op === "Close") {
      const issue = mine.find((i) => i.id === variables.id || i.key === variables.id);
      if (!issue)
        return json(res, 200, {
          errors: [{ message: "Entity not found: Issue", extensions: { code: "INVALID_INPUT" } }],
        });
      if (op === "Close") issue.state = "closed";
      return json(res, 200, { data: { issue: linearView(issue) } });
    }
    return json(res, 200, {
      errors: [
        { message: `Unknown operation ${op ?? "(none)"}`, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } },
      ],
    });
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1");
    const kind: FakeTrackerKind = path.pathname.startsWith("/repos/")
      ? "github"
      : path.pathname.startsWith("/rest/api/3/")
        ? "jira"
        : "linear";
    const failure = failures[kind];
    if (failure.times > 0) {
      failure.times--;
      return json(
        res,
        failure.status,
        { message: `injected ${failure.status}` },
        failure.status === 429 ? { "retry-after": "1" } : {},
      );
    }
    const run =
      kind === "github"
        ? github(req, res, path)
        : kind === "jira"
          ? jiraHandler(req, res, path)
          : linear(req, res);
    run.catch((error: unknown) => json(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    githubToken,
    jira,
    linearApiKey,
    issues,
    creates,
    fail(kind, status, times = 1) {
      failures[kind] = { status, times };
    },
    close(kind, key) {
      const issue = issues.find((i) => i.kind === kind && (i.key === key || `${i.number}` === key));
      if (!issue) throw new Error(`no ${kind} issue ${key}`);
      issue.state = "closed";
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
