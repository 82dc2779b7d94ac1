import { ValidationError } from "@firebreak/core/shared/errors";
import { fixture } from "@firebreak/testkit/fixtures";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { incidentStart } from "./actions";
import { readDeployEvent } from "./change";

type Json = Record<string, unknown>;

describe("AWS deployment events as changes", () => {
  it("CodeDeploy: the application is the service, the deployment and its state the summary", () => {
    expect(readDeployEvent(fixture("deployments/codedeploy-deployment-success.json"))).toEqual({
      id: "codedeploy:c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
      service: "ledger",
      summary: "CodeDeploy ledger/ledger-prod deployment d-7ABC1DE2F: SUCCESS",
      link: "https://ap-southeast-2.console.aws.amazon.com/codesuite/codedeploy/deployments/d-7ABC1DE2F?region=ap-southeast-2",
      at: "2025-08-02T02:51:09.000Z",
      source: "codedeploy",
    });
  });

  it("ECS: the service from resources[0], at its updatedAt", () => {
    expect(readDeployEvent(fixture("deployments/ecs-deployment-completed.json"))).toMatchObject({
      id: "ecs:0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d",
      service: "ledger-api",
      summary:
        "ECS ledger-api deployment ecs-svc/4863251398765432109: SERVICE_DEPLOYMENT_COMPLETED (ECS deployment ecs-svc/4863251398765432109 completed.)",
      at: "2025-08-02T02:55:41.114Z",
      source: "ecs",
    });
  });

  it("CloudFormation: the stack's name, its status; cleanup steps are not changes", () => {
    const event = fixture<Json>("deployments/cloudformation-update-complete.json");
    expect(readDeployEvent(event)).toMatchObject({
      service: "ledger-network",
      summary: "CloudFormation stack ledger-network: UPDATE_COMPLETE",
      source: "cloudformation",
    });
    const cleanup = structuredClone(event);
    (cleanup.detail as Json)["status-details"] = { status: "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS" };
    expect(readDeployEvent(cleanup)).toBeUndefined();
  });

  it("ignores other events and refuses one that lacks what it needs, naming the field", () => {
    expect(readDeployEvent(fixture("eventbridge/eb-single-metric-ok-to-alarm.json"))).toBeUndefined();
    const event = fixture<Json>("deployments/codedeploy-deployment-success.json");
    delete (event.detail as Json).deploymentId;
    expect(() => readDeployEvent(event)).toThrow(ValidationError);
    try {
      readDeployEvent(event);
    } catch (error) {
      expect((error as ValidationError).issues[0]?.path).toBe("detail.deploymentId");
    }
    const nameless = fixture<Json>("deployments/ecs-deployment-completed.json");
    nameless.resources = ["arn:aws:ecs:ap-southeast-2:111122223333:service/prod/Ledger API"];
    expect(() => readDeployEvent(nameless)).toThrow(/resources\[0\]: expected a name that is a service name/);
  });

  it("an incident started when its alarm fired, if that was before it was declared", () => {
    expect(
      incidentStart({
        createdAt: "2025-08-02T03:17:45.000Z",
        alarm: { context: { stateTimestamp: "2025-08-02T03:17:41.508Z" } } as never,
      }),
    ).toBe("2025-08-02T03:17:41.508Z");
    expect(incidentStart({ createdAt: "2025-08-02T03:17:45.000Z" })).toBe("2025-08-02T03:17:45.000Z");
  });
});

describe("the deployment event reader under fuzz", () => {
  it("reads, ignores or refuses 10,000 events, never throwing otherwise", () => {
    const bases = [
      "deployments/codedeploy-deployment-success.json",
      "deployments/ecs-deployment-completed.json",
      "deployments/cloudformation-update-complete.json",
    ].map((name) => fixture<Json>(name));
    const anyValue = fc.anything({ maxDepth: 3 });
    const mutated = fc
      .tuple(
        fc.constantFrom(...bases),
        fc.constantFrom("id", "time", "region", "resources", "detail"),
        anyValue,
      )
      .map(([base, field, value]) => ({ ...base, [field]: value }));
    fc.assert(
      fc.property(fc.oneof(anyValue, mutated), (event) => {
        try {
          readDeployEvent(event);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
