/**
 * stacks/alarm-forwarder.yaml, the StackSet template member accounts deploy: parsed with the `yaml`
 * package and CloudFormation's short-form intrinsic tags (`!Ref`, `!GetAtt`, `!Sub`, …, turned
 * into their long form, `{ Ref: … }`, `{ "Fn::GetAtt": […] }`), then checked against the central
 * side: the forwarded pattern is the alarm-ingest rule's pattern, the target is the bus parameter.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, type Tags, type YAMLMap, type YAMLSeq } from "yaml";
import { ALARM_RULE_PATTERN } from "../../packages/core/src/alarm/rule";
import { ROOT } from "./sst-harness";

const TEMPLATE = path.join(ROOT, "stacks", "alarm-forwarder.yaml");

const SCALAR_FUNCTIONS = ["Base64", "GetAZs", "ImportValue", "Sub", "Condition"];
const SEQUENCE_FUNCTIONS = [
  "And",
  "Equals",
  "If",
  "Not",
  "Or",
  "Select",
  "Split",
  "Join",
  "Sub",
  "FindInMap",
  "Cidr",
  "GetAtt",
];

/** CloudFormation's short-form intrinsics as yaml custom tags. */
const CLOUDFORMATION_TAGS: Tags = [
  { tag: "!Ref", resolve: (value: string) => ({ Ref: value }) },
  // `!GetAtt Role.Arn` is `{ "Fn::GetAtt": ["Role", "Arn"] }`.
  {
    tag: "!GetAtt",
    resolve: (value: string) => {
      const dot = value.indexOf(".");
      return { "Fn::GetAtt": [value.slice(0, dot), value.slice(dot + 1)] };
    },
  },
  ...SCALAR_FUNCTIONS.map((name) => ({
    tag: `!${name}`,
    resolve: (value: string) => (name === "Condition" ? { Condition: value } : { [`Fn::${name}`]: value }),
  })),
  ...SEQUENCE_FUNCTIONS.map((name) => ({
    tag: `!${name}`,
    collection: "seq" as const,
    resolve: (seq: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [`Fn::${name}`]: seq.toJSON() }),
  })),
];

function loadTemplate() {
  return parse(readFileSync(TEMPLATE, "utf8"), { customTags: CLOUDFORMATION_TAGS }) as {
    Parameters: Record<string, { Type: string; AllowedPattern?: string }>;
    Conditions: Record<string, unknown>;
    Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
  };
}

describe("stacks/alarm-forwarder.yaml", () => {
  const template = loadTemplate();

  it("declares exactly the forwarding rule and the role EventBridge assumes", () => {
    expect(Object.fromEntries(Object.entries(template.Resources).map(([k, v]) => [k, v.Type]))).toEqual({
      ForwarderRole: "AWS::IAM::Role",
      ForwarderRule: "AWS::Events::Rule",
    });
    expect(template.Parameters.CentralBusArn?.Type).toBe("String");
  });

  it("puts the rule on the member account's default bus with exactly the central rule's pattern", () => {
    const rule = template.Resources.ForwarderRule?.Properties ?? {};
    expect(rule.EventBusName).toBe("default");
    expect(rule.State).toBe("ENABLED");
    expect(rule.EventPattern).toStrictEqual(ALARM_RULE_PATTERN);
  });

  it("targets the CentralBusArn parameter through the role", () => {
    const targets = template.Resources.ForwarderRule?.Properties.Targets as Record<string, unknown>[];
    expect(targets).toHaveLength(1);
    expect(targets[0]).toEqual({
      Id: "FirebreakCentralBus",
      Arn: { Ref: "CentralBusArn" },
      RoleArn: { "Fn::GetAtt": ["ForwarderRole", "Arn"] },
    });
  });

  it("lets only EventBridge of this account assume the role, and only to PutEvents on the central bus", () => {
    const role = template.Resources.ForwarderRole?.Properties ?? {};
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
        },
      ],
    });
    expect(role.Policies).toEqual([
      {
        PolicyName: "PutEventsOnCentralBus",
        PolicyDocument: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: { Ref: "CentralBusArn" } }],
        },
      },
    ]);
  });

  it("creates nothing in the central account and region, whose default bus already has the rule", () => {
    for (const resource of Object.values(template.Resources)) expect(resource.Condition).toBe("Forward");
    expect(template.Conditions.Forward).toEqual({ "Fn::Not": [{ Condition: "IsCentral" }] });
    const arnPart = (index: number) => ({
      "Fn::Select": [index, { "Fn::Split": [":", { Ref: "CentralBusArn" }] }],
    });
    expect(template.Conditions.IsCentral).toEqual({
      "Fn::And": [
        { "Fn::Equals": [{ Ref: "AWS::AccountId" }, arnPart(4)] },
        { "Fn::Equals": [{ Ref: "AWS::Region" }, arnPart(3)] },
      ],
    });
  });

  it("accepts the central bus ARN the deploy outputs, and rejects anything else", () => {
    const pattern = new RegExp(template.Parameters.CentralBusArn?.AllowedPattern ?? "^$");
    expect(pattern.test("arn:aws:events:us-east-1:123456789012:event-bus/default")).toBe(true);
    expect(pattern.test("arn:aws:sns:us-east-1:123456789012:topic")).toBe(false);
    expect(pattern.test("default")).toBe(false);
  });
});
