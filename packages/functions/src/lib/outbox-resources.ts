import { SQSClient } from "@aws-sdk/client-sqs";
import { EventBridgePublisher } from "@firebreak/core/adapters/aws/eventbridge";
import { SqsDeadLetterSink } from "@firebreak/core/adapters/aws/sqs-dead-letter-sink";
import { FirebreakError } from "@firebreak/core/shared/errors";
import { Resource } from "sst";
import type { OutboxHandlerDeps } from "../outbox";

/** The linked bus (`Resource.Bus.name`), else env FIREBREAK_BUS_NAME; read on first use, not at import. */
export function busName(env: Record<string, string | undefined> = process.env): string {
  const name = linkedName("Bus") ?? env.FIREBREAK_BUS_NAME;
  if (!name) {
    throw new FirebreakError(
      "config_missing",
      "no event bus: link the Bus resource (Resource.Bus) or set FIREBREAK_BUS_NAME",
    );
  }
  return name;
}

function linkedName(name: string): string | undefined {
  const resources: object = Resource;
  if (!(name in resources)) return undefined;
  const resource = (resources as Record<string, unknown>)[name];
  return typeof resource === "object" &&
    resource !== null &&
    "name" in resource &&
    typeof resource.name === "string"
    ? resource.name
    : undefined;
}

/** The outbox on Lambda: the linked Bus, and the OutboxDlq queue (FIREBREAK_OUTBOX_DLQ_URL) for poison records. */
let deps: OutboxHandlerDeps | undefined;
export function awsOutboxDeps(): OutboxHandlerDeps {
  if (deps) return deps;
  const dlqUrl = process.env.FIREBREAK_OUTBOX_DLQ_URL;
  deps = {
    publisher: new EventBridgePublisher({ busName: busName() }),
    ...(dlqUrl ? { deadLetters: new SqsDeadLetterSink(new SQSClient({}), dlqUrl) } : {}),
  };
  return deps;
}
