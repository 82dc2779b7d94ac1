/**
 * Web: the dashboard (packages/web, a Vite app) as a static site behind one CloudFront Router,
 * which also routes `/api/*`, `/auth/*` and the ack links `/ack/*` to the HTTP API. Dashboard and API share one origin, so
 * the session cookie (HttpOnly, SameSite=Lax) is first-party and the dashboard calls the API with
 * relative URLs (VITE_API_URL stays unset): no CORS, no third-party cookies. The deploy runs
 * `WEB_BUILD.command` in `WEB_PATH` and uploads `WEB_BUILD.output` (relative to the path). Client
 * routes such as `/incidents/<id>` fall back to index.html (StaticSite's default error page).
 *
 * Sign in with Slack: add `<web url>/auth/slack/callback` as the Slack app's redirect URL. The
 * Router adds `x-forwarded-host`, from which the API builds that callback URL.
 */
import { api } from "./api";

export const WEB_PATH = "packages/web";
export const WEB_BUILD = {
  command: "npm run build --workspace @firebreak/web",
  output: "dist",
};
/**
 * Path prefixes the Router sends to the API instead of the static site. `/ack` too: the one-click
 * ack links are built on the Router's short CloudFront host (≈ 42 characters with `/ack/`) rather
 * than the API's (≈ 65 in ap-southeast-2), so the link fits a 140-character SMS (infra/paging.ts).
 */
export const API_PREFIXES = ["/api", "/auth", "/ack"] as const;

export const router = new sst.aws.Router("Dashboard");
for (const prefix of API_PREFIXES) router.route(prefix, api.url);

export const web = new sst.aws.StaticSite("Web", {
  path: WEB_PATH,
  build: WEB_BUILD,
  router: { instance: router },
});

export const outputs = {
  web: router.url,
};
