import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { declareIncident } from "@firebreak/core/incident/actions";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { verifiedRecords } from "@firebreak/testkit/directory";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import { buildCli } from "../src/cli";
import { showCoverage } from "../src/directory-cli";
import { type LocalRuntime, startLocalRuntime } from "../src/runtime";

/** A viewer bearer token for the runtime under test (the API needs auth). */
const viewer = async () => ({ authorization: `Bearer ${await runtime.apiToken("viewer")}` });

const EXAMPLE = fileURLToPath(new URL("../../../examples/directory.yaml", import.meta.url));
const BAD = `version: 1
people:
  - { id: alice, name: Alice, email: alice@example.com, timezone: Europe/London }
teams:
  - id: a
    name: A
    services: [svc-a]
    rotations: []
    escalationPolicy: { levels: [{ targets: [{ type: person, id: alice }], timeoutMinutes: 5 }], fallback: { type: person, id: alice } }
  - id: b
    name: B
    services: [svc-b]
    rotations: []
    escalationPolicy: { levels: [{ targets: [{ type: person, id: alice }], timeoutMinutes: 5 }], fallback: { type: person, id: alice } }
  - id: c
    name: C
    services: [svc-c]
    rotations:
      - id: c-primary
        members: [alice, bob]
        shift: { type: daily }
        handoffTime: "09:00"
        timezone: Europe/London
        start: "2026-01-05"
    escalationPolicy: { levels: [{ targets: [{ type: rotation, id: c-primary }], timeoutMinutes: 5 }], fallback: { type: person, id: alice } }
`;

let runtime: LocalRuntime;
let dataDir: string;
const tableName = `directory-cli-${process.pid}-${Date.now()}`;
const previousDataDir = process.env.FIREBREAK_DATA_DIR;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "firebreak-directory-"));
  runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    dynamoEndpoint: inject("dynamoEndpoint"),
    tableName,
    demoDirectory: null,
    sweepIntervalMs: 3_600_000,
  });
  process.env.FIREBREAK_DATA_DIR = dataDir;
}, 60_000);
afterAll(async () => {
  process.env.FIREBREAK_DATA_DIR = previousDataDir;
  if (previousDataDir === undefined) delete process.env.FIREBREAK_DATA_DIR;
  await runtime.stop();
});
afterEach(() => vi.restoreAllMocks());

/** Runs the CLI, returning what it printed; rejects with the CLI's error. */
async function cli(...args: string[]): Promise<string> {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => void lines.push(parts.join(" ")));
  try {
    await buildCli().parseAsync(["node", "firebreak", ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  return lines.join("\n");
}

describe("firebreak directory apply / show, against the running local runtime", () => {
  it("publishes the table's endpoint in runtime.json", () => {
    const info = JSON.parse(readFileSync(join(dataDir, "runtime.json"), "utf8"));
    expect(info).toMatchObject({ dynamoEndpoint: runtime.dynamo.endpoint, tableName, pid: process.pid });
  });

  it("says so when there is no directory yet", async () => {
    await expect(cli("directory", "show")).rejects.toThrow(/No on-call directory in table .* yet/);
  });

  it("names every problem by path and line, and writes nothing", async () => {
    const file = join(dataDir, "bad.yaml");
    writeFileSync(file, BAD);
    const error = await cli("directory", "apply", file).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(
      'teams[2].rotations[0].members[1]: unknown person "bob" (line 20, column 26)',
    );
    expect((error as Error).message).toContain("Nothing was written.");
    expect(await runtime.paging.directory.get()).toBeUndefined();
  });

  it("--check validates without writing", async () => {
    const out = await cli("directory", "apply", EXAMPLE, "--check", "--at", "2026-03-17T12:00:00Z");
    expect(out).toContain("valid: 13 people, 4 teams, 6 rotations, 1 named escalation policy.");
    // The demo's search team is still staffing its rotation: a coverage gap, warned about.
    expect(out).toContain(
      "  ⚠ 1 coverage gap 2026-03-17T12:00:00.000Z → 2026-03-31T12:00:00.000Z: a page then would reach nobody at that level.",
    );
    expect(out).toContain("nothing was written");
    expect(await runtime.paging.directory.get()).toBeUndefined();
  });

  it("applies the example with progress output, then again as version 2", async () => {
    const first = await cli("directory", "apply", EXAMPLE, "--at", "2026-03-17T12:00:00Z");
    expect(first.split("\n")).toEqual([
      `Validating ${EXAMPLE}…`,
      "  valid: 13 people, 4 teams, 6 rotations, 1 named escalation policy.",
      "  ⚠ 1 coverage gap 2026-03-17T12:00:00.000Z → 2026-03-31T12:00:00.000Z: a page then would reach nobody at that level.",
      '    search (team search) · level 1 · high+low urgency · 2026-03-17T12:00:00.000Z → 2026-03-31T12:00:00.000Z (20160 min) · empty rotation: rotation "search-primary" has nobody on call',
      `Writing to table ${tableName} via the local runtime (${join(dataDir, "runtime.json")})…`,
      "Applied: on-call directory version 1 (the first).",
      // Nobody has verified a contact method yet: warned, by person.
      expect.stringMatching(
        /^ {2}⚠ \d+ people are on call in the next 14 days with no verified contact method \(\d+ gaps\): (?=.*\bdana\b)(?=.*\bhiro\b)[a-z, ]+\.$/,
      ),
      "    Each verifies: npm run firebreak -- directory verify --person <id> --method sms|slack|voice (directory coverage lists the gaps)",
      "See who is on call now: npm run firebreak -- directory show",
    ]);
    expect(await cli("directory", "apply", EXAMPLE)).toContain("version 2 (was 1)");
    await expect(cli("directory", "apply", EXAMPLE, "--expected-version", "1")).rejects.toThrow(
      /at version 2, not 1[\s\S]*Nothing was written/,
    );
    expect((await runtime.paging.directory.get())?.version).toBe(2);
  });

  it("--strict refuses a directory with coverage gaps; `directory coverage` lists the stored one's, with exit 1", async () => {
    await expect(
      cli("directory", "apply", EXAMPLE, "--strict", "--at", "2026-03-17T12:00:00Z"),
    ).rejects.toThrow(/Refused \(--strict\): 1 coverage gap in the next 14 days\.\nNothing was written\./);
    expect((await runtime.paging.directory.get())?.version).toBe(2);
    // Everyone's methods verified (verify.test.ts does it for real): the search team's gap is left.
    const { contacts } = runtime.paging;
    await contacts.save(verifiedRecords(parseDirectoryYaml(readFileSync(EXAMPLE, "utf8")).people), 0);
    // The same through the function behind the command, to read what it printed before exit 1.
    const printed: string[] = [];
    const error = await showCoverage(
      { at: new Date("2026-03-08T00:00:00Z"), days: 2, format: "json" },
      (line) => printed.push(line),
    ).catch((e: Error) => e);
    expect((error as Error).message).toBe("1 coverage gap.");
    expect(JSON.parse(printed.join("\n"))).toEqual({
      from: "2026-03-08T00:00:00.000Z",
      to: "2026-03-10T00:00:00.000Z",
      gaps: [
        expect.objectContaining({
          team: "search",
          level: 1,
          reason: "empty_rotation",
          from: "2026-03-08T00:00:00.000Z",
          to: "2026-03-10T00:00:00.000Z",
          minutes: 2880,
        }),
      ],
    });
    await expect(cli("directory", "coverage", "--at", "2026-03-08T00:00:00Z")).rejects.toThrow(
      "1 coverage gap.",
    );
    await expect(cli("directory", "coverage", "--days", "40")).rejects.toMatchObject({
      code: "commander.invalidArgument",
    });
  });

  it("shows IC, level 2 and comms per service at an instant", async () => {
    const out = await cli("directory", "show", "--at", "2026-03-17T12:00:00Z");
    expect(out).toContain("On call at 2026-03-17T12:00:00.000Z");
    expect(out).toMatch(/checkout\s+all\s+checkout\s+Dana Fischer \(dana\) \(override\)/);
    expect(out).toMatch(/ledger\s+210987654321\s+payments/);
    const json = JSON.parse(
      await cli("directory", "show", "--at", "2026-03-17T12:00:00Z", "--format", "json"),
    );
    expect(json).toMatchObject({ version: 2, at: "2026-03-17T12:00:00.000Z" });
    expect(json.rows.find((r: { service: string }) => r.service === "checkout").ic.id).toBe("dana");
    await expect(cli("directory", "show", "--at", "yesterday")).rejects.toMatchObject({
      code: "commander.invalidArgument",
    });
  });

  it("directory verify sends a test message through the running pager, and --code confirms it", async () => {
    // Kate has a Slack id and no phone; forget the verifications the test above stored.
    const { contacts } = runtime.paging;
    await contacts.save({}, (await contacts.get()).version);
    const before = await cli("directory", "show", "--person", "kate");
    expect(before).toContain("Slack:  U04KATE011  UNVERIFIED");
    expect(before).toContain("Verify: npm run firebreak -- directory verify --person kate");
    const asked = await cli("directory", "verify", "--person", "kate", "--method", "slack");
    expect(asked).toContain(
      "Asked for a test message to Kate Lindqvist's Slack DM (U04KATE011); waiting for the pager to send it…",
    );
    expect(asked).toMatch(/ {2}sent \S+; its code works until \S+\./);
    const dm = runtime.fakeSlack!.calls.find(
      (c) =>
        c.method === "chat.postMessage" &&
        c.body.channel === "U04KATE011" &&
        /verification/i.test(String(c.body.text)),
    );
    const code = /code (\d{6})/.exec(String(dm?.body.text))?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await expect(cli("directory", "verify", "--person", "kate", "--method", "slack")).rejects.toThrow(
      /wait \d+ s before asking for another/,
    );
    await expect(cli("directory", "verify", "--person", "kate", "--method", "sms")).rejects.toThrow(
      "Kate Lindqvist has no phone in the directory",
    );
    await expect(cli("directory", "verify", "--person", "kate", "--method", "email")).rejects.toThrow(
      'unknown contact method "email"',
    );
    expect(await cli("directory", "verify", "--person", "kate", "--method", "slack", "--code", code!)).toBe(
      "Verified: Kate Lindqvist's Slack DM. Slack DM verified.",
    );
    expect(await cli("directory", "show", "--person", "kate")).toMatch(
      /Slack: {2}U04KATE011 {2}verified \S+/,
    );
  });

  it("pages the team that owns the service in the alarm's account (per-account mapping)", async () => {
    const fire = async (name: string, account: string) => {
      const event = alarmStateChangeEvent({
        name,
        state: "ALARM",
        service: "ledger",
        severity: "sev3",
        account,
        region: "eu-west-1",
      });
      const res = await fetch(`${runtime.url}/events`, {
        method: "POST",
        headers: runtime.eventHeaders,
        body: JSON.stringify(event),
      });
      return ((await res.json()) as { results: { incidentId: string }[] }).results[0]!.incidentId;
    };
    const teamOf = async (id: string) => {
      for (let i = 0; i < 200; i++) {
        const { timeline } = (await (
          await fetch(`${runtime.url}/api/incidents/${id}`, { headers: await viewer() })
        ).json()) as {
          timeline?: { kind: string; data: { teamId?: string; via?: string } }[];
        };
        const started = timeline?.find((e) => e.kind === "escalation.started");
        if (started) return `${started.data.teamId} via ${started.data.via}`;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("no escalation.started entry");
    };
    const payments = await fire("ledger-errors-payments", "210987654321");
    const elsewhere = await fire("ledger-errors-sandbox", "123456789012");
    expect(await teamOf(payments)).toBe("payments via account");
    expect(await teamOf(elsewhere)).toBe("platform via service");
    const incident = (await (
      await fetch(`${runtime.url}/api/incidents/${payments}`, { headers: await viewer() })
    ).json()) as {
      locations: { account: string; region: string }[];
    };
    expect(incident.locations).toEqual([{ account: "210987654321", region: "eu-west-1" }]);
  }, 60_000);
});

describe("firebreak migrate slack-ids, against the running local runtime", () => {
  it("records incidents' Slack ids as directory people: a dry run first, then for real, then nothing left", async () => {
    await cli("directory", "apply", EXAMPLE);
    const incident = await declareIncident(
      { store: runtime.store },
      { title: "recorded before one identity per person" },
      { type: "slack", id: "U01DANA004", name: "u01dana004" },
    );
    expect(await cli("migrate", "slack-ids", "--dry-run")).toMatch(
      /Done: \d+ incidents read; would change 1 \(0 role holders, 1 timeline entries\)\.\nRun it again without --dry-run to write\.$/,
    );
    expect(await cli("migrate", "slack-ids")).toMatch(
      /Done: \d+ incidents read; changed 1 \(0 role holders, 1 timeline entries\)\.$/,
    );
    const found = await runtime.store.getIncidentWithTimeline(incident.id);
    expect(found?.timeline[0]?.actor).toEqual({ type: "slack", id: "dana", name: "Dana Fischer" });
    expect(await cli("migrate", "slack-ids")).toMatch(/changed 0 /);
  });
});

describe("firebreak directory, when nothing is running", () => {
  it("says nothing is running, or that the runtime has exited", async () => {
    const empty = mkdtempSync(join(tmpdir(), "firebreak-empty-"));
    process.env.FIREBREAK_DATA_DIR = empty;
    try {
      await expect(cli("directory", "show")).rejects.toThrow(
        /Nothing is running: .*runtime\.json does not exist/,
      );
      writeFileSync(
        join(empty, "runtime.json"),
        JSON.stringify({ pid: 2 ** 22 + 12345, dynamoEndpoint: "http://127.0.0.1:1", tableName: "t" }),
      );
      await expect(cli("directory", "apply", EXAMPLE)).rejects.toThrow(/has exited/);
      writeFileSync(
        join(empty, "runtime.json"),
        JSON.stringify({ pid: process.pid, dynamoEndpoint: "http://127.0.0.1:1", tableName: "t" }),
      );
      await expect(cli("directory", "show")).rejects.toThrow(
        /Could not reach DynamoDB at http:\/\/127\.0\.0\.1:1/,
      );
    } finally {
      process.env.FIREBREAK_DATA_DIR = dataDir;
    }
  });
});
