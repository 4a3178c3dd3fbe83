// engine "k6": runs the plan's exported script on the `k6` binary when it is on PATH, and reads its
// summary (and --out json points) into the same result model as the embedded engines.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { PrerequisiteError } from "../../core/errors.ts";
import { encodeHistogram, summarize } from "../histogram.ts";
import { Recorder } from "../recorder.ts";
import type { ResolvedPlan } from "../resolve-plan.ts";
import { targetAt } from "../stages.ts";
import type { LoadResult } from "../types.ts";
import { readK6Points } from "./k6-points.ts";
import { k6SummaryToResult, parseK6Summary } from "./k6-summary.ts";

export interface K6RunOptions {
  k6Binary?: string;
  signal?: AbortSignal;
}

/** The absolute path of an executable on PATH (or the path itself if it has a slash), or undefined. */
export function findExecutable(name: string, path = process.env.PATH ?? ""): string | undefined {
  const candidates = name.includes("/")
    ? [name]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {}
  }
  return undefined;
}

export async function runK6(
  plan: ResolvedPlan,
  description: string,
  script: string,
  options: K6RunOptions,
): Promise<LoadResult> {
  const name = options.k6Binary ?? "k6";
  const bin = findExecutable(name);
  if (!bin) {
    throw new PrerequisiteError(`the k6 binary ${JSON.stringify(name)} was not found on PATH`, {
      expected:
        "k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/) on PATH, or k6Binary pointing to it",
      found: `PATH=${process.env.PATH ?? ""}`,
      hint: 'install k6, or run the plan on an embedded engine (omit engine: "k6"), or export it with plan.toK6Script()',
    });
  }
  const dir = await mkdtemp(join(tmpdir(), "hivestorm-k6-"));
  try {
    await writeFile(join(dir, "script.js"), script);
    const startedAt = Date.now();
    const exit = await runChild(bin, dir, plan, options.signal);
    const endedAt = Date.now();
    const summaryText = await readFile(join(dir, "summary.json"), "utf8").catch(() => undefined);
    if (summaryText === undefined) {
      throw new PrerequisiteError(`k6 exited with ${exit.code ?? exit.signal} and wrote no summary`, {
        found: exit.stderr.slice(-2000),
      });
    }
    const result = k6SummaryToResult(parseK6Summary(summaryText), plan, description, startedAt, endedAt);
    const points = await readFile(join(dir, "points.json"), "utf8").catch(() => "");
    const recorder = new Recorder({
      t0: startedAt - performance.timeOrigin,
      model: plan.model,
      plannedAt: (ms) => targetAt(plan.startTarget, plan.stages, ms),
    });
    if (readK6Points(points, recorder) > 0) {
      recorder.finish(endedAt - performance.timeOrigin);
      const totals = recorder.snapshotTotals();
      Object.assign(result, {
        totals: { ...totals, checks: result.totals.checks },
        latency: summarize(recorder.histogram),
        timeline: recorder.timeline,
        histogram: encodeHistogram(recorder.histogram),
      });
    }
    recorder.destroy();
    if (exit.aborted) Object.assign(result, { aborted: true, abortReason: "aborted by the caller" });
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  aborted: boolean;
}

function runChild(bin: string, dir: string, plan: ResolvedPlan, signal?: AbortSignal): Promise<Exit> {
  const args = [
    "run",
    "--quiet",
    "--summary-export",
    "summary.json",
    "--out",
    "json=points.json",
    "script.js",
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let aborted = false;
    child.stderr.on("data", (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-8000);
    });
    // SIGINT makes k6 stop and still write its summary
    const onAbort = () => {
      aborted = true;
      child.kill("SIGINT");
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const deadline = setTimeout(() => child.kill("SIGKILL"), plan.totalMs + plan.gracefulStopMs + 60_000);
    child.on("error", reject);
    child.on("close", (code, sig) => {
      clearTimeout(deadline);
      signal?.removeEventListener("abort", onAbort);
      resolve({ code, signal: sig, stderr, aborted });
    });
  });
}
