import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dashboardStaleReason } from "./web-build";

const root = mkdtempSync(join(tmpdir(), "firebreak-web-stale-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

describe("dashboardStaleReason (npm start rebuilds the dashboard only when needed)", () => {
  it("asks for a build when dist is missing, then when a source is newer than dist/index.html", () => {
    mkdirSync(join(root, "src", "views"), { recursive: true });
    writeFileSync(join(root, "index.html"), "<div></div>");
    writeFileSync(join(root, "src", "views", "list.tsx"), "export {}");
    expect(dashboardStaleReason(root)).toBe("not built yet");

    mkdirSync(join(root, "dist"));
    writeFileSync(join(root, "dist", "index.html"), "built");
    for (const file of ["index.html", "src/views/list.tsx", "src/views", "src"]) at(join(root, file), 1000);
    at(join(root, "dist", "index.html"), 2000);
    expect(dashboardStaleReason(root)).toBeNull();

    at(join(root, "src", "views", "list.tsx"), 3000);
    expect(dashboardStaleReason(root)).toBe("sources changed since the last build");
  });
});
