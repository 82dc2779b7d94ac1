import { describe, expect, it } from "vitest";
import { computeBudget } from "./budget";
import { formatBudgetsTable, formatMetricsCsv, formatMetricsTable } from "./format";
import { computeMetrics } from "./metrics";
import { makeDoc } from "./test-support";

const window = { since: new Date("2026-03-02T00:00:00Z"), until: new Date("2026-03-16T00:00:00Z") };
const report = computeMetrics(
  [
    makeDoc({
      id: "INC-1",
      impactStart: "2026-03-03T10:00:00.000Z",
      severity: "SEV2",
      services: ["checkout"],
    }),
    makeDoc({
      id: "INC-2",
      impactStart: "2026-03-05T10:00:00.000Z",
      severity: "SEV1",
      services: ["=HYPERLINK(1)", 'pay,"ments"'],
      ttd: null,
      ttm: null,
      tta: 90,
      ttr: 3725,
    }),
  ],
  { window },
);

describe("formatMetricsCsv", () => {
  it("writes one RFC 4180 table: groups with seconds, then weeks; no formula injection", () => {
    expect(formatMetricsCsv(report)).toBe(
      [
        "scope,key,week_start,count,mttd_seconds,mtta_seconds,mttm_seconds,mttr_seconds,mtbf_seconds",
        "overall,all,,2,60,105,600,2762.5,172800",
        "service,'=HYPERLINK(1),,1,,90,,3725,",
        "service,checkout,,1,60,120,600,1800,",
        'service,"pay,""ments""",,1,,90,,3725,',
        "severity,SEV1,,1,,90,,3725,",
        "severity,SEV2,,1,60,120,600,1800,",
        "severity,SEV3,,0,,,,,",
        "severity,SEV4,,0,,,,,",
        "severity,SEV5,,0,,,,,",
        "release,yes,,0,,,,,",
        "release,suspected,,0,,,,,",
        "release,no,,0,,,,,",
        "release,unknown,,2,60,105,600,2762.5,172800",
        "week,2026-W10,2026-03-02,2,,,,,",
        "week,2026-W11,2026-03-09,0,,,,,",
        "",
      ].join("\r\n"),
    );
  });
});

describe("formatMetricsTable", () => {
  it("aligns columns and shows durations for people", () => {
    const text = formatMetricsTable(report);
    const lines = text.split("\n");
    expect(lines[0]).toBe(
      "Incidents with impact starting from 2026-03-02T00:00:00.000Z until 2026-03-16T00:00:00.000Z (all services)",
    );
    expect(lines[2]).toMatch(/^SCOPE\s+GROUP\s+INCIDENTS\s+MTTD\s+MTTA\s+MTTM\s+MTTR\s+MTBF$/);
    expect(text).toMatch(/overall\s+all\s+2\s+1m\s+1m 45s\s+10m\s+46m 3s\s+2d/);
    expect(text).toMatch(/severity\s+SEV3\s+0\s+-\s+-\s+-\s+-\s+-/);
    expect(text).toMatch(/2026-W10\s+2026-03-02\s+2\s+#{20}/);
    expect(text).toMatch(/2026-W11\s+2026-03-09\s+0\n/);
    // Columns line up: every group row starts its INCIDENTS column at the same offset.
    const header = lines[2]!;
    const col = header.indexOf("INCIDENTS");
    for (const l of lines.slice(3, 12)) expect(l[col - 1]).toBe(" ");
  });

  it("names the service filter", () => {
    const filtered = computeMetrics([], { window, service: "checkout" });
    expect(formatMetricsTable(filtered)).toContain("(service checkout)");
  });

  it("JSON is the report itself", () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe("formatBudgetsTable", () => {
  it("lists each budget, the incidents that consumed it, and a service without an SLO as its note", () => {
    const now = new Date("2026-03-31T00:00:00.000Z");
    const incidents = [
      {
        id: "a",
        key: "INC-7",
        title: "Checkout errors",
        services: ["checkout"],
        impactStart: "2026-03-10T10:00:00.000Z",
        impactEnd: "2026-03-10T10:12:00.000Z",
      },
      {
        id: "b",
        key: "INC-8",
        title: "Checkout slow",
        services: ["checkout"],
        impactStart: "2026-03-30T23:30:00.000Z",
        impactEnd: null,
      },
    ];
    const text = formatBudgetsTable([
      computeBudget({
        service: "checkout",
        team: "payments",
        slo: { target: 0.999, windowDays: 30 },
        incidents,
        now,
      }),
      computeBudget({ service: "search", slo: undefined, incidents, now }),
    ]);
    expect(text).toContain("Error budgets, windows ending 2026-03-31T00:00:00.000Z");
    expect(text).toMatch(/checkout\s+payments\s+99\.9%\s+30d\s+43\.2 min\s+42\.0 min\s+1\.2 min\s+97\.2%/);
    expect(text).toMatch(
      /INC-7\s+2026-03-10T10:00:00.000Z\s+2026-03-10T10:12:00.000Z\s+12\.0\s+Checkout errors/,
    );
    expect(text).toMatch(/INC-8\s+.*open \(now\)\s+30\.0\s+Checkout slow/);
    expect(text).toContain("search: no SLO is declared for search in the on-call directory");
    expect(formatBudgetsTable([])).toBe("Error budgets: no service has an SLO in the on-call directory.\n");
  });
});
