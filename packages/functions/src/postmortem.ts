import { awsPostmortemDeps } from "./lib/resources";
import { createPostmortemHandler } from "./postmortem/drafter";

export { createPostmortemHandler };

/** Postmortem (infra/postmortem.ts): postmortem/drafter.ts on Lambda's postmortem wiring. */
export const handler = createPostmortemHandler(awsPostmortemDeps);
