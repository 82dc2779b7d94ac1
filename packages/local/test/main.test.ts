import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkJava, JavaMissingError } from "../src/dynamo-local";

const dataDir = mkdtempSync(join(tmpdir(), "firebreak-main-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm start (packages/local/src/main.ts)", () => {
  it("starts, prints what runs where, keeps data in FIREBREAK_DATA_DIR, and stops cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "packages/local/src/main.ts"], {
      env: { ...process.env, PORT: "0", FIREBREAK_DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    // A fresh clone builds the dashboard first (Vite), so allow for that too.
    const deadline = Date.now() + 150_000;
    while (!output.includes("Firebreak is running") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toContain("Firebreak is running");
    expect(output).toMatch(/DynamoDB Local\s+http:\/\/127\.0\.0\.1:\d+/);
    const { url } = JSON.parse(readFileSync(join(dataDir, "runtime.json"), "utf8")) as { url: string };
    expect((await fetch(`${url}/health`)).status).toBe(200);
    // The dashboard is served at / and at client routes, built if it was missing or stale.
    expect(output).toMatch(/Dashboard\s+http:\/\/127\.0\.0\.1:\d+\//);
    for (const route of ["/", "/metrics"]) {
      const page = await fetch(`${url}${route}`);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const html = await page.text();
      expect(html).toContain('<div id="app"></div>');
      expect(html).toMatch(/src="\/assets\/index-[\w-]+\.js"/);
    }
    expect(existsSync(join(dataDir, "dynamodb"))).toBe(true);

    const javaPid = Number(
      spawnSync("pgrep", ["-f", `DynamoDBLocal.*-dbPath ${join(dataDir, "dynamodb")}`], { encoding: "utf8" })
        .stdout.trim()
        .split("\n")[0],
    );
    expect(javaPid).toBeGreaterThan(0);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("Stopped");
    expect(isAlive(javaPid)).toBe(false);
    expect(existsSync(join(dataDir, "runtime.json"))).toBe(false);
  }, 200_000);

  it("explains how to install Java when it is missing", () => {
    expect(() => checkJava("/nonexistent/java")).toThrow(JavaMissingError);
    expect(() => checkJava("/nonexistent/java")).toThrow(/openjdk-17-jre-headless/);
  });
});
