/**
 * The one place where an API Gateway event is fixed up before Bolt's `AwsLambdaReceiver` sees it.
 * It works around two receiver bugs (see docs/notes/slack-bolt-lambda.md):
 *
 * 1. With `isBase64Encoded: true` (an HTTP API sends form bodies base64-encoded) the receiver
 *    decodes the body as ASCII, which mangles raw UTF-8 (a JSON body with "ÄÖÜ ✅"). Here the body
 *    is decoded as UTF-8 and the event marked `isBase64Encoded: false`.
 * 2. The receiver compares the Content-Type with `===`, so
 *    `application/x-www-form-urlencoded; charset=utf-8` falls through to `JSON.parse` and throws.
 *    Here the parameters (`; charset=…`) are stripped and the media type lower-cased, whatever the
 *    header name's case.
 *
 * Pure: returns a new event, never changes the one given.
 */

/** The parts of an API Gateway (payload v1 or v2) event this module reads. */
export interface SlackHttpEvent {
  body?: string | null;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined> | null;
}

/** The media type alone: `Application/JSON; charset=UTF-8` → `application/json`. */
export function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  return contentType.split(";")[0]!.trim().toLowerCase();
}

/** A header's value, looked up case-insensitively. */
export function headerValue(
  headers: Record<string, string | undefined> | null | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

export function normaliseSlackEvent<E extends SlackHttpEvent>(event: E): E {
  const out: E = { ...event };
  if (event.isBase64Encoded && typeof event.body === "string") {
    out.body = Buffer.from(event.body, "base64").toString("utf8");
    out.isBase64Encoded = false;
  }
  if (event.headers) {
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(event.headers)) {
      headers[name] = name.toLowerCase() === "content-type" ? mediaType(value) : value;
    }
    out.headers = headers;
  }
  return out;
}
