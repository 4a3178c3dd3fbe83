// Real processes, real signals: every way a run can be told to stop ends in its cleanup hooks, then the
// conventional exit code.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const CHILD = join(import.meta.dirname, "fixtures/shutdown-child.ts");

function start(mode: string, via?: "sh") {
  const marker = join(mkdtempSync(join(tmpdir(), "hs-shutdown-")), "marker");
  const argv = [process.execPath, "--import", "tsx", CHILD, mode, marker];
  const child =
    via === "sh"
      ? spawn("sh", ["-c", `${argv.map((a) => `'${a}'`).join(" ")}; echo done`], {
          stdio: ["ignore", "pipe", "pipe"],
        })
      : spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const ready = new Promise<void>((ok) => child.stderr.on("data", () => stderr.includes("ready") && ok()));
  const exit = new Promise<{ code: number | null; ms: number }>((ok) => {
    let t0 = 0;
    ready.then(() => {
      t0 = Date.now();
    });
    child.once("exit", (code) => ok({ code, ms: Date.now() - t0 }));
  });
  return { child, ready, exit, marker, stderr: () => stderr };
}

describe("shutdown", () => {
  it("one Ctrl-C delivered twice (the group's and tsx's relay, within 500 ms) counts once", async () => {
    const p = start("wait");
    await p.ready;
    p.child.kill("SIGINT");
    p.child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 50));
    p.child.kill("SIGINT");
    assert.equal((await p.exit).code, 130);
    assert.match(readFileSync(p.marker, "utf8"), /cleaned after SIGINT/);
    assert.doesNotMatch(p.stderr(), /still reverting|third time/);
  });

  it("a second SIGINT while reverting does not abandon the revert", async () => {
    const p = start("wait");
    await p.ready;
    p.child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 600));
    p.child.kill("SIGINT");
    const { code } = await p.exit;
    assert.equal(code, 130);
    assert.match(readFileSync(p.marker, "utf8"), /cleaned after SIGINT/);
    assert.match(p.stderr(), /still reverting/);
  });

  it("a third SIGINT forces the exit and names the open ledger entries", async () => {
    const p = start("wait");
    await p.ready;
    for (let i = 0; i < 3; i++) {
      p.child.kill("SIGINT");
      await new Promise((r) => setTimeout(r, 600));
    }
    const { code, ms } = await p.exit;
    assert.equal(code, 130);
    assert.ok(ms < 3000, `exited after ${ms} ms, before the 3 s hook finished`);
    assert.equal(existsSync(p.marker), false);
    assert.match(p.stderr(), /latency 500ms on queen/);
    assert.match(p.stderr(), /watchdog|scripts\/reap\.ts/);
  });

  it("SIGTERM runs the hooks and exits 143", async () => {
    const p = start("wait");
    await p.ready;
    p.child.kill("SIGTERM");
    assert.equal((await p.exit).code, 143);
    assert.match(readFileSync(p.marker, "utf8"), /SIGTERM/);
  });

  it("an unhandled rejection runs the hooks and exits 1", async () => {
    const p = start("reject");
    assert.equal((await p.exit).code, 1);
    assert.match(readFileSync(p.marker, "utf8"), /unhandledRejection/);
    assert.match(p.stderr(), /nobody catches this/);
  });

  it("a broken stdout pipe ends in the same cleanup, without a spin", async () => {
    const p = start("spam");
    await p.ready;
    p.child.stdout.destroy();
    const { code, ms } = await p.exit;
    assert.equal(code, 141);
    assert.ok(ms < 5000, `exited after ${ms} ms`);
    assert.match(readFileSync(p.marker, "utf8"), /EPIPE/);
  });

  it("the death of its launcher (a shell that dies without passing SIGTERM on) counts as SIGTERM", async () => {
    const p = start("wait", "sh");
    await p.ready;
    p.child.kill("SIGKILL"); // the sh: the node process below it is orphaned, and told nothing
    // noticed within a poll (250 ms), then the 3 s hook
    for (let i = 0; i < 80 && !existsSync(p.marker); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(readFileSync(p.marker, "utf8"), /SIGTERM/);
    assert.match(p.stderr(), /launched this one died/);
  });

  it("a process npx launched whose npx is already gone stops as on SIGTERM", async () => {
    const marker = join(mkdtempSync(join(tmpdir(), "hs-shutdown-")), "marker");
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, "wait", marker], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, npm_command: "exec", npm_lifecycle_event: "npx" },
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const code = await new Promise((ok) => child.once("exit", ok));
    assert.equal(code, 143);
    assert.match(stderr, /npx \(npm exec\), gone before this process could watch it/);
    assert.match(readFileSync(marker, "utf8"), /SIGTERM/);
  });
});
