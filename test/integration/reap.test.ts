// A run killed with SIGKILL cannot revert its faults; scripts/reap.ts does, from the ledger on disk.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { ensureProxies } from "../../sdk/chaos/toxiproxy-client.ts";
import { startToxiproxy, type ToxiproxyServer } from "../../sdk/toxiproxy/index.ts";

let toxiproxy: ToxiproxyServer;
before(async () => {
  toxiproxy = await startToxiproxy({ host: "127.0.0.1", port: 0 });
  await ensureProxies(toxiproxy.url, [{ name: "hive", listen: "127.0.0.1:0", upstream: "127.0.0.1:9" }]);
});
after(() => toxiproxy.close());

/** Runs reap.ts without blocking: the Toxiproxy it talks to lives in this process. */
function reap(ledger: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/reap.ts", "--ledger", ledger]);
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
});
