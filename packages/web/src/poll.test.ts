import { describe, expect, it } from "vitest";
import { ApiError } from "./api";
import { isOutage, MAX_RETRY_MS, POLL_MS, retryDelay } from "./poll";

describe("retrying while the API is down", () => {
  it("polls at the normal pace, then backs off 3 s, 6 s, 12 s, never more than 15 s", () => {
    expect([0, 1, 2, 3, 4, 10, 60].map((n) => retryDelay(n))).toEqual([
      POLL_MS,
      3000,
      6000,
      12_000,
      MAX_RETRY_MS,
      MAX_RETRY_MS,
      MAX_RETRY_MS,
    ]);
    expect(MAX_RETRY_MS).toBe(15_000);
  });

  it("counts an unreachable API and a 5xx as an outage, never a 4xx answer", () => {
    expect(isOutage(new TypeError("Failed to fetch"))).toBe(true);
    expect(isOutage(new ApiError(503, { title: "Service Unavailable", status: 503 }))).toBe(true);
    expect(isOutage(new ApiError(500, { title: "Internal Server Error", status: 500 }))).toBe(true);
    expect(isOutage(new ApiError(404, { title: "Not Found", status: 404 }))).toBe(false);
    expect(isOutage(new ApiError(409, { title: "Conflict", status: 409 }))).toBe(false);
  });
});
