import { fixture } from "@firebreak/testkit/fixtures";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SEVERITIES } from "../incident/model";
import {
  classifyAlarm,
  normaliseServiceName,
  serviceFromName,
  servicesFromDescription,
  severityFromDescription,
  severityFromName,
} from "./classify";

describe("classifyAlarm: description", () => {
  it.each([
    ["severity: sev2", "SEV2"],
    ["severity: SEV2", "SEV2"],
    ["Severity: Sev1", "SEV1"],
    ["SEVERITY:SEV5", "SEV5"],
    ["severity: 2", "SEV2"],
    ["sev: 4", "SEV4"],
    ["severity = sev3", "SEV3"],
    ["severity: sev-2", "SEV2"],
    ["  - severity: sev1", "SEV1"],
    ["Checkout 5xx\nseverity: sev2\nRunbook: https://x", "SEV2"],
    ["Checkout 5xx; severity: sev1; service: checkout", "SEV1"],
    ["Checkout 5xx | sev: 2", "SEV2"],
    ["severity: sev9\nseverity: sev2", "SEV2"],
  ])("reads %j as %s", (description, severity) => {
    expect(severityFromDescription(description)).toBe(severity);
    expect(classifyAlarm({ alarmName: "x", description })).toMatchObject({
      severity,
      severitySource: "description",
    });
  });

  it.each([
    "severity: sev0",
    "severity: sev6",
    "severity: 12",
    "severity: high",
    "severity:",
    "the severity: sev2 is in the middle of a sentence",
    "severity: sev2 because it matters",
  ])("ignores %j", (description) => {
    expect(severityFromDescription(description)).toBeUndefined();
    expect(classifyAlarm({ alarmName: "x", description })).toMatchObject({
      severity: "SEV3",
      severitySource: "default",
    });
  });

  it.each([
    ["service: checkout", ["checkout"]],
    ["Service: Checkout", ["checkout"]],
    ["service: checkout, payments", ["checkout", "payments"]],
    ["services: checkout,payments , checkout", ["checkout", "payments"]],
    ["service: checkout\nservice: payments", ["checkout", "payments"]],
    ["service: orders-api.v2, fraud_check", ["orders-api.v2", "fraud_check"]],
    ["service: checkout, Über Service, payments", ["checkout", "payments"]],
    ["Runbook: x\nservice = search", ["search"]],
  ])("reads services from %j", (description, services) => {
    expect(servicesFromDescription(description)).toEqual(services);
    expect(classifyAlarm({ alarmName: "x", description })).toMatchObject({
      services,
      serviceSource: "description",
    });
  });

  it.each(["service:", "service: ,", "service: Über", "our service: checkout"])(
    "finds no service in %j",
    (description) => {
      expect(servicesFromDescription(description)).toEqual([]);
    },
  );
});

describe("classifyAlarm: name", () => {
  it.each([
    ["sev2-checkout-5xx", "SEV2", undefined],
    ["sev2/checkout/5xx", "SEV2", "checkout"],
    ["SEV1:payments:latency", "SEV1", "payments"],
    ["[sev2] checkout 5xx", "SEV2", undefined],
    ["[SEV4] checkout/5xx", "SEV4", "checkout"],
    ["[sev2]-checkout:5xx", "SEV2", "checkout"],
    ["sev5_search_latency", "SEV5", undefined],
    ["sev3", "SEV3", undefined],
    ["checkout/latency-p99", undefined, "checkout"],
    ["checkout:5xx", undefined, "checkout"],
    ["Checkout-API:5xx", undefined, "checkout-api"],
    ["checkout-api-5xx", undefined, undefined],
    ["checkout-api-5xx-high", undefined, undefined],
    ["High CPU: checkout", undefined, undefined],
    ["Zahlungsdienst/Fehlerquote", undefined, "zahlungsdienst"],
    ["Überweisung/Fehlerquote", undefined, undefined],
    ["sev0/checkout/5xx", undefined, "checkout"],
    ["sev6-checkout-5xx", undefined, undefined],
    ["sev12:checkout:5xx", undefined, "checkout"],
    ["sev2x-checkout", undefined, undefined],
    ["severe/latency", undefined, "severe"],
    ["checkout-sev1-5xx", undefined, undefined],
    ["", undefined, undefined],
  ])("reads %j as severity %s, service %s", (name, severity, service) => {
    expect(severityFromName(name)).toBe(severity);
    expect(serviceFromName(name)).toBe(service);
  });

  it("uses the name when the description says nothing", () => {
    expect(classifyAlarm({ alarmName: "sev2/checkout/5xx", description: "5xx above 25/min" })).toEqual({
      severity: "SEV2",
      services: ["checkout"],
      severitySource: "name",
      serviceSource: "name",
    });
  });
});

describe("classifyAlarm: precedence and defaults", () => {
  it("prefers the description over the name, field by field", () => {
    expect(classifyAlarm({ alarmName: "sev4/search/latency", description: "severity: sev1" })).toEqual({
      severity: "SEV1",
      services: ["search"],
      severitySource: "description",
      serviceSource: "name",
    });
    expect(
      classifyAlarm({ alarmName: "sev4/search/latency", description: "service: checkout, payments" }),
    ).toEqual({
      severity: "SEV4",
      services: ["checkout", "payments"],
      severitySource: "name",
      serviceSource: "description",
    });
  });

  it("falls back to the name when the description's values are invalid", () => {
    expect(
      classifyAlarm({ alarmName: "SEV2:payments:latency", description: "severity: sev7\nservice: Ünïcode" }),
    ).toMatchObject({
      severity: "SEV2",
      services: ["payments"],
      severitySource: "name",
      serviceSource: "name",
    });
  });

  it("defaults to SEV3 and unassigned", () => {
    const expected = {
      severity: "SEV3",
      services: ["unassigned"],
      severitySource: "default",
      serviceSource: "default",
    };
    expect(classifyAlarm({ alarmName: "checkout-api-5xx-high" })).toEqual(expected);
    expect(classifyAlarm({ alarmName: "checkout-api-5xx-high", description: undefined })).toEqual(expected);
    expect(classifyAlarm({ alarmName: "sev6-checkout-api", description: "severity: sev0" })).toEqual(
      expected,
    );
  });

  it("classifies the fixtures' alarms", () => {
    type AlarmDetail = { detail: { alarmName: string; configuration: { description?: string } } };
    const alarm = (file: string) => {
      const { detail } = fixture<AlarmDetail>(`eventbridge/${file}`);
      return { alarmName: detail.alarmName, description: detail.configuration.description };
    };
    // Ledger API target 5xx…: no convention used, so defaults apply.
    const plain = alarm("eb-single-metric-ok-to-alarm.json");
    expect(plain).toMatchObject({ alarmName: "ledger-api-5xx-high", description: expect.any(String) });
    expect(classifyAlarm(plain)).toMatchObject({ severity: "SEV3", services: ["unassigned"] });
    // The suppressed composite alarm's description follows the convention (severity: sev2, service: ledger).
    const suppressed = alarm("eb-composite-suppressed-by-alarm.json");
    expect(suppressed.description).toMatch(/^severity: sev2\nservice: ledger\n/);
    expect(classifyAlarm(suppressed)).toMatchObject({
      severity: "SEV2",
      severitySource: "description",
      services: ["ledger"],
    });
  });

  it("normalises service names", () => {
    expect(normaliseServiceName("  Checkout ")).toBe("checkout");
    expect(normaliseServiceName("a b")).toBeUndefined();
    expect(normaliseServiceName("")).toBeUndefined();
  });

  it("always returns a valid severity and at least one well-formed service for any input", () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string(), { nil: undefined }), (alarmName, description) => {
        const result = classifyAlarm({ alarmName, description });
        expect(SEVERITIES).toContain(result.severity);
        expect(result.services.length).toBeGreaterThan(0);
        for (const service of result.services) expect(service).toMatch(/^[a-z0-9._-]+$/);
        expect(new Set(result.services).size).toBe(result.services.length);
      }),
      { numRuns: 1000 },
    );
  });

  it("round-trips every severity and service written in the convention", () => {
    const service = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.uniqueArray(service, { minLength: 1, maxLength: 4 }),
        (n, services) => {
          const description = `Something broke.\nseverity: sev${n}\nservice: ${services.join(", ")}`;
          expect(classifyAlarm({ alarmName: "anything", description })).toEqual({
            severity: `SEV${n}`,
            services,
            severitySource: "description",
            serviceSource: "description",
          });
        },
      ),
    );
  });
});
