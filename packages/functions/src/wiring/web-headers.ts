/**
 * The dashboard's security headers, in one place for both runtimes: the local runtime's static
 * server sends them (packages/local/src/static-web.ts), and in the cloud the dashboard Router's
 * CloudFront response headers policy does (infra/web.ts). The CSP allows scripts, styles, images
 * and requests from the dashboard's own origin only (the API shares it), and no framing.
 */

export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/** On every HTML page of the dashboard. */
export const DASHBOARD_HTML_HEADERS = {
  "content-security-policy": DASHBOARD_CSP,
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
} as const;

/** On every response. */
export const NOSNIFF = { "x-content-type-options": "nosniff" } as const;

/**
 * Strict-Transport-Security, two years. CloudFront sends it (the dashboard is HTTPS only there);
 * the local runtime serves http://127.0.0.1, where browsers ignore it, so it does not.
 */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;
