/**
 * `firebreak import <source> <files…>` and `firebreak import verify`, as a user runs them: each
 * source's fixture export (fixtures/import/<source>, built from the vendors' documented API
 * responses) becomes a directory that `directory apply --check` accepts and a report of what could
 * not be mapped; the hand-written final shifts verify with zero differing hours, and the "differ"
 * ones with exactly the hours written into them. One import is applied to the local runtime.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pagerDutyImporter } from "@firebreak/core/import/pagerduty";
import type { ImportSource } from "@firebreak/core/import/plan";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { buildCli } from "../src/cli";
import { type LocalRuntime, startLocalRuntime } from "../src/runtime";

const FIXTURES = fileURLToPath(new URL("../../../fixtures/import/", import.meta.url));

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

/** Like `cli`, but for a command that fails: what it printed, and its error. */
async function cliFailing(...args: string[]): Promise<{ printed: string; error: Error }> {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => void lines.push(parts.join(" ")));
  try {
    await buildCli().parseAsync(["node", "firebreak", ...args]);
  } catch (error) {
    return { printed: lines.join("\n"), error: error as Error };
  } finally {
    vi.restoreAllMocks();
  }
  throw new Error(`firebreak ${args.join(" ")} did not fail`);
}

const hours = (day: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `${day}T${String(from + i).padStart(2, "0")}:00:00.000Z`);

/** Per source: what its differ fixture was written to differ in (see each importer's tests). */
const EXPECTED: Record<ImportSource, { differing: string[]; notMapped: RegExp; verify?: string[] }> = {
  pagerduty: {
    differing: [
      ...hours("2026-03-30", 12, 16),
      ...hours("2026-04-02", 8, 24),
      ...hours("2026-04-03", 0, 24),
      ...hours("2026-04-04", 0, 8),
    ],
    notMapped: /notification rule/,
  },
  "aws-incident-manager": {
    differing: ["2026-03-29T08:00:00.000Z", ...hours("2026-03-31", 8, 12)],
    notMapped: /ShiftCoverages|engagement plan/,
    // ListRotationShifts does not name its rotation: the user says which.
    verify: ["--rotation", "payments-primary"],
  },
  opsgenie: {
    differing: [...hours("2026-03-25", 14, 16), "2026-03-29T08:00:00.000Z"],
    notMapped: /time restriction|notification rule/i,
  },
  "grafana-oncall": {
    differing: ["2026-03-29T08:00:00.000Z", ...hours("2026-04-02", 8, 24), ...hours("2026-04-03", 0, 8)],
    notMapped: /an iCal schedule|time restrictions/,
  },
};

let out: string;

describe.each(Object.keys(EXPECTED).filter((s) => existsSync(join(FIXTURES, s))) as ImportSource[])(
  "firebreak import %s",
  (source) => {
    const dir = join(FIXTURES, source);
    let folder: string;
    beforeAll(() => {
      folder = mkdtempSync(join(tmpdir(), `firebreak-import-${source}-`));
    });

    it("writes a directory that directory apply --check accepts, a report, and prints the plan", async () => {
      const plan = await cli("import", source, dir, "--out", folder);
      expect(plan).toMatch(/import plan \(nothing has been written to Firebreak\):/);
      expect(plan).toMatch(/^\s+\+ person\s/m);
      expect(plan).toMatch(/^\s+\+ rotation\s/m);
      expect(plan).toMatch(/^\s+\+ escalation policy\s/m);
      expect(plan).toMatch(
        /^Plan: \d+ (person|people), \d+ teams?, \d+ rotations?, \d+ escalation polic(y|ies) to create/m,
      );
      expect(plan).toContain(`directory apply ${join(folder, "directory.yaml")}`);
      const check = await cli("directory", "apply", join(folder, "directory.yaml"), "--check");
      expect(check).toMatch(/valid: \d+ (person|people), \d+ teams?, \d+ rotations?/);
      expect(check).toContain("Checked only (--check): nothing was written.");
      const report = readFileSync(join(folder, "import-report.md"), "utf8");
      expect(report).toMatch(/^# .+ import report/);
      expect(report).toContain("## Not mapped (");
      expect(report).toMatch(EXPECTED[source].notMapped);
      const json = JSON.parse(readFileSync(join(folder, "import-report.json"), "utf8"));
      expect(json.source).toBe(source);
      // The files are named as the user would type them: relative inside the working folder, never "../".
      expect(json.files.every((f: string) => !f.startsWith(".."))).toBe(true);
      expect(Object.keys(json.ids.people).length).toBeGreaterThan(3);
    });

    it("verifies the source's own final shifts: none differ where they agree, the exact hours where they do not", async () => {
      const directory = join(folder, "directory.yaml");
      const which = EXPECTED[source].verify ?? [];
      const agree = await cli(
        "import",
        "verify",
        join(dir, "final-shifts.json"),
        "--directory",
        directory,
        ...which,
      );
      expect(agree).toContain("✓ No differing hours");
      const { printed, error } = await cliFailing(
        "import",
        "verify",
        join(dir, "final-shifts-differ.json"),
        "--directory",
        directory,
        "--format",
        "json",
        ...which,
      );
      const expected = EXPECTED[source].differing;
      expect(error.message).toBe(`${expected.length} hours differ.`);
      const result = JSON.parse(printed) as { differing: { hour: string }[]; unmatched: string[] };
      expect(result.differing.map((d) => d.hour)).toEqual(expected);
      expect(result.unmatched).toEqual([]);
    });
  },
);

describe("firebreak import, refusing clearly", () => {
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "firebreak-import-bad-"));
  });

  it("names the sources it knows", async () => {
    await expect(cli("import", "victorops", FIXTURES, "--out", out)).rejects.toThrow(
      'Unknown source "victorops": expected one of opsgenie, pagerduty, grafana-oncall, aws-incident-manager.',
    );
  });

  it("names a file that is not JSON, and one that is missing", async () => {
    const bad = join(out, "users.json");
    writeFileSync(bad, "{ users: [ }");
    await expect(cli("import", "pagerduty", bad, "--out", out)).rejects.toThrow(
      new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is not JSON \\(`),
    );
    await expect(cli("import", "pagerduty", join(out, "nope.json"), "--out", out)).rejects.toThrow(
      `Cannot read ${join(out, "nope.json")}: ENOENT`,
    );
  });

  it("never replaces a directory.yaml without --force", async () => {
    const folder = mkdtempSync(join(tmpdir(), "firebreak-import-force-"));
    writeFileSync(join(folder, "directory.yaml"), "# mine\n");
    await expect(cli("import", "pagerduty", join(FIXTURES, "pagerduty"), "--out", folder)).rejects.toThrow(
      `${join(folder, "directory.yaml")} already exists: pass --force to replace it, or --out <folder>.`,
    );
    expect(readFileSync(join(folder, "directory.yaml"), "utf8")).toBe("# mine\n");
    await cli("import", "pagerduty", join(FIXTURES, "pagerduty"), "--out", folder, "--force");
    expect(readFileSync(join(folder, "directory.yaml"), "utf8")).toMatch(
      /^# Firebreak on-call directory imported/,
    );
  });

  it("verify says what it needs: a known shifts format, and which rotation", async () => {
    const folder = mkdtempSync(join(tmpdir(), "firebreak-import-verify-"));
    await cli("import", "pagerduty", join(FIXTURES, "pagerduty"), "--out", folder);
    const other = join(folder, "other.json");
    writeFileSync(other, JSON.stringify({ hello: "world" }));
    await expect(
      cli("import", "verify", other, "--directory", join(folder, "directory.yaml")),
    ).rejects.toThrow(/is not an iCal feed nor any source's final shifts\. Expected one of: PagerDuty/);
    await expect(
      cli(
        "import",
        "verify",
        join(FIXTURES, "pagerduty", "final-shifts.json"),
        "--directory",
        join(folder, "directory.yaml"),
        "--rotation",
        "nope",
      ),
    ).rejects.toThrow(/^Unknown rotation "nope" in .+directory\.yaml; it has: /);
  });
});

describe("an import applied to the running local runtime", () => {
  let runtime: LocalRuntime;
  const previousDataDir = process.env.FIREBREAK_DATA_DIR;
  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "firebreak-import-runtime-"));
    runtime = await startLocalRuntime({
      port: 0,
      dataDir,
      dynamoEndpoint: inject("dynamoEndpoint"),
      tableName: `import-${process.pid}-${Date.now()}`,
      demoDirectory: null,
      sweepIntervalMs: 3_600_000,
    });
    process.env.FIREBREAK_DATA_DIR = dataDir;
  }, 60_000);
  afterAll(async () => {
    process.env.FIREBREAK_DATA_DIR = previousDataDir;
    if (previousDataDir === undefined) delete process.env.FIREBREAK_DATA_DIR;
    await runtime?.stop();
  });

  it("becomes the directory: directory show names the imported people on call", async () => {
    const folder = mkdtempSync(join(tmpdir(), "firebreak-import-apply-"));
    await cli("import", "pagerduty", join(FIXTURES, "pagerduty"), "--out", folder);
    const applied = await cli("directory", "apply", join(folder, "directory.yaml"));
    expect(applied).toContain("Applied: on-call directory version 1 (the first).");
    // Who PagerDuty's own final shifts put on call then is who Firebreak pages first for the service.
    const at = "2026-03-30T10:00:00Z";
    const theirs = pagerDutyImporter
      .shifts({
        name: "final-shifts.json",
        json: JSON.parse(readFileSync(join(FIXTURES, "pagerduty", "final-shifts.json"), "utf8")),
      })!
      .shifts.find((x) => x.start <= at && at < x.end)!;
    const ids = JSON.parse(readFileSync(join(folder, "import-report.json"), "utf8")).ids as {
      people: Record<string, string>;
    };
    const show = await cli("directory", "show", "--at", at, "--format", "json");
    const rows = (JSON.parse(show) as { rows: { service: string; ic?: { id: string } }[] }).rows;
    const ic = rows.find((r) => r.service === "payments-api")?.ic?.id;
    expect(ic).toMatch(/\S/);
    expect(ic).toBe(ids.people[theirs.person.id!]);
  });
});
