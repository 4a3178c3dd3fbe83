import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../../notebooks/lib/run-select.ts";

const run = promisify(execFile);
const CLI = join(PROJECT_ROOT, "scripts", "notebooks.ts");

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", CLI, ...args], {
      cwd: PROJECT_ROOT,
      // A start through tsx, bounded generously: beside other test files on two busy cores it took over 30 s.
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("scripts/notebooks.ts", () => {
  it("rejects a bad command line with every problem at once, exit 2, changing nothing", async () => {
    const r = await cli("frobnicate", "--port", "99999");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the command line is invalid \(2 problems\)/);
    assert.match(
      r.stderr,
      /command: expected one of exec, build, check, open, serve, preview, sample, found "frobnicate"/,
    );
    assert.match(r.stderr, /--port: expected a port number/);
  });

  it("names the file when the run is not a hivestorm journal", async () => {
    const r = await cli("build", "--run", "package.json");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /package\.json is invalid/);
    assert.match(r.stderr, /schema/);
  });

  it("prints its usage on --help", async () => {
    const r = await cli("--help");
    assert.equal(r.code, 0);
    assert.match(r.stdout, /usage: npx tsx scripts\/notebooks\.ts <command>/);
  });
});
