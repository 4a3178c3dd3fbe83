// A run killed with SIGKILL cannot revert its faults; scripts/reap.ts does, from the ledger on disk.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { ensureProxies } from "../../sdk/chaos/toxiproxy-client.ts";
import { processStartTime } from "../../sdk/core/process-identity.ts";
import { dockerAvailability } from "../../sdk/system/targets/index.ts";
import { startToxiproxy, type ToxiproxyServer } from "../../sdk/toxiproxy/index.ts";

let toxiproxy: ToxiproxyServer;
before(async () => {
  toxiproxy = await startToxiproxy({ host: "127.0.0.1", port: 0 });
  await ensureProxies(toxiproxy.url, [{ name: "hive", listen: "127.0.0.1:0", upstream: "127.0.0.1:9" }]);
});
after(() => toxiproxy.close());

/** Runs reap.ts without blocking: the Toxiproxy it talks to lives in this process. */
function reap(
  ledger: string,
  ...flags: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [
      "--import",
      "tsx",
      "scripts/reap.ts",
      "--ledger",
      ledger,
      ...flags,
    ]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("exit", (status) => done({ status, stdout, stderr }));
  });
}

const toxics = async () =>
  (await (await fetch(`${toxiproxy.url}/proxies/hive/toxics`)).json()) as { name: string }[];

describe("scripts/reap.ts", () => {
  it("reverts the faults of a run that was SIGKILLed, then removes the ledger", async () => {
    const ledger = join(mkdtempSync(join(tmpdir(), "hs-reap-")), "ledger.json");
    const sdk = resolve("sdk/index.ts");
    const code = `
      import { chaos, createChaosContext, CleanupLedger } from ${JSON.stringify(sdk)};
      const ctx = createChaosContext({ toxiproxyUrl: ${JSON.stringify(toxiproxy.url)}, proxies: { hive: "hive" },
        ledger: new CleanupLedger({ file: ${JSON.stringify(ledger)} }) });
      await chaos.network.latency(1000).on("hive").apply(ctx);
      await chaos.network.down().on("hive").apply(ctx);
      console.log("applied");
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((ok, fail) => {
      child.stdout.on("data", (d) => String(d).includes("applied") && ok());
      child.once("exit", (c) => fail(new Error(`child exited ${c}`)));
    });
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));

    assert.equal((await toxics()).length, 1, "the killed run left its latency toxic");
    const proxy = (await (await fetch(`${toxiproxy.url}/proxies/hive`)).json()) as { enabled: boolean };
    assert.equal(proxy.enabled, false, "and its proxy disabled");
    assert.equal(JSON.parse(readFileSync(ledger, "utf8")).entries.length, 2);

    const r = await reap(ledger);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /reverted: down: the proxy in front of hive/);
    assert.match(r.stdout, /reverted: latency 1000ms on hive/);
    assert.deepEqual(await toxics(), []);
    assert.equal(
      ((await (await fetch(`${toxiproxy.url}/proxies/hive`)).json()) as { enabled: boolean }).enabled,
      true,
    );
    assert.equal(existsSync(ledger), false);
  });

  it("leaves a live run's ledger alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-reap-"));
    const ledger = join(dir, "ledger.json");
    const live = {
      version: 1,
      entries: [
        {
          id: "1",
          description: "x",
          pid: process.ppid,
          kind: "toxiproxy-enable",
          url: "http://127.0.0.1:1",
          proxy: "p",
        },
      ],
    };
    writeFileSync(ledger, JSON.stringify(live));
    const r = await reap(ledger);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /still alive/);
    assert.equal(existsSync(ledger), true);
  });

  it("says the toxics of a killed run's embedded Toxiproxy went with it, and exits 0", async () => {
    const ledger = join(mkdtempSync(join(tmpdir(), "hs-reap-")), "ledger.json");
    const sdk = resolve("sdk/index.ts");
    // The run's own Toxiproxy lives in the run: SIGKILL takes both.
    const code = `
      import { chaos, createChaosContext, CleanupLedger, startToxiproxy } from ${JSON.stringify(sdk)};
      const server = await startToxiproxy({ host: "127.0.0.1", port: 0 });
      await fetch(server.url + "/proxies", { method: "POST", body: JSON.stringify({ name: "queen", listen: "127.0.0.1:0", upstream: "127.0.0.1:9" }) });
      const ctx = createChaosContext({ toxiproxyUrl: server.url, proxies: { queen: "queen" },
        ledger: new CleanupLedger({ file: ${JSON.stringify(ledger)} }) });
      await chaos.network.latency(1000).on("queen").apply(ctx);
      console.log("applied");
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((ok, fail) => {
      child.stdout.on("data", (d) => String(d).includes("applied") && ok());
      child.once("exit", (c) => fail(new Error(`child exited ${c}`)));
    });
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));

    const dry = await reap(ledger, "--dry-run");
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /would settle: latency 1000ms on queen \(downstream\) \(toxiproxy-toxics/);
    assert.equal(existsSync(ledger), true, "a dry run changes nothing");

    const r = await reap(ledger);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /gone: latency 1000ms on queen \(downstream\): the Toxiproxy at http:\/\/127\.0\.0\.1:\d+ is not running/,
    );
    assert.equal(existsSync(ledger), false);
  });

  it("--containers removes a dead run's containers and never a live run's", async (t) => {
    const docker = await dockerAvailability();
    if (!docker.ok) return t.skip(`no Docker engine: ${docker.reason}`);
    // A container is enough to be listed and removed: an empty image, created, never started.
    const image = "hivestorm-test/empty:reap";
    const tar = join(mkdtempSync(join(tmpdir(), "hs-reap-")), "empty.tar");
    execFileSync("tar", ["cf", tar, "--files-from", "/dev/null"]);
    execFileSync("docker", ["import", tar, image], { stdio: "ignore" });
    const suffix = String(process.pid);
    const make = (name: string, owner: string) =>
      execFileSync(
        "docker",
        [
          "create",
          "--name",
          name,
          "--label",
          "hivestorm=1",
          "--label",
          `hivestorm.owner=${owner}`,
          image,
          "/none",
        ],
        { stdio: "ignore" },
      );
    const live = `hs-reap-live-${suffix}`;
    const dead = `hs-reap-dead-${suffix}`;
    make(live, `${process.pid}:${processStartTime(process.pid)}`);
    make(dead, "4199999:1");
    try {
      const r = await reap(join(tmpdir(), `hs-no-ledger-${suffix}.json`), "--containers");
      assert.match(r.stdout, new RegExp(`removed: container ${dead}`));
      assert.match(
        r.stdout,
        new RegExp(`container ${live} belongs to the live run with pid ${process.pid}; left alone`),
      );
      const names = execFileSync("docker", ["ps", "-a", "--format", "{{.Names}}"], { encoding: "utf8" });
      assert.ok(names.includes(live));
      assert.ok(!names.includes(dead));
    } finally {
      execFileSync("docker", ["rm", "-f", live, dead], { stdio: "ignore" });
    }
  });
});
