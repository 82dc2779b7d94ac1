/**
 * Browser end-to-end tests: headless Chromium (Debian's `chromium`, driven by playwright-core)
 * against the whole local runtime, in-process, with the dashboard built by Vite for this run.
 * Screenshots of the list and the detail page go to test-artifacts/ (gitignored).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { newId } from "../../core/src/shared/ids";
import { buildCli } from "../../local/src/cli";
import { type LocalRuntime, startLocalRuntime } from "../../local/src/runtime";
import { buildDashboard } from "../../local/src/web-build";

const CHROMIUM = process.env.FIREBREAK_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = resolve(import.meta.dirname, "../../../test-artifacts");
/** Live updates must show within 5 s; under a loaded CI machine give the browser some slack. */
const LIVE_MS = 15_000;
const STEP_MS = 30_000;

let runtime: LocalRuntime;
let browser: Browser;
let webDir: string;

/** Fires an alarm exactly as `npm run firebreak -- alarm fire …` does. */
async function fireAlarm(name: string, ...options: string[]): Promise<void> {
  const log = console.log;
  console.log = () => undefined;
  // `npm start` keeps the events token in the data folder; this runtime runs in memory.
  process.env.FIREBREAK_EVENTS_TOKEN = runtime.eventsToken;
  try {
    await buildCli().parseAsync([
      "node",
      "firebreak",
      "alarm",
      "fire",
      name,
      ...options,
      "--url",
      runtime.url,
    ]);
  } finally {
    delete process.env.FIREBREAK_EVENTS_TOKEN;
    console.log = log;
  }
}

/** axe-core (Deque's accessibility engine), run inside the page; evaluated, so the page's CSP allows it. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The WCAG 2.1 A and AA violations axe finds on the page as it is now: "rule: selector" each. */
async function axeViolations(page: Page): Promise<string[]> {
  const found = (await page.evaluate(`${AXE_SOURCE}
    ;axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
      .then((r) => r.violations.flatMap((v) => v.nodes.map((n) => v.id + ": " + n.target.join(" "))))`)) as string[];
  return found;
}

interface Session {
  context: BrowserContext;
  page: Page;
  dialogs: string[];
  errors: string[];
}

/** A fresh browser session, signed in through the dev sign-in page the dashboard redirects to. */
async function signIn(person = "alice", role = "responder", timezoneId?: string): Promise<Session> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    ...(timezoneId ? { timezoneId } : {}),
  });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${runtime.url}/`);
  await page.waitForURL(/\/auth\/dev/, { timeout: STEP_MS });
  await page.selectOption("#person", person);
  await page.selectOption("#role", role);
  await Promise.all([
    page.waitForURL(`${runtime.url}/`, { timeout: STEP_MS }),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
  await page.getByRole("heading", { name: "Open incidents" }).waitFor({ timeout: STEP_MS });
  return { context, page, dialogs, errors };
}

/** The page's focused element (this file is compiled without the DOM library: minimal types). */
type Focused = { id: string; textContent: string | null; blur(): void } | null;
function focusedId(page: Page): Promise<string | undefined> {
  return page.evaluate(
    () => (globalThis as unknown as { document: { activeElement: Focused } }).document.activeElement?.id,
  );
}
function focusedText(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      (
        globalThis as unknown as { document: { activeElement: Focused } }
      ).document.activeElement?.textContent?.trim() ?? "",
  );
}
function blurFocused(page: Page): Promise<void> {
  return page.evaluate(() =>
    (globalThis as unknown as { document: { activeElement: Focused } }).document.activeElement?.blur(),
  );
}
/** The drafts the dashboard keeps in this tab's sessionStorage. */
function draftKeys(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Object.keys((globalThis as unknown as { sessionStorage: object }).sessionStorage).filter((k) =>
      k.startsWith("fb-draft:"),
    ),
  );
}

/** Makes the page believe its tab was hidden or shown (document.visibilityState + the event). */
function setVisibility(page: Page, state: "hidden" | "visible") {
  return page.evaluate((value) => {
    type Doc = { dispatchEvent(event: Event): boolean };
    const doc = (globalThis as unknown as { document: Doc }).document;
    Object.defineProperty(doc, "visibilityState", { value, configurable: true });
    doc.dispatchEvent(new Event("visibilitychange"));
  }, state);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM}, and it is not there. Install it with ` +
        "`sudo apt-get update && sudo apt-get install -y chromium` (Debian/Ubuntu; .ci/run does this), " +
        "or point FIREBREAK_CHROMIUM at a Chromium or Chrome binary.",
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  webDir = mkdtempSync(join(tmpdir(), "firebreak-web-e2e-"));
  await buildDashboard({ outDir: webDir });
  runtime = await startLocalRuntime({
    port: 0,
    dataDir: null,
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName: `web-e2e-${process.pid}-${Date.now()}`,
    webDir,
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Containers and CI often run as root, where Chromium's sandbox cannot start.
    args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  if (webDir) rmSync(webDir, { recursive: true, force: true });
});

describe("dashboard in headless Chromium", () => {
  it("signs in, shows a fired alarm live, and takes it from ack to postmortem", async () => {
    const { context, page, dialogs, errors } = await signIn("alice", "responder");
    try {
      // The page must not reload: a marker set now survives only within the same document.
      await page.evaluate(() => {
        (globalThis as unknown as { e2eMarker: number }).e2eMarker = 42;
      });
      await fireAlarm("checkout-5xx-e2e", "--service", "checkout", "--severity", "sev2");
      const row = page.locator("tr", { hasText: "checkout-5xx-e2e" });
      await row.waitFor({ timeout: LIVE_MS });
      expect(await page.evaluate(() => (globalThis as unknown as { e2eMarker?: number }).e2eMarker)).toBe(42);
      await expect.poll(() => row.getByText("SEV2").count()).toBe(1);
      await expect.poll(() => row.getByText("Declared").count()).toBe(1);
      await expect.poll(() => row.locator("td.alarm").textContent()).toBe("checkout-5xx-e2e");
      await page.screenshot({ path: join(ARTIFACTS, "dashboard-list.png"), fullPage: true });

      // Detail: acknowledge.
      await row.getByRole("link").click();
      await page.getByRole("heading", { level: 1, name: /checkout-5xx-e2e/ }).waitFor({ timeout: STEP_MS });
      await page.getByRole("button", { name: "Acknowledge" }).click();
      await page.locator(".incident-head .status-acknowledged").waitFor({ timeout: STEP_MS });

      // Assign the incident commander from the directory's people (a handoff when the on-call
      // rotation already filled the role at declare time).
      const ic = page.locator('[data-role="ic"]');
      const picker = ic.getByLabel(/(Assign|Hand off) Incident commander to/);
      // The directory's people, less the current holder; take the first.
      const someone = picker.locator('option:not([value=""])').first();
      await someone.waitFor({ state: "attached", timeout: STEP_MS });
      const newIc = { id: (await someone.getAttribute("value"))!, name: (await someone.textContent())! };
      await picker.selectOption(newIc.id);
      await ic.getByRole("button", { name: /Assign|Hand off/ }).click();
      await ic.locator(".holder strong").getByText(newIc.name).waitFor({ timeout: STEP_MS });
      // The new IC is paged (the checkbox is on for the IC by default), unless they took it themselves.
      expect(await ic.getByLabel("Page them").isChecked()).toBe(true);
      if (newIc.id !== "alice")
        await page
          .locator('.timeline li[data-kind="incident.responder_requested"]', { hasText: `assigned as IC` })
          .waitFor({ timeout: LIVE_MS });

      // A status update, flagged as a temporary mitigation, lands in the timeline.
      await page.getByLabel("Update for stakeholders").fill("Rolled back the checkout deploy; watching 5xx.");
      await page.getByLabel(/Temporary mitigation/).check();
      await page.getByRole("button", { name: "Post update" }).click();
      const update = page.locator('.timeline li[data-kind="incident.update_posted"]');
      await update.getByText("Rolled back the checkout deploy; watching 5xx.").waitFor({ timeout: STEP_MS });
      await expect.poll(() => update.getByText("temporary").count()).toBe(1);
      await expect
        .poll(() =>
          page.locator('.timeline li[data-kind="incident.role_assigned"]', { hasText: newIc.name }).count(),
        )
        .toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, "dashboard-detail.png"), fullPage: true });

      // Severity: raise it (no reason needed), then lower it, which asks for a reason first.
      const severity = page.getByRole("form", { name: "Change severity" });
      await severity.getByLabel("Severity", { exact: true }).selectOption("SEV1");
      await severity.getByRole("button", { name: "Change severity" }).click();
      await page.locator(".incident-head").getByText("SEV1").waitFor({ timeout: STEP_MS });
      await severity.getByLabel("Severity", { exact: true }).selectOption("SEV3");
      const reason = severity.getByLabel(/Reason/);
      expect(await reason.getAttribute("required")).not.toBeNull();
      await reason.fill("Only the admin console is affected.");
      await severity.getByRole("button", { name: "Change severity" }).click();
      await page.locator(".incident-head").getByText("SEV3").waitFor({ timeout: STEP_MS });
      const changes = page.locator('.timeline li[data-kind="incident.severity_changed"]');
      await expect.poll(() => changes.count(), { timeout: STEP_MS }).toBe(2);
      await changes.getByText(/Only the admin console is affected/).waitFor({ timeout: STEP_MS });

      // Resolve, then open the drafted postmortem (written asynchronously after resolve).
      await page.getByLabel("Resolution summary").fill("Deploy rolled back.");
      await page.getByRole("button", { name: "Resolve", exact: true }).click();
      // It asks first.
      await page.getByRole("button", { name: "Yes, resolve" }).click();
      await page.locator(".incident-head .status-resolved").waitFor({ timeout: STEP_MS });
      await page.getByRole("link", { name: "Open the postmortem" }).click();
      const markdown = page.locator(".markdown");
      await markdown.locator("h1, h2").first().waitFor({ timeout: 60_000 });
      expect(await markdown.textContent()).toContain("checkout-5xx-e2e");
      // The YAML front matter is shown apart (as text), not rendered as Markdown.
      expect(await markdown.textContent()).not.toContain("incident_id:");
      expect(await page.locator(".front-matter").textContent()).toContain("incident_id:");
      const md = page.getByRole("link", { name: "Download .md" });
      expect(await md.getAttribute("href")).toMatch(/\/api\/incidents\/[0-9A-Z]{26}\/postmortem\.md$/);
      const download = await page.request.get(new URL((await md.getAttribute("href"))!, runtime.url).href);
      expect(download.status()).toBe(200);
      expect(download.headers()["content-type"]).toContain("text/markdown");
      const json = page.getByRole("link", { name: "Download .json" });
      expect(await json.getAttribute("href")).toMatch(/postmortem\.json$/);
      await page.screenshot({ path: join(ARTIFACTS, "dashboard-postmortem.png"), fullPage: true });

      // Back on the list, the resolved incident is gone (still no reload needed).
      await page.getByRole("link", { name: "Incidents" }).click();
      await expect
        .poll(() => page.locator("tr", { hasText: "checkout-5xx-e2e" }).count(), { timeout: LIVE_MS })
        .toBe(0);

      // Metrics: one request draws the figures and the week-by-week trend; each figure has its formula.
      const metricsRequests: string[] = [];
      page.on("request", (r) => {
        if (r.url().includes("/api/metrics")) metricsRequests.push(r.url());
      });
      await page.getByRole("link", { name: "Metrics" }).click();
      await page.locator(".stat abbr", { hasText: "MTBF" }).waitFor({ timeout: STEP_MS });
      expect(await page.locator(".stat abbr").allTextContents()).toEqual([
        "MTTD",
        "MTTA",
        "MTTM",
        "MTTR",
        "MTBF",
      ]);
      expect(await page.locator(".stat abbr", { hasText: "MTTR" }).getAttribute("title")).toBe(
        "Mean time to resolve: resolved − impact start",
      );
      await page.getByRole("heading", { name: "MTTA and MTTR by service, week by week" }).waitFor();
      await expect.poll(() => page.locator(".charts svg").count(), { timeout: STEP_MS }).toBeGreaterThan(0);
      expect(metricsRequests).toHaveLength(1);
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);

  it("a role change does not block an acknowledgement; a status change behind the page is a 409 that says what changed", async () => {
    const { context, page, errors } = await signIn("chen", "responder");
    try {
      await fireAlarm("conflict-e2e", "--service", "payments");
      const row = page.locator("tr", { hasText: "conflict-e2e" });
      await row.waitFor({ timeout: LIVE_MS });
      await row.getByRole("link").click();
      const ack = page.getByRole("button", { name: "Acknowledge" });
      await ack.waitFor({ timeout: STEP_MS });
      const id = page.url().split("/").pop()!;
      // Hold the page's view still (every poll answers 304), then change the incident behind it.
      await page.route(`**/api/incidents/${id}`, (route) =>
        route.request().method() === "GET" ? route.fulfill({ status: 304 }) : route.fallback(),
      );
      const csrf = (await context.cookies()).find((c) => c.name === "fb_csrf")?.value ?? "";
      const behind = await page.request.post(`${runtime.url}/api/incidents/${id}/roles`, {
        headers: { "x-csrf-token": csrf },
        data: { role: "comms", personId: "dana" },
      });
      expect(behind.status(), await behind.text()).toBe(200);
      // An unrelated change (a role) does not block an acknowledgement: it is conditioned on the status.
      await ack.click();
      await page.getByRole("status").filter({ hasText: "Acknowledged." }).waitFor({ timeout: STEP_MS });
      // A status change behind the page does: the next action says what changed.
      const resolved = await page.request.post(`${runtime.url}/api/incidents/${id}/resolve`, {
        headers: { "x-csrf-token": csrf },
        data: {},
      });
      expect(resolved.status(), await resolved.text()).toBe(200);
      await page.getByRole("button", { name: "Mitigate" }).click();
      const alert = page.getByRole("alert");
      await alert.getByText(/changed this incident first/).waitFor({ timeout: STEP_MS });
      expect(await alert.textContent()).toContain("status declared → resolved");
      expect(await alert.textContent()).toContain("COMMS nobody → Dana Fischer");
      // Once the page can see the current incident again, it shows it.
      await page.unroute(`**/api/incidents/${id}`);
      await page.locator(".incident-head .status-resolved").waitFor({ timeout: LIVE_MS });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("says when the API is down, marks the page stale, disables actions with the reason, keeps a draft, and recovers by itself", async () => {
    const { context, page } = await signIn("bob", "responder");
    try {
      await fireAlarm("outage-e2e", "--service", "outage-svc");
      const row = page.locator("tr", { hasText: "outage-e2e" });
      await row.waitFor({ timeout: LIVE_MS });
      await row.getByRole("link").click();
      const ack = page.getByRole("button", { name: "Acknowledge" });
      await ack.waitFor({ timeout: STEP_MS });
      await page.fill("#update-text", "Rolling back checkout to v41");
      // The API goes away (the browser cannot reach it at all).
      await page.route("**/api/**", (route) => route.abort("connectionrefused"));
      const banner = page.getByTestId("outage");
      await banner.waitFor({ timeout: LIVE_MS });
      expect(await banner.getByRole("alert").textContent()).toMatch(
        /Firebreak is not answering since .+\. What you see may be out of date; actions are disabled until it answers\./,
      );
      expect(await banner.textContent()).toMatch(/retrying (in \d+ s|now)/);
      expect(await page.locator("article.detail").getAttribute("class")).toContain("stale");
      expect(await ack.isDisabled()).toBe(true);
      expect(await page.locator("#update-text").isDisabled()).toBe(true);
      await page.getByText("Firebreak is not answering: actions are disabled until it does.").waitFor();
      await page.screenshot({ path: join(ARTIFACTS, "dashboard-api-down.png"), fullPage: true });
      // It comes back as a 503 first (still down), then for real: the page recovers without a reload.
      await page.unroute("**/api/**");
      await page.route("**/api/**", (route) =>
        route.fulfill({
          status: 503,
          contentType: "application/problem+json",
          body: '{"title":"Service Unavailable","status":503}',
        }),
      );
      await page.waitForTimeout(500);
      await page.unroute("**/api/**");
      await banner.waitFor({ state: "detached", timeout: 30_000 });
      expect(await ack.isEnabled()).toBe(true);
      expect(await page.locator("#update-text").inputValue()).toBe("Rolling back checkout to v41");
      expect(await page.locator("article.detail").getAttribute("class")).not.toContain("stale");
      await page.screenshot({ path: join(ARTIFACTS, "dashboard-api-back.png"), fullPage: true });
    } finally {
      await context.close();
    }
  }, 180_000);

  it("a session that expires mid-incident brings the user back to the incident with the typed draft after signing in", async () => {
    const { context, page, errors } = await signIn("chen", "responder");
    try {
      await fireAlarm("session-e2e", "--service", "session-svc");
      const row = page.locator("tr", { hasText: "session-e2e" });
      await row.waitFor({ timeout: LIVE_MS });
      await row.getByRole("link").click();
      await page.getByRole("button", { name: "Acknowledge" }).waitFor({ timeout: STEP_MS });
      const url = page.url();
      await page.fill("#update-text", "Half-typed: the rollback is at 60%");
      await page.fill("#resolve-summary", "Rolled back to v41");
      // The session ends (its cookies are gone): the next poll is a 401, and the sign-in page follows.
      await context.clearCookies();
      await page.waitForURL(/\/auth\/dev/, { timeout: STEP_MS });
      await page.screenshot({ path: join(ARTIFACTS, "dashboard-session-expired.png"), fullPage: true });
      await page.selectOption("#person", "chen");
      await page.selectOption("#role", "responder");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(url, { timeout: STEP_MS });
      await page.getByRole("button", { name: "Acknowledge" }).waitFor({ timeout: STEP_MS });
      expect(await page.locator("#update-text").inputValue()).toBe("Half-typed: the rollback is at 60%");
      expect(await page.locator("#resolve-summary").inputValue()).toBe("Rolled back to v41");
      await page.screenshot({ path: join(ARTIFACTS, "dashboard-session-restored.png"), fullPage: true });
      // People's text takes its own direction (a Hebrew or Arabic title reads right to left).
      expect(await page.locator(".incident-head .title").getAttribute("dir")).toBe("auto");
      expect(await page.locator("#update-text").getAttribute("dir")).toBe("auto");
      // Posted, the draft is gone: a reload shows an empty form.
      await page.getByRole("button", { name: "Post update" }).click();
      await page.getByRole("status").filter({ hasText: "Update posted." }).waitFor({ timeout: STEP_MS });
      // The draft is forgotten as soon as the update is stored (before the notice shows).
      expect(await draftKeys(page)).toEqual([expect.stringMatching(/:summary$/)]);
      await page.reload();
      await page.getByRole("button", { name: "Acknowledge" }).waitFor({ timeout: STEP_MS });
      expect(await page.locator("#update-text").inputValue()).toBe("");
      expect(await page.locator("#resolve-summary").inputValue()).toBe("Rolled back to v41");
      // Signing out forgets every draft.
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("heading", { name: "Firebreak" }).waitFor({ timeout: STEP_MS });
      expect(await draftKeys(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("runs from the keyboard: j/k move, / searches, a acknowledges (focus lands on the outcome), r resolves, ? helps", async () => {
    const { context, page, errors } = await signIn("dana", "responder");
    try {
      await fireAlarm("keys-one-e2e", "--service", "keys-svc-one");
      await fireAlarm("keys-two-e2e", "--service", "keys-svc-two");
      await page.locator("tr", { hasText: "keys-two-e2e" }).waitFor({ timeout: LIVE_MS });
      await page.locator("tr", { hasText: "keys-one-e2e" }).waitFor({ timeout: LIVE_MS });
      const focused = () => focusedText(page);
      const links = page.locator("a.incident-link");
      const first = (await links.nth(0).textContent())!.trim();
      const second = (await links.nth(1).textContent())!.trim();
      await page.keyboard.press("j");
      expect(await focused()).toBe(first);
      await page.keyboard.press("j");
      expect(await focused()).toBe(second);
      await page.keyboard.press("k");
      expect(await focused()).toBe(first);
      // "/" goes to the search; letters typed there are text, not shortcuts.
      await page.keyboard.press("/");
      expect(await focusedId(page)).toBe("incident-search");
      await page.keyboard.type("keys-one");
      expect(await page.locator("#incident-search").inputValue()).toBe("keys-one");
      await expect.poll(() => links.count()).toBe(1);
      // ? shows the shortcuts; Esc closes them.
      await blurFocused(page);
      await page.keyboard.press("?");
      const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
      await help.waitFor({ timeout: STEP_MS });
      expect(await help.textContent()).toContain("acknowledge");
      await page.screenshot({ path: join(ARTIFACTS, "dashboard-shortcuts.png") });
      await page.keyboard.press("Escape");
      await help.waitFor({ state: "hidden", timeout: STEP_MS });
      // Open the one left, from the keyboard.
      await blurFocused(page);
      await page.keyboard.press("j");
      await expect.poll(focused).toContain("keys-one-e2e");
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { level: 1, name: /keys-one-e2e/ }).waitFor({ timeout: STEP_MS });
      await blurFocused(page);
      await page.keyboard.press("a");
      await page.getByRole("status").filter({ hasText: "Acknowledged." }).waitFor({ timeout: STEP_MS });
      await expect.poll(() => focusedId(page)).toBe("action-notice");
      await page.locator(".incident-head .status-acknowledged").waitFor({ timeout: STEP_MS });
      // r: to the summary; Enter resolves.
      await page.keyboard.press("r");
      expect(await focusedId(page)).toBe("resolve-summary");
      await page.keyboard.type("Resolved from the keyboard");
      await page.keyboard.press("Enter");
      // The confirmation takes the focus: Enter again resolves.
      await expect.poll(() => focusedId(page)).toBe("resolve-confirm");
      await page.keyboard.press("Enter");
      await page.locator(".incident-head .status-resolved").waitFor({ timeout: STEP_MS });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("the incident page says what is wrong first: the paging state, the latest update; the timeline newest first without paging noise", async () => {
    const { context, page, errors } = await signIn("erin", "responder", "America/New_York");
    try {
      await fireAlarm("header-e2e", "--service", "header-svc", "--severity", "sev1");
      const row = page.locator("tr", { hasText: "header-e2e" });
      await row.waitFor({ timeout: LIVE_MS });
      // An unacknowledged SEV1 stands out in the list, first.
      expect(await row.getAttribute("class")).toContain("urgent");
      expect(await row.textContent()).toContain("nobody has acknowledged");
      await expect.poll(() => page.title()).toMatch(/^\(\d+\) Firebreak$/);
      await row.getByRole("link").click();
      await page.getByRole("button", { name: "Acknowledge" }).waitFor({ timeout: STEP_MS });
      const state = page.locator(".incident-head .escalation-state");
      await state.waitFor({ timeout: LIVE_MS });
      expect(await state.textContent()).toMatch(/^Paging level 1 since .+: nobody has acknowledged\.$/);
      await page.fill("#update-text", "Customers see errors at checkout; rolling back");
      await page.getByRole("button", { name: "Post update" }).click();
      const latest = page.locator(".incident-head .latest-update");
      await latest.waitFor({ timeout: STEP_MS });
      expect(await latest.textContent()).toMatch(
        /^Latest update, \d+s ago by Erin Walsh: Customers see errors at checkout; rolling back$/,
      );
      // The timeline: newest first, readable labels, no raw kinds, paging hidden until asked for.
      const items = page.locator(".timeline li[data-kind]");
      expect(await items.first().getAttribute("data-kind")).toBe("incident.update_posted");
      expect(await page.locator('.timeline li[data-group="paging"]').count()).toBe(0);
      expect(await page.locator(".timeline").textContent()).not.toMatch(/incident\.[a-z_]+|page\.[a-z_]+/);
      // Times carry the viewer's zone (New York here); the header toggles them to UTC, kept on reload.
      const firstTime = page.locator(".timeline li[data-kind] time").first();
      expect(await firstTime.textContent()).toMatch(/(EST|EDT|GMT-[45])$/);
      await page.getByRole("button", { name: "Times in UTC" }).click();
      await expect.poll(() => firstTime.textContent()).toMatch(/UTC$/);
      expect(await page.getByRole("button", { name: "Times in UTC" }).getAttribute("aria-pressed")).toBe(
        "true",
      );
      await page.screenshot({ path: join(ARTIFACTS, "dashboard-detail-header.png"), fullPage: true });
      await page.getByRole("button", { name: "Paging", exact: true }).click();
      await expect.poll(() => page.locator('.timeline li[data-group="paging"]').count()).toBeGreaterThan(0);
      expect(await page.locator('.timeline li[data-group="people"]').count()).toBe(0);
      // Acknowledged: the paging state goes.
      await page.getByRole("button", { name: "Acknowledge" }).click();
      await page.locator(".incident-head .status-acknowledged").waitFor({ timeout: STEP_MS });
      await state.waitFor({ state: "detached", timeout: STEP_MS });
      // The paging trace: who each level had, how it went, and why level 2 was never paged.
      await page.getByText("Paging trace: why it paged whom, and why nobody else").click();
      const levelOne = page.locator('.trace-levels > li[data-level="1"]');
      await levelOne.waitFor({ timeout: STEP_MS });
      expect(await levelOne.textContent()).toMatch(/^Level 1 \(\d+ min\): paged .+\(start\)/);
      expect(await page.locator(".trace-routing").textContent()).toMatch(
        /found by default team.+directory version \d+/,
      );
      await expect
        .poll(() => page.locator(".trace-why-not").textContent())
        .toMatch(/Level 2 was not paged: Erin Walsh acknowledged/);
      // The service page: its open incident, the alarm that opened it, who owns it.
      await page.locator(".incident-head").getByRole("link", { name: "header-svc" }).click();
      await page.getByRole("heading", { level: 1, name: "Service header-svc" }).waitFor({ timeout: STEP_MS });
      const openRow = page.getByRole("table", { name: "Open incidents" }).locator("tr[data-incident]");
      await openRow.first().waitFor({ timeout: STEP_MS });
      expect(await openRow.first().textContent()).toContain("header-e2e");
      expect(await page.locator(".service-alarms").textContent()).toContain("header-e2e");
      expect(await page.locator(".service-team").textContent()).toMatch(/^Owned by Platform: on call now /);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("acknowledges and resolves a selection in bulk, confirmed, each conditioned on the status seen", async () => {
    const { context, page, errors } = await signIn("farid", "responder");
    try {
      for (const n of [1, 2, 3]) await fireAlarm(`bulk-${n}-e2e`, "--service", `bulk-svc-${n}`);
      const rows = [1, 2, 3].map((n) => page.locator("tr", { hasText: `bulk-${n}-e2e` }));
      for (const row of rows) await row.waitFor({ timeout: LIVE_MS });
      for (const row of rows) await row.getByRole("checkbox").check();
      const bar = page.getByRole("toolbar", { name: "Selected incidents" });
      expect(await bar.textContent()).toContain("3 selected");
      // Hold the list still (every poll answers 304), then someone resolves the second one behind it.
      await page.route("**/api/incidents?*", (route) =>
        route.request().method() === "GET" ? route.fulfill({ status: 304 }) : route.fallback(),
      );
      const second = (await rows[1]!.getAttribute("data-incident"))!;
      const csrf = (await context.cookies()).find((c) => c.name === "fb_csrf")?.value ?? "";
      const behind = await page.request.post(`${runtime.url}/api/incidents/${second}/resolve`, {
        headers: { "x-csrf-token": csrf },
        data: {},
      });
      expect(behind.status(), await behind.text()).toBe(200);
      await bar.getByRole("button", { name: "Acknowledge 3" }).click();
      const dialog = page.getByRole("dialog", { name: "Acknowledge 3 incidents?" });
      await dialog.waitFor({ timeout: STEP_MS });
      await page.screenshot({ path: join(ARTIFACTS, "dashboard-bulk-confirm.png") });
      await dialog.getByRole("button", { name: "Acknowledge 3" }).click();
      const notice = page.locator(".note.conflict");
      await notice.waitFor({ timeout: STEP_MS });
      expect(await notice.textContent()).toContain("Acknowledged 2 of 3. 1 was not:");
      expect(await notice.textContent()).toContain(`${second}: someone changed it first`);
      await page.unroute("**/api/incidents?*");
      // (Acknowledging one someone else acknowledged is no conflict: it is what was asked.)
      await rows[0]!.locator(".status-acknowledged").waitFor({ timeout: LIVE_MS });
      await rows[2]!.locator(".status-acknowledged").waitFor({ timeout: LIVE_MS });
      await rows[1]!.waitFor({ state: "detached", timeout: LIVE_MS });
      // Resolve two, with the summary the confirmation asks for.
      await rows[0]!.getByRole("checkbox").check();
      await rows[2]!.getByRole("checkbox").check();
      await bar.getByRole("button", { name: "Resolve 2" }).click();
      const resolve = page.getByRole("dialog", { name: "Resolve 2 incidents?" });
      await resolve.getByLabel("Resolution summary").fill("Bad config push rolled back");
      await resolve.getByRole("button", { name: "Resolve 2" }).click();
      await page.getByRole("status").filter({ hasText: "Resolved 2 of 2." }).waitFor({ timeout: STEP_MS });
      await rows[0]!.waitFor({ state: "detached", timeout: LIVE_MS });
      await rows[2]!.waitFor({ state: "detached", timeout: LIVE_MS });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("marks the incidents where I hold a role, and filters to them (Mine)", async () => {
    await fireAlarm("mine-e2e", "--service", "mine-svc");
    await fireAlarm("not-mine-e2e", "--service", "not-mine-svc");
    // Who is on call follows the runtime's clock: sign in as someone the other incident neither
    // paged nor gave a role (they would count it as theirs).
    const headers = { authorization: `Bearer ${await runtime.apiToken("viewer", "alice")}` };
    type Listed = {
      title: string;
      roles?: Record<string, { personId: string } | undefined>;
      escalation: { level?: number | string; paged: string[] } | null;
    };
    const involved = await vi.waitFor(
      async () => {
        const list = (await (await fetch(`${runtime.url}/api/incidents`, { headers })).json()) as {
          items: Listed[];
        };
        const other = list.items.find((i) => i.title === "not-mine-e2e");
        if (other?.escalation?.level === undefined) throw new Error("not paged yet");
        return new Set([
          ...other.escalation.paged,
          ...Object.values(other.roles ?? {}).flatMap((h) => (h ? [h.personId] : [])),
        ]);
      },
      { timeout: LIVE_MS, interval: 200 },
    );
    const people = (await (await fetch(`${runtime.url}/api/people`, { headers })).json()) as {
      items?: { id: string }[];
    };
    const me = (people.items ?? []).map((p) => p.id).find((id) => !involved.has(id));
    expect(me, `everyone was involved in not-mine-e2e: ${[...involved].join(", ")}`).toBeDefined();
    const { context, page, errors } = await signIn(me!, "responder");
    try {
      const mine = page.locator("tr", { hasText: "mine-e2e" }).filter({ hasNotText: "not-mine-e2e" });
      const other = page.locator("tr", { hasText: "not-mine-e2e" });
      await mine.waitFor({ timeout: LIVE_MS });
      await other.waitFor({ timeout: LIVE_MS });
      const key = (await mine.getAttribute("data-incident"))!;
      const csrf = (await context.cookies()).find((c) => c.name === "fb_csrf")?.value ?? "";
      const assigned = await page.request.post(`${runtime.url}/api/incidents/${key}/roles`, {
        headers: { "x-csrf-token": csrf },
        data: { role: "scribe", personId: me },
      });
      expect(assigned.status(), await assigned.text()).toBe(200);
      await mine.locator(".badge.mine").waitFor({ timeout: LIVE_MS });
      await page.getByLabel("Mine (I hold a role or was paged)").check();
      await other.waitFor({ state: "detached", timeout: STEP_MS });
      expect(await mine.count()).toBe(1);
      const rows = page.locator("table.incidents tbody tr");
      expect(await rows.count()).toBe(await page.locator("table.incidents tbody tr .badge.mine").count());
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("shows each open incident's paging level, and counts being paged as mine", async () => {
    const first = await signIn("alice", "viewer");
    let paged: Session | undefined;
    try {
      await fireAlarm("paged-e2e", "--service", "paged-svc");
      const row = (p: Page) => p.locator("tr", { hasText: "paged-e2e" });
      await row(first.page).waitFor({ timeout: LIVE_MS });
      const key = (await row(first.page).getAttribute("data-incident"))!;
      // Who the ladder paged, as the list API says (the pager runs on the runtime's own clock).
      let personId: string | undefined;
      await expect
        .poll(
          async () => {
            const list = await first.page.request.get(`${runtime.url}/api/incidents`);
            const body = (await list.json()) as {
              items: { key: string; escalation: { level?: number; paged: string[] } | null }[];
            };
            const mine = body.items.find((i) => i.key === key);
            personId = mine?.escalation?.paged[0];
            return mine?.escalation?.level;
          },
          { timeout: LIVE_MS },
        )
        .toBe(1);
      expect(personId).toBeDefined();
      await row(first.page).locator("td.paging", { hasText: /^L1 / }).waitFor({ timeout: LIVE_MS });
      expect(await row(first.page).locator("td.paging").getAttribute("title")).toMatch(
        /^paging level 1 for .*; nobody acknowledged$/,
      );

      // The person paged sees it as theirs without holding a role (theirs handed to someone else),
      // and Mine keeps it.
      paged = await signIn(personId!, "responder");
      const csrf = (await paged.context.cookies()).find((c) => c.name === "fb_csrf")?.value ?? "";
      const detail = (await (await paged.page.request.get(`${runtime.url}/api/incidents/${key}`)).json()) as {
        roles?: Record<string, { personId: string } | undefined>;
      };
      const other = personId === "alice" ? "bob" : "alice";
      for (const [role, holder] of Object.entries(detail.roles ?? {})) {
        if (holder?.personId !== personId) continue;
        const handed = await paged.page.request.post(`${runtime.url}/api/incidents/${key}/roles`, {
          headers: { "x-csrf-token": csrf },
          data: { role, personId: other },
        });
        expect(handed.status(), await handed.text()).toBe(200);
      }
      const theirs = row(paged.page);
      await theirs.locator(".badge.mine", { hasText: "paged you" }).waitFor({ timeout: LIVE_MS });
      await paged.page.getByLabel("Mine (I hold a role or was paged)").check();
      await theirs.waitFor({ timeout: STEP_MS });
      const rows = paged.page.locator("table.incidents tbody tr");
      expect(await rows.count()).toBe(
        await paged.page.locator("table.incidents tbody tr .badge.mine").count(),
      );

      // Acknowledged: the column says the ladder stopped there.
      await theirs.getByRole("link").click();
      await paged.page.getByRole("button", { name: "Acknowledge", exact: true }).click();
      await paged.page.getByRole("link", { name: "← Open incidents" }).click();
      await row(paged.page).locator("td.paging", { hasText: "L1 · ack" }).waitFor({ timeout: LIVE_MS });
      await paged.page.screenshot({ path: join(ARTIFACTS, "list-paging-column.png"), fullPage: true });
      expect([...first.errors, ...paged.errors]).toEqual([]);
    } finally {
      await first.context.close();
      await paged?.context.close();
    }
  }, 120_000);

  it("raises a browser notification for a new unacknowledged SEV1, once the user asks for them", async () => {
    const { context, page, errors } = await signIn("ines", "viewer");
    try {
      // Headless Chromium shows no notifications: record what the page asks the Notification API for.
      const install = () => {
        type Note = { title: string; body?: string };
        const g = globalThis as unknown as { notes: Note[]; Notification: unknown };
        g.notes = [];
        class FakeNotification {
          static permission = "default";
          static async requestPermission() {
            FakeNotification.permission = "granted";
            return "granted";
          }
          onclick: unknown = null;
          constructor(title: string, options?: { body?: string }) {
            g.notes.push({ title, body: options?.body });
          }
        }
        g.Notification = FakeNotification;
      };
      await page.addInitScript(install);
      await page.reload();
      await page.getByRole("button", { name: "Notify me" }).click();
      await page.getByRole("button", { name: "Notify me", pressed: true }).waitFor({ timeout: STEP_MS });
      await fireAlarm("notify-sev1-e2e", "--service", "notify-svc-1", "--severity", "sev1");
      await fireAlarm("notify-sev4-e2e", "--service", "notify-svc-4", "--severity", "sev4");
      await page.locator("tr", { hasText: "notify-sev4-e2e" }).waitFor({ timeout: LIVE_MS });
      await page.locator("tr", { hasText: "notify-sev1-e2e" }).waitFor({ timeout: LIVE_MS });
      const notes = () =>
        page.evaluate(() => (globalThis as unknown as { notes: { title: string; body?: string }[] }).notes);
      await expect.poll(async () => (await notes()).length, { timeout: LIVE_MS }).toBeGreaterThan(0);
      const shown = await notes();
      expect(shown).toHaveLength(1);
      expect(shown[0]!.title).toMatch(/^SEV1 INC-\d+: nobody has acknowledged$/);
      expect(shown[0]!.body).toContain("notify-sev1-e2e");
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("an API that is down when the dashboard loads is retried until it answers", async () => {
    const { context, page } = await signIn("bob", "viewer");
    try {
      await page.route("**/api/me", (route) => route.abort("connectionrefused"));
      await page.reload();
      const banner = page.getByTestId("outage");
      await banner.waitFor({ timeout: STEP_MS });
      expect(await banner.textContent()).toContain("Nothing could be loaded yet");
      await page.unroute("**/api/me");
      await page.getByRole("heading", { name: "Open incidents" }).waitFor({ timeout: 30_000 });
    } finally {
      await context.close();
    }
  }, 120_000);

  it("shows the public status page without sign-in: listed services, public updates only, the feed link", async () => {
    const current = await runtime.paging.directory.get();
    if (!current) throw new Error("the demo directory is missing");
    await runtime.paging.directory.apply(
      {
        ...current.directory,
        statusPage: {
          severities: ["SEV1", "SEV2", "SEV3"],
          services: [{ service: "search", name: "Product search" }],
        },
      },
      current.version,
      { actor: { type: "user", id: "e2e", name: "e2e" } },
    );
    const token = await runtime.apiToken("responder", "alice");
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const declared = await fetch(`${runtime.url}/api/incidents`, {
      method: "POST",
      headers,
      body: JSON.stringify({ title: "Status e2e secret title", severity: "SEV2", service: "search" }),
    });
    const { id } = (await declared.json()) as { id: string };
    for (const body of [
      { text: "Status e2e internal note" },
      { text: "Search is slower than usual", public: true },
    ])
      await fetch(`${runtime.url}/api/incidents/${id}/updates`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
      });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(`${runtime.url}/status`);
      await page.getByText("Search is slower than usual").waitFor({ timeout: STEP_MS });
      expect(page.url()).toBe(`${runtime.url}/status`);
      expect(await page.getByRole("heading", { level: 3, name: "Product search" }).count()).toBe(1);
      const link = page.getByRole("link", { name: "Subscribe to updates (Atom feed)" });
      expect(await link.getAttribute("href")).toBe("/api/status/feed.atom");
      const text = (await page.locator("main").textContent()) ?? "";
      expect(text).not.toContain("secret title");
      expect(text).not.toContain("internal note");
      // 90 days of history as bars, today last, with the open SEV2 on it.
      const bars = page.locator(".status-bars > li");
      expect(await bars.count()).toBe(90);
      expect(await bars.last().getAttribute("title")).toMatch(/^\d{4}-\d{2}-\d{2}: (Degraded|Major outage)$/);
      expect(await page.getByText("90 days ago").count()).toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, "status-page.png"), fullPage: true });
    } finally {
      await context.close();
    }
  }, 120_000);

  it("renders the error-budget burn-down for a service with an SLO, with the incident that consumed it", async () => {
    const service = "budget-e2e";
    const current = await runtime.paging.directory.get();
    if (!current) throw new Error("the demo directory is missing");
    const [first, ...rest] = current.directory.teams;
    if (!first) throw new Error("the demo directory has no team");
    await runtime.paging.directory.apply(
      {
        ...current.directory,
        teams: [
          {
            ...first,
            services: [...first.services, { id: service }],
            slo: { ...first.slo, [service]: { target: 0.99, windowDays: 7 } },
          },
          ...rest,
        ],
      },
      current.version,
      { actor: { type: "user", id: "e2e", name: "e2e" } },
    );
    const token = await runtime.apiToken("responder", "alice");
    const declared = await fetch(`${runtime.url}/api/incidents`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "Budget e2e burn", severity: "SEV3", service }),
    });
    expect(declared.status).toBe(201);
    const { context, page, errors } = await signIn("alice", "responder");
    try {
      await page.getByRole("link", { name: "Metrics" }).click();
      const chart = page.getByRole("img", { name: `Error budget remaining for ${service}` });
      await chart.waitFor({ timeout: STEP_MS });
      const budget = page.locator(`.budget[data-service="${service}"]`);
      expect(await budget.getByRole("heading", { level: 3 }).textContent()).toBe(
        `${service}: 99% over 7 days`,
      );
      // 1% of 7 days: 100.8 minutes.
      expect(await budget.locator(".stat").first().textContent()).toContain("100.8 min");
      expect(await chart.locator("path.line").count()).toBe(1);
      const row = budget.getByRole("row", { name: /Budget e2e burn/ });
      await row.waitFor({ timeout: STEP_MS });
      expect(await row.textContent()).toContain("ongoing");
      await page.screenshot({ path: join(ARTIFACTS, "error-budget.png"), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("revalidates the list with If-None-Match (304) and stops polling while the tab is hidden", async () => {
    const { context, page, errors } = await signIn("dana", "viewer");
    try {
      const polls: number[] = [];
      page.on("response", (response) => {
        if (new URL(response.url()).pathname === "/api/incidents") polls.push(response.status());
      });
      await expect.poll(() => polls.filter((s) => s === 304).length, { timeout: LIVE_MS }).toBeGreaterThan(0);
      // Hide the tab: no request goes out until it is shown again, then one goes at once.
      await setVisibility(page, "hidden");
      await page.waitForTimeout(500);
      const whileHidden = polls.length;
      await page.waitForTimeout(7000);
      expect(polls.length).toBe(whileHidden);
      await setVisibility(page, "visible");
      await expect.poll(() => polls.length, { timeout: LIVE_MS }).toBeGreaterThan(whileHidden);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("fits a phone screen, follows the dark scheme, toggles the theme, and works from the keyboard", async () => {
    const { context, page, errors } = await signIn("erin", "responder");
    try {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.emulateMedia({ colorScheme: "dark" });
      await fireAlarm(
        "phone-e2e-a-rather-long-alarm-name-that-must-wrap-on-a-narrow-screen",
        "--service",
        "phone-e2e",
      );
      await page.locator("tr[data-incident]").first().waitFor({ timeout: LIVE_MS });
      type El = { scrollWidth: number; clientWidth: number };
      const overflow = await page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: El } }).document
          .documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      expect(overflow).toBeLessThanOrEqual(0);
      const background = () =>
        page.evaluate(() => {
          const g = globalThis as unknown as {
            document: { body: object };
            getComputedStyle(e: object): { backgroundColor: string };
          };
          return g.getComputedStyle(g.document.body).backgroundColor;
        });
      expect(await background()).toBe("rgb(15, 17, 21)");
      await page.screenshot({ path: join(ARTIFACTS, "dashboard-list-phone-dark.png"), fullPage: true });

      // The theme button pins light over the system's dark preference.
      await page.getByRole("button", { name: "Theme: system" }).click();
      await page.getByRole("button", { name: "Theme: light" }).waitFor();
      expect(await page.locator("html").getAttribute("data-theme")).toBe("light");
      expect(await background()).toBe("rgb(247, 247, 248)");

      // Keyboard: the first Tab reaches the skip link, Enter on an incident link opens it.
      await page.reload();
      await page.locator("tr[data-incident]").first().waitFor({ timeout: LIVE_MS });
      await page.keyboard.press("Tab");
      expect(await page.locator(":focus").textContent()).toBe("Skip to content");
      await page.locator("tr[data-incident] a").first().focus();
      await page.keyboard.press("Enter");
      await page.locator(".incident-head").waitFor({ timeout: STEP_MS });
      expect(await page.locator("main:focus").count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("shows the alarm's context under the title: crossing, metric, runbook and console links; only http(s) become links; and the changes before it", async () => {
    const name = "ctx-e2e-checkout-5xx";
    const { context, page, errors } = await signIn("bob", "viewer");
    try {
      // A deploy of checkout shortly before: the incident lists it (core/changes).
      const deployed = await fetch(`${runtime.url}/api/changes`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${await runtime.apiToken("responder", "alice")}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          service: "checkout",
          summary: "Deploy checkout v42",
          link: "https://ci.example.com/builds/42",
          at: new Date(runtime.clock.now().getTime() - 10 * 60_000).toISOString(),
        }),
      });
      expect(deployed.status).toBe(201);
      await fireAlarm(
        name,
        "--service",
        "checkout",
        "--description",
        "Runbook: https://runbooks.example.com/checkout-5xx then javascript:alert(1) Dashboard: http://grafana.example.com/d/x",
      );
      const cell = page.locator("td.alarm", { hasText: name });
      await cell.waitFor({ timeout: LIVE_MS });
      await page.locator("tr", { has: cell }).getByRole("link").click();
      const facts = page.locator(".incident-head .alarm-context");
      await facts.waitFor({ timeout: STEP_MS });
      expect(await facts.locator(".crossing").textContent()).toBe("value 42 >= threshold 25");
      expect(await facts.locator(".metric").first().textContent()).toMatch(/\S+ \S+/);
      const runbook = facts.getByRole("link", { name: "Runbook" });
      expect(await runbook.getAttribute("href")).toBe("https://runbooks.example.com/checkout-5xx");
      expect(await runbook.getAttribute("rel")).toBe("noopener noreferrer");
      expect(await facts.getByRole("link", { name: "Dashboard" }).getAttribute("href")).toBe(
        "http://grafana.example.com/d/x",
      );
      expect(await facts.getByRole("link", { name: "CloudWatch alarm" }).getAttribute("href")).toMatch(
        /^https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=[a-z0-9-]+#alarmsV2:alarm\/ctx-e2e-checkout-5xx$/,
      );
      expect(await page.locator('a[href^="javascript"]').count()).toBe(0);
      const changes = page.getByRole("list", { name: "Changes before it started" });
      expect(await changes.getByRole("link", { name: "Deploy checkout v42" }).getAttribute("href")).toBe(
        "https://ci.example.com/builds/42",
      );
      expect(await changes.textContent()).toContain("(recorded by Alice Moreau)");
      // The key people read in every message is an address too: /incidents/INC-<n>.
      const key = (await page.locator(".incident-head .key").textContent())!;
      expect(key).toMatch(/^INC-\d+$/);
      await page.goto(`${runtime.url}/incidents/${key}`);
      await page.locator(".incident-head .alarm-context").waitFor({ timeout: STEP_MS });
      expect(await page.locator(".incident-head .title").textContent()).toBe(name);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("lists an auto-scaling alarm under Ignored alarms, and opens no incident for it", async () => {
    const name = "TargetTracking-service/e2e-cluster/web-AlarmHigh-0f3e5a7c-9b1d-4f2e-8a6c-4d2b0e8f6a13";
    const { context, page, errors } = await signIn("bob", "viewer");
    try {
      await fireAlarm(name, "--service", "web");
      await page.getByRole("link", { name: "Ignored alarms" }).click();
      await page.getByRole("heading", { level: 1, name: "Ignored alarms" }).waitFor({ timeout: STEP_MS });
      const row = page.locator("table.ignored tr", { hasText: name });
      await row.waitFor({ timeout: STEP_MS });
      expect(await row.locator(".badge").textContent()).toBe("auto-scaling");
      expect(await row.locator("td.count").textContent()).toBe("1");
      await page.getByRole("link", { name: "Incidents" }).click();
      await page.locator("main h1").first().waitFor({ timeout: STEP_MS });
      expect(await page.locator("td.alarm", { hasText: name }).count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("schedules a maintenance window that holds an alarm, cancels it, and the release opens the incident", async () => {
    const { context, page, errors } = await signIn("alice", "responder");
    try {
      await page.getByRole("link", { name: "Maintenance" }).click();
      await page
        .getByRole("heading", { level: 1, name: "Maintenance windows" })
        .waitFor({ timeout: STEP_MS });
      const form = page.getByRole("form", { name: "Schedule a window" });
      await form.getByLabel("Services (comma-separated)").fill("checkout-mw-e2e");
      await form.getByLabel("For").selectOption("1h");
      await form.getByLabel("Reason").fill("database upgrade <b>now</b>");
      await form.getByRole("button", { name: "Schedule window" }).click();
      const scheduled = form.getByRole("status");
      await scheduled.waitFor({ timeout: STEP_MS });
      const key = /^(MW-\d+) scheduled: alarms of checkout-mw-e2e are held until /.exec(
        (await scheduled.textContent()) ?? "",
      )?.[1];
      expect(key).toBeDefined();
      const row = page.locator(`tr[data-window="${key}"]`);
      await row.waitFor({ timeout: STEP_MS });
      expect(await row.locator(".badge").textContent()).toBe("Active");
      expect(await row.getByText("database upgrade <b>now</b>").count()).toBe(1);

      // The alarm is held: no incident, and the window lists it.
      await fireAlarm("checkout-mw-e2e-5xx", "--service", "checkout-mw-e2e", "--severity", "sev2");
      await row.getByRole("link", { name: key! }).click();
      await page.getByRole("heading", { level: 1, name: new RegExp(key!) }).waitFor({ timeout: STEP_MS });
      await page.locator(".held li", { hasText: "checkout-mw-e2e-5xx" }).waitFor({ timeout: STEP_MS });
      expect(await page.locator('.timeline li[data-kind="maintenance.alarm_held"]').count()).toBe(1);
      expect(
        (await runtime.store.listIncidents({ status: "all", limit: 100 })).items.map((i) => i.title),
      ).not.toContain("checkout-mw-e2e-5xx");

      // The incident list says why checkout-mw-e2e pages nobody.
      await page.getByRole("link", { name: "Incidents" }).click();
      const banner = page.getByRole("list", { name: "Active maintenance windows" });
      await banner.waitFor({ timeout: STEP_MS });
      expect(await banner.textContent()).toContain(
        `${key}: alarms of checkout-mw-e2e are held, not paged, until`,
      );
      await page.getByRole("link", { name: "Maintenance" }).click();
      await row.waitFor({ timeout: STEP_MS });

      // Cancelled from the list, then released: the alarm still firing opens its incident.
      await row.getByRole("button", { name: `Cancel ${key}` }).click();
      await page.getByText(`${key} cancelled`).waitFor({ timeout: STEP_MS });
      await expect.poll(() => row.locator(".badge").textContent()).toBe("Ended");
      await runtime.releaseMaintenance();
      await row.getByRole("link", { name: key! }).click();
      const released = page.locator(".held li", { hasText: "checkout-mw-e2e-5xx" }).getByRole("link");
      await released.waitFor({ timeout: STEP_MS });
      expect(await released.textContent()).toMatch(/^INC-\d+$/);
      await released.click();
      await page
        .getByRole("heading", { level: 1, name: /checkout-mw-e2e-5xx/ })
        .waitFor({ timeout: STEP_MS });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("pages a team's on-call into an incident from the detail page, naming who is on call", async () => {
    const { context, page, errors } = await signIn("alice", "responder");
    try {
      await fireAlarm("ledger-lag-page-e2e", "--service", "page-e2e", "--severity", "sev3");
      const row = page.locator("tr", { hasText: "ledger-lag-page-e2e" });
      await row.waitFor({ timeout: LIVE_MS });
      await row.getByRole("link").click();
      await page
        .getByRole("heading", { level: 1, name: /ledger-lag-page-e2e/ })
        .waitFor({ timeout: STEP_MS });
      const form = page.getByRole("form", { name: "Page someone" });
      const select = form.getByLabel("Page into this incident");
      // The team's option names who is on call now (GET /api/oncall).
      await expect.poll(() => select.locator("option", { hasText: /^Payments: / }).count()).toBe(1);
      const option = select.locator("option", { hasText: /^Payments: / });
      const onCall = ((await option.textContent()) ?? "").replace(/^Payments: /, "");
      await select.selectOption("team:payments");
      await form.getByLabel("Message (optional)").fill("ledger lag: is it yours?");
      await form.getByRole("button", { name: "Page" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: `Paging ${onCall}.` })
        .waitFor({ timeout: STEP_MS });
      await page
        .locator('.timeline li[data-kind="incident.responder_requested"]', {
          hasText: "ledger lag: is it yours?",
        })
        .waitFor({ timeout: LIVE_MS });
      // Escalate now and re-page, from the same page.
      await page.getByRole("button", { name: "Escalate now" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: "Escalating to the next level now." })
        .waitFor({ timeout: STEP_MS });
      await page.getByRole("button", { name: "Re-page" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: "Paging the current level again." })
        .waitFor({ timeout: STEP_MS });
      await expect
        .poll(() => page.locator('.timeline li[data-kind="incident.escalation_requested"]').count(), {
          timeout: LIVE_MS,
        })
        .toBe(2);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("reopens a resolved incident with a reason", async () => {
    const { context, page, errors } = await signIn("alice", "responder");
    try {
      await fireAlarm("reopen-e2e-5xx", "--service", "reopen-e2e", "--severity", "sev3");
      const row = page.locator("tr", { hasText: "reopen-e2e-5xx" });
      await row.waitFor({ timeout: LIVE_MS });
      await row.getByRole("link").click();
      await page.getByRole("heading", { level: 1, name: /reopen-e2e-5xx/ }).waitFor({ timeout: STEP_MS });
      await page.getByLabel("Resolution summary").fill("Fixed by a restart");
      await page.getByRole("button", { name: "Resolve", exact: true }).click();
      await page.getByRole("button", { name: "Yes, resolve" }).click();
      await page.locator(".incident-head .status-resolved").waitFor({ timeout: STEP_MS });
      const form = page.getByRole("form", { name: "Reopen" });
      await form.getByLabel("Reopen, because").fill("the 5xx are back");
      await form.getByRole("button", { name: "Reopen" }).click();
      await page.locator(".incident-head .status-declared").waitFor({ timeout: STEP_MS });
      await page
        .locator('.timeline li[data-kind="incident.status_changed"]', {
          hasText: "reopened by Alice Moreau: the 5xx are back",
        })
        .waitFor({ timeout: LIVE_MS });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("merges a duplicate into another incident, and links and unlinks related ones", async () => {
    const { context, page, errors } = await signIn("alice", "responder");
    try {
      await fireAlarm("merge-e2e-survivor", "--service", "merge-e2e", "--severity", "sev3");
      await fireAlarm("merge-e2e-duplicate", "--service", "merge-e2e-dup", "--severity", "sev3");
      const survivorRow = page.locator("tr", { hasText: "merge-e2e-survivor" });
      await survivorRow.waitFor({ timeout: LIVE_MS });
      const survivorKey = (await survivorRow.locator(".key").textContent()) ?? "";
      expect(survivorKey).toMatch(/^INC-\d+$/);
      await page.locator("tr", { hasText: "merge-e2e-duplicate" }).getByRole("link").click();
      await page
        .getByRole("heading", { level: 1, name: /merge-e2e-duplicate/ })
        .waitFor({ timeout: STEP_MS });
      const duplicateKey = (await page.locator(".incident-head .key").textContent()) ?? "";

      const merge = page.getByRole("form", { name: "Merge into another incident" });
      await merge.getByLabel("Duplicate of").fill(survivorKey.toLowerCase());
      await merge.getByLabel("Why (optional)").fill("same deploy");
      await merge.getByRole("button", { name: "Merge into it" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: `Merged into ${survivorKey}` })
        .waitFor({ timeout: STEP_MS });
      await page.locator(".incident-head .status-resolved").waitFor({ timeout: STEP_MS });
      const banner = page.getByRole("note").filter({ hasText: "Merged into" });
      await banner.getByRole("link", { name: new RegExp(`^${survivorKey} merge-e2e-survivor$`) }).click();

      await page.getByRole("heading", { level: 1, name: /merge-e2e-survivor/ }).waitFor({ timeout: STEP_MS });
      const mergedList = page.getByRole("list", { name: "Merged into this incident" });
      await mergedList
        .getByRole("link", { name: new RegExp(`^${duplicateKey} `) })
        .waitFor({ timeout: STEP_MS });
      // The duplicate's timeline is shown here too, each of its entries marked with its key.
      await page
        .locator('.timeline li[data-kind="incident.merged"]', { hasText: duplicateKey })
        .waitFor({ timeout: STEP_MS });
      await page
        .locator('.timeline li[data-kind="incident.merge_received"]', { hasText: "same deploy" })
        .waitFor({ timeout: STEP_MS });

      const link = page.getByRole("form", { name: "Link an incident" });
      await link.getByLabel("Link").fill(duplicateKey);
      await link.getByRole("button", { name: "Link" }).click();
      const linked = page.getByRole("list", { name: "Linked incidents" });
      await linked.getByRole("link", { name: new RegExp(`^${duplicateKey} `) }).waitFor({ timeout: STEP_MS });
      await linked.getByRole("button", { name: `Unlink ${duplicateKey}` }).click();
      await page.getByText("No linked incidents.").waitFor({ timeout: STEP_MS });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("covers a shift from the on-call page, and cancels the cover", async () => {
    const { context, page, errors } = await signIn("alice", "responder");
    try {
      await page.getByRole("link", { name: "On call" }).click();
      const form = page.getByRole("form", { name: "Cover a shift" });
      await form.waitFor({ timeout: STEP_MS });
      await expect.poll(() => form.getByLabel("Who is on call").locator("option").count()).toBeGreaterThan(3);
      await form.getByLabel("Who is on call").selectOption("bob");
      await form.getByLabel("In rotation").selectOption("checkout-primary");
      // A week after the runtime's "now" (its clock), in the browser's wall time.
      const day = new Date(runtime.clock.now().getTime() + 7 * 86_400_000).toISOString().slice(0, 10);
      await form.getByLabel("From").fill(`${day}T09:00`);
      await form.getByLabel("Until").fill(`${day}T18:00`);
      await form.getByLabel("Reason (optional)").fill("dentist");
      await form.getByRole("button", { name: "Save the cover" }).click();
      const listed = page.getByRole("list", { name: "Shift overrides" });
      const item = listed.locator("li", { hasText: "Bob Okafor on call in Checkout primary" });
      await item.waitFor({ timeout: STEP_MS });
      expect(await item.textContent()).toContain("dentist");
      const id = ((await item.locator("strong").textContent()) ?? "").trim();
      expect(id).toMatch(/^OV-\d+$/);
      await item.getByRole("button", { name: `Cancel ${id}` }).click();
      await page
        .getByRole("status")
        .filter({ hasText: `${id} cancelled.` })
        .waitFor({ timeout: STEP_MS });
      await expect.poll(() => listed.locator("li", { hasText: id }).count(), { timeout: STEP_MS }).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("edits how I am paged from the on-call page (my notification rules), and resets them", async () => {
    const { context, page, errors } = await signIn("alice", "responder");
    try {
      await page.getByRole("link", { name: "On call" }).click();
      const card = page.getByRole("region", { name: "How you are paged" });
      await card.waitFor({ timeout: STEP_MS });
      const high = card.getByRole("group", { name: /^High urgency/ });
      await expect
        .poll(() => high.locator("[data-summary]").textContent(), { timeout: STEP_MS })
        .toContain("SMS at once, Slack DM at once, call at 5 min");
      await high.locator('input[name="high-sms-minutes"]').fill("2");
      await high.locator('input[name="high-voice-minutes"]').fill("10");
      await card.getByRole("button", { name: "Save rules" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: "Notification rules saved." })
        .waitFor({ timeout: STEP_MS });
      expect(await high.locator("[data-summary]").textContent()).toContain(
        "Slack DM at once, SMS at 2 min, call at 10 min",
      );
      const stored = await runtime.paging.directory.get();
      expect(stored?.personalRules?.alice?.rules.high).toEqual([
        { method: "slack", delayMinutes: 0 },
        { method: "sms", delayMinutes: 2 },
        { method: "voice", delayMinutes: 10 },
      ]);
      // A minute out of range (over a day) is refused by the form itself: nothing is sent.
      const minutes = high.locator('input[name="high-sms-minutes"]');
      await minutes.fill("5000");
      await card.getByRole("button", { name: "Save rules" }).click();
      expect(
        await minutes.evaluate(
          (el) => (el as unknown as { validity: { rangeOverflow: boolean } }).validity.rangeOverflow,
        ),
      ).toBe(true);
      expect((await runtime.paging.directory.get())?.personalRules?.alice?.rules.high[1]).toEqual({
        method: "sms",
        delayMinutes: 2,
      });
      await card.getByRole("button", { name: "Reset" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: "Reset: these rules apply now." })
        .waitFor({ timeout: STEP_MS });
      expect((await runtime.paging.directory.get())?.personalRules?.alice).toBeUndefined();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("verifies my SMS from the on-call page: a test message, then its code", async () => {
    const { context, page, errors } = await signIn("alice", "responder");
    try {
      await page.getByRole("link", { name: "On call" }).click();
      const card = page.getByRole("region", { name: "How you are paged" });
      const sms = card.locator('[data-contact-methods] li[data-method="sms"]');
      await sms.waitFor({ timeout: STEP_MS });
      expect(await sms.getAttribute("data-status")).toBe("unverified");
      const before = runtime.fakeSns.published.length;
      await sms.getByRole("button", { name: "Send test message" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: "A test message with a code is on its way by SMS." })
        .waitFor({ timeout: STEP_MS });
      // The pager sends it through the SNS fake; the card shows the code field once it is sent.
      let message = "";
      await expect
        .poll(
          () => {
            const sent = runtime.fakeSns.published
              .slice(before)
              .find((m) => m.phoneNumber === "+447700900101");
            message = sent?.message ?? "";
            return message;
          },
          { timeout: STEP_MS },
        )
        .toMatch(/your code is \d{6}/);
      const code = /your code is (\d{6})/.exec(message)![1]!;
      const field = sms.locator('input[name="code-sms"]');
      await field.waitFor({ timeout: STEP_MS });
      await field.fill(code);
      await sms.getByRole("button", { name: "Verify" }).click();
      await page.getByRole("status").filter({ hasText: "SMS verified." }).waitFor({ timeout: STEP_MS });
      await expect.poll(() => sms.getAttribute("data-status"), { timeout: STEP_MS }).toBe("verified");
      const stored = await runtime.paging.directory.get();
      expect(stored?.contacts?.alice?.sms?.verified).toMatchObject({ address: "+447700900101", via: "api" });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("sends myself a test page from the on-call page: each method's outcome shows, and no incident opens", async () => {
    const { context, page, errors } = await signIn("chen", "viewer");
    try {
      const before = (await runtime.store.listOpen({ limit: 100 })).items.length;
      await page.getByRole("link", { name: "On call" }).click();
      const card = page.getByRole("region", { name: "Test paging" });
      await card.waitFor({ timeout: STEP_MS });
      const sent = runtime.fakeSns.published.length;
      await card.getByRole("button", { name: "Send a test page" }).click();
      const result = card.locator("[data-test-page-result]");
      await expect
        .poll(() => result.locator("p").first().textContent(), { timeout: STEP_MS })
        .toContain("every method delivered.");
      expect(await result.locator('tr[data-status="delivered"]').count()).toBeGreaterThanOrEqual(2);
      // The SMS went to Chen's phone, marked as a test.
      const sms = runtime.fakeSns.published.slice(sent).find((m) => m.phoneNumber === "+6565550103");
      expect(sms?.message).toContain("TEST PAGE");
      expect((await runtime.store.listOpen({ limit: 100 })).items.length).toBe(before);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("never cuts the list off silently: past 200 incidents it offers to load the rest", async () => {
    // 205 resolved incidents from yesterday, written straight to the table (no entries: nobody is paged).
    const yesterday = runtime.clock.now().getTime() - 86_400_000;
    for (let i = 0; i < 205; i++) {
      const at = new Date(yesterday + i * 1000).toISOString();
      await runtime.store.createIncident(
        {
          id: newId(yesterday + i * 1000),
          number: await runtime.store.allocateNumber(),
          title: `bulk resolved ${i}`,
          severity: "SEV4",
          status: "resolved",
          services: ["bulk-e2e"],
          locations: [],
          source: "manual",
          flapping: false,
          createdAt: at,
          updatedAt: at,
          resolvedAt: at,
          version: 1,
        },
        [],
      );
    }
    const { context, page, errors } = await signIn("bob", "viewer");
    try {
      await page.getByLabel("Status").selectOption("resolved");
      await page.getByRole("heading", { level: 1, name: "Resolved incidents" }).waitFor({ timeout: STEP_MS });
      const more = page.getByRole("button", { name: "Load 200 more" });
      await more.waitFor({ timeout: LIVE_MS });
      expect(await page.locator("tr[data-incident]").count()).toBe(200);
      expect(await page.locator("p.more").textContent()).toContain("there are more");
      await more.click();
      await expect
        .poll(() => page.locator("tr[data-incident]").count(), { timeout: STEP_MS })
        .toBeGreaterThanOrEqual(205);
      await expect
        .poll(async () => (await page.locator("p.more").textContent())?.trim(), { timeout: STEP_MS })
        .toMatch(/^All \d+ incidents are shown\.$/);
      expect(await page.getByRole("button", { name: "Load 200 more" }).count()).toBe(0);
      expect(await page.locator("tr[data-incident]", { hasText: "bulk resolved 0" }).count()).toBe(1);
      // Compact rows: at least 15 incidents wholly on a 1440×900 screen (the choice is remembered).
      await page.setViewportSize({ width: 1440, height: 900 });
      const visibleRows = () =>
        page.evaluate(() => {
          type Row = { getBoundingClientRect(): { top: number; bottom: number } };
          const g = globalThis as unknown as {
            innerHeight: number;
            document: { querySelectorAll(s: string): ArrayLike<Row> };
          };
          return Array.from(g.document.querySelectorAll("tr[data-incident]")).filter((r) => {
            const box = r.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= g.innerHeight;
          }).length;
        });
      await page.evaluate(() =>
        (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
      );
      const roomy = await visibleRows();
      await page.getByRole("button", { name: "Compact" }).click();
      await expect.poll(visibleRows).toBeGreaterThanOrEqual(15);
      expect(await visibleRows()).toBeGreaterThan(roomy);
      await page.screenshot({ path: join(ARTIFACTS, "dashboard-list-compact.png") });
      await page.reload();
      await page.getByRole("button", { name: "Compact", pressed: true }).waitFor({ timeout: STEP_MS });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("shows who is on call now and next for each team, and each heartbeat's state", async () => {
    const { context, page, errors } = await signIn("bob", "viewer");
    try {
      const created = await fetch(`${runtime.url}/api/heartbeats`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${await runtime.apiToken("admin", "kate")}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          id: "e2e-nightly-backup",
          name: "nightly backup",
          service: "ledger",
          interval: "1d",
        }),
      });
      expect(created.status).toBe(201);
      const { key } = (await created.json()) as { key: string };
      expect((await fetch(`${runtime.url}/heartbeats/e2e-nightly-backup?key=${key}`)).status).toBe(200);
      await page.getByRole("link", { name: "On call" }).click();
      await page.getByRole("heading", { level: 1, name: "On call" }).waitFor({ timeout: STEP_MS });
      const checkout = page.locator('section[data-team="checkout"]');
      await checkout.getByRole("heading", { name: /Checkout/ }).waitFor({ timeout: STEP_MS });
      const first = checkout.locator("tbody tr").first();
      expect(await first.locator("td").first().textContent()).toBe("1");
      expect(await first.locator("td.now strong").count()).toBeGreaterThan(0);
      expect(await first.locator("td.now").textContent()).toContain("until");
      expect(await page.locator("section[data-team]").count()).toBeGreaterThanOrEqual(3);
      expect(await checkout.locator(".policy").textContent()).toBe(
        "Escalation policy team:checkout: level 1 rotation checkout-primary (5 min) → level 2 rotation checkout-secondary (10 min) → level 3 María Gómez + SNS topic firebreak-checkout-pages (15 min); repeated 1×; then the fallback, SNS topic firebreak-all-hands.",
      );
      // A viewer sees the overrides but no form to change them.
      await page.getByRole("heading", { name: "Shift overrides" }).waitFor({ timeout: STEP_MS });
      expect(await page.getByRole("form", { name: "Cover a shift" }).count()).toBe(0);
      const heartbeat = page
        .getByRole("table", { name: "Heartbeats" })
        .locator('tr[data-heartbeat="e2e-nightly-backup"]');
      await heartbeat.waitFor({ timeout: STEP_MS });
      expect(await heartbeat.getAttribute("data-state")).toBe("up");
      expect(await heartbeat.locator("td").first().textContent()).toBe("nightly backup");
      expect(await heartbeat.locator("time").count()).toBe(2);
      // The two-week calendar of a rotation: a row per day (15 when the window starts mid-day), a weekly handoff.
      const calendar = page.locator('details.calendar[data-rotation="checkout-primary"]');
      await calendar.locator("summary").click();
      const days = calendar.locator("tbody tr");
      await days.first().waitFor({ timeout: STEP_MS });
      expect(await days.count()).toBeGreaterThanOrEqual(14);
      expect(await days.count()).toBeLessThanOrEqual(15);
      expect((await calendar.locator("tbody").textContent()) ?? "").toContain(" → ");
      // Coverage: the demo's search team is still staffing its rotation, so its level 1 pages nobody.
      const gap = page.locator('table.coverage tr[data-reason="empty_rotation"]');
      await gap.first().waitFor({ timeout: STEP_MS });
      expect(await gap.first().textContent()).toContain("search (search)1 (high + low)");
      expect(await page.locator(".coverage-gaps").textContent()).toMatch(
        /^\d+ gaps?: a page at these times would reach nobody/,
      );
      // Nobody in the demo has verified every method: those gaps are summed up by person, after the
      // rotations' own, and the people on call with nothing verified are marked.
      expect(await page.locator(".coverage-unverified").textContent()).toMatch(
        /^\d+ of them only because these people on call have no verified contact method: [a-z]+/,
      );
      expect(await page.locator("table.coverage tbody tr").first().getAttribute("data-reason")).toBe(
        "empty_rotation",
      );
      expect(await page.locator("td.now [data-unverified]").count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("renders an alarm named <img src=x onerror=alert(1)> literally and runs nothing", async () => {
    const name = "<img src=x onerror=alert(1)>";
    const { context, page, dialogs, errors } = await signIn("bob", "viewer");
    try {
      // A service of its own: on one with an open incident, the alarm would join that incident.
      await fireAlarm(name, "--service", "xss-e2e");
      const cell = page.locator("td.alarm", { hasText: name });
      await cell.waitFor({ timeout: LIVE_MS });
      expect(await cell.textContent()).toBe(name);
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      await page.locator("tr", { has: cell }).getByRole("link").click();
      const title = page.locator(".incident-head .title");
      await title.waitFor({ timeout: STEP_MS });
      expect(await title.textContent()).toBe(name);
      expect(await page.locator(".incident-head .alarm").textContent()).toBe(name);
      const declared = page.locator('.timeline li[data-kind="incident.declared"] .text');
      expect(await declared.textContent()).toContain(name);
      // A viewer reads, but gets no action buttons.
      expect(await page.getByRole("button", { name: "Acknowledge" }).count()).toBe(0);
      await page.waitForTimeout(500);
      expect(await page.locator('img[src="x"], body script:not([src])').count()).toBe(0);
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("is clean under axe (WCAG 2.1 AA) on the list, an incident, on-call, metrics and status, on desktop and phone", async () => {
    const { context, page, errors } = await signIn("kate", "responder");
    try {
      await fireAlarm("axe-e2e", "--service", "axe-svc");
      const row = page.locator("tr", { hasText: "axe-e2e" });
      await row.waitFor({ timeout: LIVE_MS });
      const found: Record<string, string[]> = {};
      const check = async (name: string) => {
        await page.waitForLoadState("networkidle");
        found[name] = await axeViolations(page);
      };
      for (const viewport of [
        { label: "desktop", width: 1280, height: 900 },
        { label: "phone", width: 390, height: 844 },
      ]) {
        await page.setViewportSize(viewport);
        await page.goto(`${runtime.url}/`);
        await row.waitFor({ timeout: LIVE_MS });
        await check(`${viewport.label} list`);
        await row.getByRole("link").click();
        await page.getByRole("heading", { level: 1, name: /axe-e2e/ }).waitFor({ timeout: STEP_MS });
        await check(`${viewport.label} incident`);
        for (const [path, heading] of [
          ["/oncall", "On call"],
          ["/metrics", "Metrics"],
        ] as const) {
          await page.goto(`${runtime.url}${path}`);
          await page.getByRole("heading", { level: 1, name: heading }).waitFor({ timeout: STEP_MS });
          await check(`${viewport.label} ${path}`);
        }
        await page.goto(`${runtime.url}/status`);
        await page.locator(".status-overall").waitFor({ timeout: STEP_MS });
        await check(`${viewport.label} /status`);
      }
      expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
      // The check can fail: an image without a text alternative is reported.
      await page.evaluate(() => {
        type Doc = {
          createElement(t: string): { src: string };
          querySelector(s: string): { append(n: unknown): void };
        };
        const doc = (globalThis as unknown as { document: Doc }).document;
        const img = doc.createElement("img");
        img.src = "/favicon.svg";
        doc.querySelector("main").append(img);
      });
      expect(await axeViolations(page)).toEqual(["image-alt: img"]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("edits a resolved incident's postmortem: preview, live lint, a new version, a 409 that shows what changed, and a viewer cannot edit", async () => {
    const { context, page, dialogs, errors } = await signIn("alice", "responder");
    let id = "";
    try {
      await fireAlarm("pm-edit-e2e-5xx", "--service", "pm-edit-e2e", "--severity", "sev3");
      const row = page.locator("tr", { hasText: "pm-edit-e2e-5xx" });
      await row.waitFor({ timeout: LIVE_MS });
      await row.getByRole("link").click();
      await page.getByRole("heading", { level: 1, name: /pm-edit-e2e-5xx/ }).waitFor({ timeout: STEP_MS });
      id = page.url().split("/").pop()!;
      await page.getByLabel("Resolution summary").fill("Rolled back.");
      await page.getByRole("button", { name: "Resolve", exact: true }).click();
      await page.getByRole("button", { name: "Yes, resolve" }).click();
      await page.locator(".incident-head .status-resolved").waitFor({ timeout: STEP_MS });
      await page.getByRole("link", { name: "Open the postmortem" }).click();
      // The draft is written asynchronously after resolve; the page checks again until it is there.
      const editButton = page.getByRole("button", { name: "Edit the postmortem" });
      await editButton.waitFor({ timeout: 60_000 });
      await editButton.click();

      // The editor: the Markdown, a live preview that escapes HTML, and live lint.
      const editor = page.getByRole("form", { name: "Edit the postmortem" });
      const text = editor.getByLabel("Markdown");
      const original = await text.inputValue();
      expect(original).toContain("pm-edit-e2e-5xx");
      const preview = editor.locator(".markdown");
      await text.fill(
        `${original}\n## Added by hand\n\nThe operator failed to roll back <script>alert(1)</script> in time.\n`,
      );
      await preview.getByRole("heading", { name: "Added by hand" }).waitFor({ timeout: STEP_MS });
      expect(await preview.textContent()).toContain("<script>alert(1)</script>");
      const finding = editor.locator('.lint-finding[data-rule="failed-to"]');
      await finding.waitFor({ timeout: STEP_MS });
      expect(await finding.textContent()).toContain("failed to");
      // A finding's line button selects its words in the text.
      await finding.getByRole("button").click();
      expect(
        await text.evaluate((el) => {
          const t = el as unknown as { value: string; selectionStart: number; selectionEnd: number };
          return t.value.slice(t.selectionStart, t.selectionEnd);
        }),
      ).toBe("operator failed to");
      await text.fill(
        `${original}\n## Added by hand\n\nThe rollback took 20 minutes: the runbook named the wrong flag.\n`,
      );
      await expect.poll(() => editor.locator(".lint-finding").count()).toBe(0);
      await text.fill(`${original}\n## Added by hand\n\nThe operator failed to roll back in time.\n`);
      await finding.waitFor({ timeout: STEP_MS });

      // Save: version 2 appears, and the saved version's finding is reported.
      await editor.getByRole("button", { name: "Save", exact: true }).click();
      const notice = page.locator("#pm-notice");
      await notice
        .getByText("Saved as version 2. 1 wording suggestion to review.")
        .waitFor({ timeout: STEP_MS });
      const versions = page.locator(".pm-versions");
      await versions.locator('li[data-version="2"]').getByText("current").waitFor({ timeout: STEP_MS });
      expect(await versions.locator('li[data-version="2"]').textContent()).toContain(
        "edited, based on version 1",
      );

      // Someone else saves version 3 behind the page; saving then is a 409 that shows their change
      // and keeps the text typed here.
      const mine = `${await text.inputValue()}\nMy second thought.\n`;
      await text.fill(mine);
      const csrf = (await context.cookies()).find((c) => c.name === "fb_csrf")?.value ?? "";
      const v2 = await (await page.request.get(`${runtime.url}/api/incidents/${id}/postmortem`)).json();
      const behind = await page.request.put(`${runtime.url}/api/incidents/${id}/postmortem`, {
        headers: { "x-csrf-token": csrf },
        data: { markdown: `${v2.markdown}\nA line from someone else.\n`, baseVersion: 2 },
      });
      expect(behind.status(), await behind.text()).toBe(200);
      await editor.getByRole("button", { name: "Save", exact: true }).click();
      await notice
        .getByText(/Someone else saved version 3 while you were editing version 2/)
        .waitFor({ timeout: STEP_MS });
      const changed = editor.getByRole("region", { name: "What changed on the server" });
      await changed.getByText("What changed on the server: version 2 → 3").waitFor({ timeout: STEP_MS });
      expect(await changed.locator(".diff-figure").first().locator("ins").allTextContents()).toEqual([
        "added: + \n",
        "added: + A line from someone else.\n",
      ]);
      expect(await text.inputValue()).toBe(mine);
      await versions.locator('li[data-version="3"]').getByText("current").waitFor({ timeout: STEP_MS });
      await page.screenshot({ path: join(ARTIFACTS, "dashboard-postmortem-conflict.png"), fullPage: true });
      // Take their line into the text, and save on top of version 3.
      await text.fill(`${mine}A line from someone else.\n`);
      await editor.getByRole("button", { name: "Save on top of version 3" }).click();
      await notice.getByText(/^Saved as version 4\./).waitFor({ timeout: STEP_MS });
      expect(await editor.getByRole("region", { name: "What changed on the server" }).count()).toBe(0);

      // Answer the release question alone (no text change): version 5 says no release was involved.
      await editor.getByLabel(/^Release involved: now unknown/).selectOption("no");
      await editor.getByRole("button", { name: "Save", exact: true }).click();
      await notice.getByText(/^Saved as version 5\./).waitFor({ timeout: STEP_MS });
      await editor.getByLabel(/^Release involved: now no/).waitFor({ timeout: STEP_MS });
      const json = await (
        await page.request.get(`${runtime.url}/api/incidents/${id}/postmortem.json`)
      ).json();
      expect(json.release_involved).toEqual({ value: "no" });

      // Close the editor; compare version 1 with the current one.
      await editor.getByRole("button", { name: "Close the editor" }).click();
      await page.locator(".postmortem > .markdown").getByRole("heading", { name: "Added by hand" }).waitFor();
      await versions.getByRole("button", { name: "Compare version 1 with the current" }).click();
      const diff = versions.locator(".diff-figure");
      await diff.getByText("Changes from version 1 to the current version 5").waitFor({ timeout: STEP_MS });
      expect(await diff.locator("ins").allTextContents()).toEqual(
        expect.arrayContaining([
          expect.stringContaining("## Added by hand"),
          expect.stringContaining("My second thought."),
        ]),
      );
      await page.screenshot({ path: join(ARTIFACTS, "dashboard-postmortem-edit.png"), fullPage: true });
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }

    // A viewer reads it but cannot edit: the button is disabled with the reason, and the API says 403.
    const viewer = await signIn("bob", "viewer");
    try {
      await viewer.page.goto(`${runtime.url}/incidents/${id}/postmortem`);
      const disabled = viewer.page.getByRole("button", { name: "Edit the postmortem" });
      await disabled.waitFor({ timeout: STEP_MS });
      expect(await disabled.isDisabled()).toBe(true);
      expect(await viewer.page.locator("#pm-readonly-reason").textContent()).toContain(
        "only responders and admins",
      );
      expect(await viewer.page.getByRole("form", { name: "Edit the postmortem" }).count()).toBe(0);
      const csrf = (await viewer.context.cookies()).find((c) => c.name === "fb_csrf")?.value ?? "";
      const refused = await viewer.page.request.put(`${runtime.url}/api/incidents/${id}/postmortem`, {
        headers: { "x-csrf-token": csrf },
        data: { markdown: "# A viewer's edit", baseVersion: 5 },
      });
      expect(refused.status()).toBe(403);
      expect(viewer.errors).toEqual([]);
    } finally {
      await viewer.context.close();
    }
  }, 240_000);
  it("adds action items on the postmortem, changes one's status, and shows the service's risk on the Action items page", async () => {
    const { context, page, errors } = await signIn("alice", "responder");
    try {
      await fireAlarm("ai-e2e-5xx", "--service", "ai-e2e", "--severity", "sev3");
      const row = page.locator("tr", { hasText: "ai-e2e-5xx" });
      await row.waitFor({ timeout: LIVE_MS });
      await row.getByRole("link").click();
      await page.getByRole("heading", { level: 1, name: /ai-e2e-5xx/ }).waitFor({ timeout: STEP_MS });
      await page.getByLabel("Resolution summary").fill("Rolled back.");
      await page.getByRole("button", { name: "Resolve", exact: true }).click();
      await page.getByRole("button", { name: "Yes, resolve" }).click();
      await page.locator(".incident-head .status-resolved").waitFor({ timeout: STEP_MS });
      await page.getByRole("link", { name: "Open the postmortem" }).click();
      const panel = page.getByRole("region", { name: "Action items" });
      await panel.waitFor({ timeout: 60_000 });
      await panel.getByText("No action items.").waitFor({ timeout: STEP_MS });

      const form = panel.getByRole("form", { name: "Add an action item" });
      for (const title of ["Add a canary check", "Page on queue depth"]) {
        await form.getByLabel("Action").fill(title);
        await form.getByLabel("Owner").selectOption({ label: "Bob Okafor" });
        await form.getByRole("button", { name: "Add the action item" }).click();
        await panel.locator("tr", { hasText: title }).waitFor({ timeout: STEP_MS });
      }
      const first = panel.locator("tr", { hasText: "Add a canary check" });
      expect(await first.textContent()).toContain("Bob Okafor");
      const firstId = (await first.locator("td").first().textContent())?.trim() ?? "";
      expect(firstId).toMatch(/^AI-\d+-1$/);
      // Sync now: the demo directory's team has no tracker, and the answer says so.
      await first.getByRole("button", { name: `Sync ${firstId} with the tracker` }).click();
      await panel
        .getByText(`${firstId}: its team has no tracker in the on-call directory.`)
        .waitFor({ timeout: STEP_MS });
      await first.getByLabel(`Status of ${firstId}`).selectOption("done");
      await panel.getByText(`${firstId} is done.`).waitFor({ timeout: STEP_MS });

      // The Action items page: the risk view counts the one still open; the filter finds the done one.
      await page.getByRole("link", { name: "Action items", exact: true }).click();
      await page.getByRole("heading", { level: 1, name: "Action items" }).waitFor({ timeout: STEP_MS });
      const risk = page.locator('table.risk tr[data-service="ai-e2e"]');
      await risk.waitFor({ timeout: STEP_MS });
      expect(await risk.locator("td").nth(1).textContent()).toBe("1");
      const filters = page.getByRole("form", { name: "Filter action items" });
      await filters.getByLabel("Service").fill("ai-e2e");
      await filters.getByLabel("Service").press("Tab");
      await filters.getByLabel("Status").selectOption("done");
      await page.locator(`table.action-items tr[data-item="${firstId}"]`).waitFor({ timeout: STEP_MS });
      expect(await page.locator("table.action-items tbody tr").count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);
});
