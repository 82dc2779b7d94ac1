/**
 * The dashboard's only door to the API (the OpenAPI document at /api/openapi.json): same origin unless
 * VITE_API_URL is set, cookies always sent, X-CSRF-Token on every write, RFC 9457 problems
 * turned into `ApiError`s, and ETag revalidation for the polled reads.
 */
import type {
  ContactMethod,
  ContactMethodsView,
  CoverageReport,
  Heartbeat,
  IncidentDetail,
  IncidentView,
  Me,
  NotifyRules,
  NotifyRulesView,
  Page,
  PageTrace,
  Person,
  Problem,
  RotationCalendar,
  ShiftOverride,
  TeamOnCall,
  TestPageView,
} from "./types";

export const API_BASE = (import.meta.env.VITE_API_URL ?? "").replace(/\/+$/, "");

export function apiUrl(path: string): string {
  return `${API_BASE}${path}`;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** The CSRF token: from /api/me once signed in, else the readable `fb_csrf` cookie (double submit). */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
function currentCsrf(): string | null {
  if (csrfToken) return csrfToken;
  const match = /(?:^|;\s*)fb_csrf=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]!) : null;
}

/** Called on any 401: the session is gone, so the app shows the sign-in screen. */
let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Problem;
    if (body && typeof body === "object") return body;
  } catch {
    // not JSON: fall through
  }
  return { title: response.statusText || `HTTP ${response.status}`, status: response.status, detail: text };
}

async function request(method: string, path: string, body?: unknown, headers?: HeadersInit) {
  const init: RequestInit = {
    method,
    credentials: "include",
    cache: "no-store",
    headers: { accept: "application/json", ...headers },
  };
  if (method !== "GET") {
    const h = init.headers as Record<string, string>;
    const token = currentCsrf();
    if (token) h["x-csrf-token"] = token;
    if (body !== undefined) {
      h["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
  }
  const response = await fetch(apiUrl(path), init);
  if (response.status === 401) onUnauthorized();
  return response;
}

export async function getJson<T>(path: string): Promise<T> {
  const response = await request("GET", path);
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return (await response.json()) as T;
}

export async function send<T>(
  method: "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<T> {
  const response = await request(method, path, body, headers);
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A GET that revalidates with If-None-Match: `null` means 304, nothing changed. */
export interface Revalidated<T> {
  etag: string | null;
  data: T;
}
export async function getIfChanged<T>(path: string, etag: string | null): Promise<Revalidated<T> | null> {
  const response = await request("GET", path, undefined, etag ? { "if-none-match": etag } : undefined);
  if (response.status === 304) return null;
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return { etag: response.headers.get("etag"), data: (await response.json()) as T };
}

/** The signed-in user; `null` when signed out. An API without /api/me (no auth) answers 404: anonymous. */
export async function fetchMe(): Promise<Me | null> {
  const response = await fetch(apiUrl("/api/me"), { credentials: "include", cache: "no-store" });
  if (response.status === 401) return null;
  if (response.status === 404) return { user: null, role: "responder", csrfToken: null, devSignIn: false };
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return (await response.json()) as Me;
}

/** Where to sign in: the local dev page when the runtime offers it, else Slack. */
export async function signInUrl(): Promise<string> {
  try {
    const response = await fetch(apiUrl("/auth/dev"), { credentials: "include", cache: "no-store" });
    if (response.ok) return apiUrl("/auth/dev");
  } catch {
    // the API is unreachable: Slack sign-in is the only option to offer
  }
  return apiUrl("/auth/slack/login");
}

/** A silent session refresh (same person, same CSRF token, a later expiry). */
export async function refreshSession(): Promise<{ expiresAt: string; signedInAt: string }> {
  return send("POST", "/auth/refresh");
}

export async function signOut(): Promise<void> {
  await send("POST", "/auth/logout");
}

export const api = {
  incident: (id: string) => `/api/incidents/${encodeURIComponent(id)}`,
  /** Who is on call in each rotation, the next 14 days (GET /api/oncall/calendar). */
  calendar() {
    return getJson<RotationCalendar>("/api/oncall/calendar");
  },
  /** When an escalation level would page nobody, over the next 14 days (GET /api/oncall/coverage). */
  coverage() {
    return getJson<CoverageReport>("/api/oncall/coverage");
  },
  /** Why the incident paged whom it paged (GET /api/incidents/{id}/trace). */
  trace(id: string) {
    return getJson<PageTrace>(`${api.incident(id)}/trace`);
  },
  async pages(detail: IncidentDetail): Promise<Page[]> {
    if (Array.isArray(detail.pages)) return detail.pages;
    try {
      return (await getJson<{ items: Page[] }>(`/api/pages?incident=${encodeURIComponent(detail.id)}`)).items;
    } catch (error) {
      if (error instanceof ApiError && error.status === 503) return [];
      throw error;
    }
  },
  notifyRules(personId: string) {
    return getJson<NotifyRulesView>(`/api/people/${encodeURIComponent(personId)}/notification-rules`);
  },
  /** A person's own rules, or `null` to reset them to the directory's or the default. */
  setNotifyRules(personId: string, rules: NotifyRules | null) {
    return send<NotifyRulesView>(
      "PUT",
      `/api/people/${encodeURIComponent(personId)}/notification-rules`,
      rules ?? { reset: true },
    );
  },
  contactMethods(personId: string) {
    return getJson<ContactMethodsView>(`/api/people/${encodeURIComponent(personId)}/contact-methods`);
  },
  /** Sends a test message with a code to the method (202: the pager sends it). */
  requestVerification(personId: string, method: ContactMethod) {
    return send<ContactMethodsView>(
      "POST",
      `/api/people/${encodeURIComponent(personId)}/contact-methods/${method}/verification`,
      {},
    );
  },
  confirmVerification(personId: string, method: ContactMethod, code: string) {
    return send<ContactMethodsView>(
      "POST",
      `/api/people/${encodeURIComponent(personId)}/contact-methods/${method}/verification/confirm`,
      { code },
    );
  },
  /** A test page to exactly one of a person, a team or a service (202 with its record). */
  sendTestPage(target: { person: string } | { team: string } | { service: string }) {
    return send<TestPageView>("POST", "/api/test-pages", target);
  },
  testPage(id: string) {
    return getJson<TestPageView>(`/api/test-pages/${encodeURIComponent(id)}`);
  },
  async people(): Promise<Person[]> {
    return (await getJson<{ items: Person[] }>("/api/people")).items;
  },
  /** Conditioned on the status shown (not the version): a role change meanwhile does not block it. */
  transition(id: string, action: "ack" | "mitigate" | "resolve", expectedStatus: string, summary?: string) {
    return send<IncidentView>("POST", `${api.incident(id)}/${action}`, {
      expectedStatus,
      ...(summary ? { summary } : {}),
    });
  },
  assignRole(id: string, role: string, personId: string, expectedVersion: number, page?: boolean) {
    return send<IncidentView>("POST", `${api.incident(id)}/roles`, {
      role,
      personId,
      expectedVersion,
      ...(page === undefined ? {} : { page }),
    });
  },
  changeSeverity(id: string, severity: string, expectedVersion: number, reason?: string) {
    return send<IncidentView>("POST", `${api.incident(id)}/severity`, {
      severity,
      expectedVersion,
      ...(reason ? { reason } : {}),
    });
  },
  reopen(id: string, reason: string, expectedVersion: number) {
    return send<IncidentView>("POST", `${api.incident(id)}/reopen`, { reason, expectedVersion });
  },
  /** Merges this incident (a duplicate) into `into` (INC-n). */
  merge(id: string, into: string, expectedVersion: number, reason?: string) {
    return send<{ into: IncidentView; movedAlarms: string[] }>("POST", `${api.incident(id)}/merge`, {
      into,
      expectedVersion,
      ...(reason ? { reason } : {}),
    });
  },
  link(id: string, other: string, reason?: string) {
    return send<unknown>("POST", `${api.incident(id)}/links`, {
      incident: other,
      ...(reason ? { reason } : {}),
    });
  },
  unlink(id: string, other: string) {
    return send<unknown>("DELETE", `${api.incident(id)}/links/${encodeURIComponent(other)}`);
  },
  escalate(id: string, mode: "next" | "repage") {
    return send<unknown>("POST", `${api.incident(id)}/escalate`, { mode });
  },
  async shiftOverrides(): Promise<ShiftOverride[]> {
    return (await getJson<{ items: ShiftOverride[] }>("/api/oncall/overrides")).items;
  },
  addShiftOverride(input: {
    personId: string;
    rotationId: string;
    from: string;
    to: string;
    reason?: string;
  }) {
    return send<ShiftOverride>("POST", "/api/oncall/overrides", input);
  },
  cancelShiftOverride(id: string) {
    return send<ShiftOverride>("DELETE", `/api/oncall/overrides/${encodeURIComponent(id)}`);
  },
  async heartbeats(): Promise<Heartbeat[]> {
    return (await getJson<{ items: Heartbeat[] }>("/api/heartbeats")).items;
  },
  async teamsOnCall(): Promise<TeamOnCall[]> {
    return (await getJson<{ items: TeamOnCall[] }>("/api/oncall")).items;
  },
  /** Pages a person (`person:<id>`) or a team's on-call (`team:<id>`) into the incident. */
  pageResponders(id: string, whom: string, message?: string) {
    const [kind, value] = whom.split(/:(.*)/s) as [string, string];
    return send<{ people: { personId: string; name: string }[] }>("POST", `${api.incident(id)}/responders`, {
      ...(kind === "team" ? { team: value } : { personId: value }),
      ...(message ? { message } : {}),
    });
  },
  postUpdate(id: string, text: string, temporary: boolean, isPublic: boolean) {
    return send<unknown>("POST", `${api.incident(id)}/updates`, { text, temporary, public: isPublic });
  },
};
