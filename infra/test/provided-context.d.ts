// What packages/testkit/src/global-setup.ts provides to every test file (declared there for the
// workspaces' tsconfig; tsconfig.infra.json type-checks infra/ on its own).
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
