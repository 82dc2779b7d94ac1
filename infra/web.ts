/**
 * Web: the dashboard (packages/web, a Vite app) as a static site: S3 + CloudFront. The deploy runs
 * `WEB_BUILD.command` from the repository root and uploads `WEB_BUILD.output`. The app reads the
 * API's URL at build time from VITE_API_URL.
 */
import { api } from "./api";

export const WEB_PATH = "packages/web";
export const WEB_BUILD = {
  command: "npm run build --workspace @firebreak/web",
  output: "dist",
};

export const web = new sst.aws.StaticSite("Web", {
  path: WEB_PATH,
  build: WEB_BUILD,
  environment: { VITE_API_URL: api.url },
});

export const outputs = {
  web: web.url,
};
