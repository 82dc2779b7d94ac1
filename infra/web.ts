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
import { DASHBOARD_HTML_HEADERS, HSTS_MAX_AGE_SECONDS } from "../packages/functions/src/wiring/web-headers";
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

/**
 * The security headers the local runtime sends (wiring/web-headers.ts), on every response of the
 * Router, plus HSTS. An origin's own CSP, frame and referrer headers win (`override: false`): the
 * ack pages send a stricter policy of their own (no script at all, no referrer).
 */
export const securityHeaders = new aws.cloudfront.ResponseHeadersPolicy("DashboardSecurityHeaders", {
  comment: "Firebreak dashboard: the local runtime's CSP and security headers, and HSTS",
  securityHeadersConfig: {
    contentSecurityPolicy: {
      contentSecurityPolicy: DASHBOARD_HTML_HEADERS["content-security-policy"],
      override: false,
    },
    frameOptions: { frameOption: "DENY", override: false },
    referrerPolicy: { referrerPolicy: DASHBOARD_HTML_HEADERS["referrer-policy"], override: false },
    contentTypeOptions: { override: true },
    strictTransportSecurity: {
      accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
      includeSubdomains: false,
      preload: false,
      override: true,
    },
  },
});

/** The Router has one cache behaviour (its routing is a CloudFront function): the policy goes on it. */
export const router = new sst.aws.Router("Dashboard", {
  transform: {
    cdn: (args) => {
      args.defaultCacheBehavior = $resolve({
        behavior: args.defaultCacheBehavior,
        id: securityHeaders.id,
      }).apply(({ behavior, id }) => ({ ...behavior, responseHeadersPolicyId: id }));
    },
  },
});
for (const prefix of API_PREFIXES) router.route(prefix, api.url);

export const web = new sst.aws.StaticSite("Web", {
  path: WEB_PATH,
  build: WEB_BUILD,
  router: { instance: router },
});

export const outputs = {
  web: router.url,
};
