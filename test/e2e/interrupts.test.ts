// Interrupts, the way users and CI systems send them, at random moments of real `npx tsx scripts/run-all.ts
// --quick` runs: each trial is followed by a snapshot of what it left (ports, processes, the hive's tmpfs,
// cgroups, the ledger). Zero leftovers is the only pass. SIGKILL trials get no reap.ts: the run's dead-man
// switch alone must clean up within its bound; when the switch is killed too, reap.ts --containers must. A few
// trials run the demo in containers (--target docker): then the run's containers count as leftovers too. A last
// trial hands reap.ts a stale ledger made by hand.
//   HIVESTORM_TRIALS=30 HIVESTORM_TRIAL_SEED=1234 node --import tsx --test test/e2e/interrupts.test.ts
//   HIVESTORM_TRIALS=0 HIVESTORM_DOCKER_TRIALS=20 HIVESTORM_TRIAL_COVER=1 ...   every route in turn, on docker
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { processStartTime } from "../../sdk/core/process-identity.ts";
import { dockerAvailability, dockerClient } from "../../sdk/system/targets/docker-engine.ts";
import { shifted } from "../integration/run-all-child.ts";
import {
  cacheDirFor,
  containerLeftovers,
  demoContainerNames,
  leftovers,
  markedProcesses,
  type Route,
  runnerBelow,
  sampleTrials,
  snapshot,
  type Trial,
} from "./interrupt-trials.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const SEED = Number(process.env.HIVESTORM_TRIAL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const COUNT = Number(process.env.HIVESTORM_TRIALS ?? 4);
const DOCKER_COUNT = Number(process.env.HIVESTORM_DOCKER_TRIALS ?? 2);
const COVER = process.env.HIVESTORM_TRIAL_COVER === "1";
/** The dead-man bound (docs/cleanup.md), and how long a signalled run may take to revert and stop. */
const BOUND_MS = 2000;
const STOP_MS = 90_000;
/** Removing a run's six containers goes through the engine one by one: a bound of its own. */
const DOCKER_BOUND_MS = 10_000;
const OFFSET = shifted(500);
const PORTS = [8080, 8081, 9200, 9201, 9300, 9301, 9302, 9303].map((p) => p + OFFSET);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lines: string[] = [];
/** Keeps a trial's line for the summary and prints it at once (a long matrix shows its progress). */
const say = (line: string) => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

process.stdout.write(
  `interrupt trials: seed ${SEED}, ${COUNT} trial(s), ${DOCKER_COUNT} on docker (replay: HIVESTORM_TRIAL_SEED=${SEED} HIVESTORM_TRIALS=${COUNT} HIVESTORM_DOCKER_TRIALS=${DOCKER_COUNT}${COVER ? " HIVESTORM_TRIAL_COVER=1" : ""})\n`,
);
after(() => process.stdout.write(`\n${lines.join("\n")}\n`));

function send(route: Route, npx: number, runner: number | undefined, ledger: string): void {
  const to = (pid: number | undefined, sig: NodeJS.Signals) => {
    if (pid === undefined) return;
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  if (route === "SIGINT to the runner") to(runner, "SIGINT");
  else if (route === "SIGTERM to the runner") to(runner, "SIGTERM");
  else if (route === "SIGINT to the process group") to(-npx, "SIGINT");
  else if (route === "SIGTERM to the process group") to(-npx, "SIGTERM");
  else if (route === "SIGINT twice to the process group") {
    to(-npx, "SIGINT");
    setTimeout(() => to(-npx, "SIGINT"), 300);
  } else if (route === "SIGTERM to npx") to(npx, "SIGTERM");
  else if (route === "SIGINT to npx, then SIGKILL to npx") {
    to(npx, "SIGINT");
    setTimeout(() => to(npx, "SIGKILL"), 5000);
  } else if (route === "SIGKILL to npx") to(npx, "SIGKILL");
  else if (route === "SIGKILL to the runner") to(runner, "SIGKILL");
  else {
    to(watchdogOf(ledger), "SIGKILL");
    to(runner, "SIGKILL");
  }
}

/** The dead-man switch a run recorded in its ledger. */
function watchdogOf(ledger: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(ledger, "utf8")) as { watchdog?: { pid: number } }).watchdog?.pid;
  } catch {
    return undefined;
  }
}

/** Whether a pid is alive (a zombie counts as gone). */
function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Stops whatever a trial left, so that the next trial (and the machine) starts clean. */
async function janitor(marker: string, ledger: string, cacheDir: string, docker = false): Promise<void> {
  for (const pid of markedProcesses(marker)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  spawnSync(process.execPath, ["--import", "tsx", "scripts/reap.ts", "--ledger", ledger, "--force"], {
    cwd: ROOT,
    stdio: "ignore",
  });
  if (readFileSync("/proc/mounts", "utf8").includes(` ${cacheDir} `)) spawnSync("umount", ["-l", cacheDir]);
  if (docker)
    for (const name of demoContainerNames(OFFSET))
      await dockerClient()
        .getContainer(name)
        .remove({ force: true })
        .catch(() => {});
}

async function runTrial(t: TestContext, trial: Trial): Promise<void> {
  const id = `${SEED}-${trial.index}-${process.pid}`;
  const marker = `HIVESTORM_TRIAL_ID=${id}`;
  const dir = mkdtempSync(join(tmpdir(), "hs-interrupt-"));
  const ledger = join(dir, "ledger.json");
  const cacheDir = cacheDirFor(OFFSET);
  const log = openSync(join(dir, "run.out"), "a");
  const t0 = Date.now();
  const docker = trial.target === "docker";
  const npx = spawn(
    "npx",
    [
      ...[
        "tsx",
        "scripts/run-all.ts",
        "--quick",
        "--suite",
        trial.suite,
        "--report-dir",
        join(dir, "reports"),
      ],
      ...(docker ? ["--target", "docker"] : []),
    ],
    {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", log, log],
      env: {
        ...process.env,
        HIVESTORM_TRIAL_ID: id,
        HIVESTORM_PORT_OFFSET: String(OFFSET),
        HIVESTORM_LEDGER: ledger,
      },
    },
  );
  closeSync(log);
  let npxExit: number | string | null | undefined;
  npx.once("exit", (code, sig) => {
    npxExit = code ?? sig;
  });
  // Every pid of the trial (for cgroups named after a target), and whether the run armed a dead-man switch.
  const seen = new Set<number>();
  let armed = false;
  const sampler = setInterval(() => {
    for (const p of markedProcesses(marker)) seen.add(p);
    try {
      armed ||= Boolean(JSON.parse(readFileSync(ledger, "utf8")).watchdog);
    } catch {
      // no ledger yet
    }
  }, 250);
  let runner: number | undefined;
  try {
    while (Date.now() - t0 < trial.atMs && npxExit === undefined) {
      runner = runnerBelow(npx.pid!, marker) ?? runner;
      await sleep(100);
    }
    const finishedFirst = npxExit !== undefined;
    const sentAt = Date.now();
    if (!finishedFirst) send(trial.route, npx.pid!, runner, ledger);
    const kill = trial.route === "SIGKILL to the runner";
    const reap = trial.route.endsWith("reap.ts --containers");
    // After SIGKILL the dead-man switch alone acts: within its bound every process the run started is gone
    // and its ports are free (the watchdog itself may still be undoing changes: cgroups, stress processes).
    // Containers take longer to remove than processes to die: their bound is DOCKER_BOUND_MS.
    let boundLeft: string[] = [];
    if (kill && !finishedFirst) {
      await sleep(BOUND_MS);
      const atBound = snapshot({ marker, ports: docker ? [] : PORTS, cacheDir, ledger, seenPids: seen });
      boundLeft = [...atBound.ports, ...atBound.processes.filter((p) => !p.includes("watchdog"))];
      if (docker) {
        await sleep(DOCKER_BOUND_MS - BOUND_MS);
        const ports = snapshot({ marker, ports: PORTS, cacheDir, ledger, seenPids: seen }).ports;
        boundLeft.push(
          ...ports.map((p) => `at the ${DOCKER_BOUND_MS} ms bound for containers: ${p}`),
          ...(await containerLeftovers(seen, demoContainerNames(OFFSET))).map(
            (c) => `at the ${DOCKER_BOUND_MS} ms bound for containers: ${c}`,
          ),
        );
      }
    }
    let reapOut = "";
    if (reap && !finishedFirst) {
      while (Date.now() - sentAt < 10_000 && alive(runner)) await sleep(50);
      const r = spawnSync("npx", ["tsx", "scripts/reap.ts", "--ledger", ledger, "--containers"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, HIVESTORM_TRIAL_ID: "" },
      });
      reapOut = `reap.ts exit ${r.status}, `;
    }
    while (Date.now() - sentAt < (kill || reap ? 15_000 : STOP_MS) && markedProcesses(marker).length)
      await sleep(50);
    const stoppedMs = Date.now() - sentAt;
    await sleep(200);
    const snap = snapshot({ marker, ports: PORTS, cacheDir, ledger, seenPids: seen });
    const containers = docker ? await containerLeftovers(seen, demoContainerNames(OFFSET)) : [];
    const left = [
      ...boundLeft.map((l) => (l.startsWith("at the") ? l : `at the ${BOUND_MS} ms bound: ${l}`)),
      ...leftovers(snap),
      ...containers,
    ];
    say(
      `trial ${trial.index} (seed ${SEED}, ${trial.target}): --suite ${trial.suite}, ${trial.route} at ${(trial.atMs / 1000).toFixed(1)} s` +
        `${finishedFirst ? " (the run had already ended)" : ""}: npx exit ${String(npxExit)}, ${reapOut}all stopped after ${stoppedMs} ms, ` +
        `${left.length} leftover(s)${left.length ? `: ${left.slice(0, 6).join("; ")}${left.length > 6 ? "; …" : ""}` : ""}`,
    );
    if (kill && !armed && left.length)
      t.todo("the runner does not open its ledger with openRunLedger yet: no dead-man switch armed");
    assert.deepEqual(
      left,
      [],
      `leftovers after ${trial.route} (replay with HIVESTORM_TRIAL_SEED=${SEED}); run output in ${dir}/run.out`,
    );
  } finally {
    clearInterval(sampler);
    await janitor(marker, ledger, cacheDir, docker);
  }
}

describe("interrupts leave nothing behind", { timeout: COUNT * 180_000 + 120_000 }, () => {
  for (const trial of sampleTrials(SEED, COUNT, 2000, 30_000, "process", COVER))
    it(`trial ${trial.index}: --suite ${trial.suite}, ${trial.route} at ${(trial.atMs / 1000).toFixed(1)} s`, (t) =>
      runTrial(t, trial));

  it("a reader that goes away (run-all 2>&1 | head -n 3) ends in the same cleanup, without a spin", async () => {
    const id = `${SEED}-pipe-${process.pid}`;
    const marker = `HIVESTORM_TRIAL_ID=${id}`;
    const dir = mkdtempSync(join(tmpdir(), "hs-interrupt-"));
    const ledger = join(dir, "ledger.json");
    const cacheDir = cacheDirFor(OFFSET);
    const seen = new Set<number>();
    const sampler = setInterval(() => {
      for (const p of markedProcesses(marker)) seen.add(p);
    }, 250);
    const t0 = Date.now();
    try {
      const sh = spawn(
        "sh",
        [
          "-c",
          `npx tsx scripts/run-all.ts --quick --suite chaos --report-dir ${join(dir, "reports")} 2>&1 | head -n 3`,
        ],
        {
          cwd: ROOT,
          stdio: "ignore",
          env: {
            ...process.env,
            HIVESTORM_TRIAL_ID: id,
            HIVESTORM_PORT_OFFSET: String(OFFSET),
            HIVESTORM_LEDGER: ledger,
          },
        },
      );
      await new Promise((r) => sh.once("exit", r));
      while (Date.now() - t0 < STOP_MS && markedProcesses(marker).length) await sleep(100);
      const left = leftovers(snapshot({ marker, ports: PORTS, cacheDir, ledger, seenPids: seen }));
      lines.push(
        `closed output pipe: all stopped ${Date.now() - t0} ms after the launch, ${left.length} leftover(s)${left.length ? `: ${left.slice(0, 4).join("; ")}` : ""}`,
      );
      assert.deepEqual(left, []);
    } finally {
      clearInterval(sampler);
      await janitor(marker, ledger, cacheDir);
    }
  });

  it("reap.ts settles a stale ledger made by hand", async () => {
    const id = `${SEED}-stale-${process.pid}`;
    const marker = `HIVESTORM_TRIAL_ID=${id}`;
    const dir = mkdtempSync(join(tmpdir(), "hs-interrupt-"));
    const ledger = join(dir, "ledger.json");
    const scratch = join(dir, "scratch");
    mkdirSync(scratch);
    const group = spawn("sh", ["-c", "sleep 300 & sleep 301 & wait"], {
      detached: true,
      stdio: "ignore",
      env: { ...process.env, HIVESTORM_TRIAL_ID: id },
    });
    group.unref();
    const entry = (n: number, description: string, reap: Record<string, unknown>) => ({
      id: String(n),
      description,
      appliedAt: 0,
      reap,
    });
    writeFileSync(
      ledger,
      JSON.stringify({
        version: 2,
        owner: { pid: 4_190_000, startTime: "1" },
        entries: [
          entry(1, "service queen", {
            kind: "process",
            pid: group.pid,
            startTime: processStartTime(group.pid!),
            group: true,
          }),
          entry(2, "scratch folder", { kind: "temp-folder", path: scratch }),
          entry(3, "latency on queen", {
            kind: "toxiproxy-toxics",
            url: "http://127.0.0.1:1",
            proxy: "queen",
            toxics: ["l"],
          }),
        ],
      }),
    );
    try {
      const r = spawnSync("npx", ["tsx", "scripts/reap.ts", "--ledger", ledger], {
        cwd: ROOT,
        encoding: "utf8",
      });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /gone: latency on queen/);
      await sleep(100);
      const left = leftovers(
        snapshot({ marker, ports: [], cacheDir: "/nonexistent", ledger, seenPids: new Set() }),
      );
      lines.push(
        `stale ledger: reap.ts exit ${r.status}, ${left.length} leftover(s)${left.length ? `: ${left.join("; ")}` : ""}`,
      );
      assert.deepEqual(left, []);
    } finally {
      await janitor(marker, ledger, "/nonexistent");
    }
  });
});

describe("interrupts on --target docker leave nothing behind", {
  skip: await dockerSkip(),
  timeout: DOCKER_COUNT * 180_000 + 180_000,
}, () => {
  before(() => {
    // The demo's image (built once; a second build with the same inputs does nothing).
    const r = spawnSync("npx", ["tsx", "scripts/build-images.ts"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  });
  // Another seed than the process trials', derived from the same one, so that one seed replays both.
  for (const trial of sampleTrials(SEED + 1, DOCKER_COUNT, 2000, 30_000, "docker", COVER))
    it(`docker trial ${trial.index}: --suite ${trial.suite}, ${trial.route} at ${(trial.atMs / 1000).toFixed(1)} s`, (t) =>
      runTrial(t, trial));
});

/** Why the docker trials cannot run here (no engine), or false. */
async function dockerSkip(): Promise<string | false> {
  if (DOCKER_COUNT <= 0) return "HIVESTORM_DOCKER_TRIALS=0";
  const a = await dockerAvailability();
  return a.ok ? false : `${a.reason}; start it with \`bash .ci/setup-docker.sh\``;
}
