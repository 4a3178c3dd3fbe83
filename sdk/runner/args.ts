// run-all's flags: parsed with zx's minimist, checked all at once (one error naming every bad flag).
import { minimist } from "zx";
import { type Problem, ValidationError } from "../core/errors.ts";

export interface RunAllArgs {
  suites: string[];
  only: string[];
  config: string;
  timeScale: number;
  quick: boolean;
  dryRun: boolean;
  strict: boolean;
  reportDir: string;
  demoBugs: string[];
  target: "process" | "docker";
  allowNonLoopback: boolean;
  /** Folders, files or globs of scenarios of one's own (--scenarios, repeatable). */
  scenarios: string[];
  /** Whether the built-in suite under scenarios/ is included (--no-builtin leaves it out). */
  builtin: boolean;
  help: boolean;
}

export const SUITES = ["chaos", "load", "stress"] as const;
/** --quick: every scenario in a few minutes. */
export const QUICK_TIME_SCALE = 0.05;

const KNOWN = new Set([
  "suite",
  "only",
  "config",
  "time-scale",
  "quick",
  "dry-run",
  "strict",
  "report-dir",
  "demo-bug",
  "target",
  "allow-non-loopback",
  "scenarios",
  "builtin",
  "help",
  "h",
  "_",
]);

export const USAGE = `Usage: npx tsx scripts/run-all.ts [flags]

  --suite NAME          run one suite: chaos, load or stress (repeatable; default all, in that order)
  --only ID[,ID]        run only these scenario ids
  --config FILE         the system definition (default hivestorm.config.ts)
  --time-scale F        scale scenario and load durations by F (e.g. 0.1)
  --quick               every scenario in a few minutes (time scale ${QUICK_TIME_SCALE})
  --dry-run             resolve and print the plan; apply nothing, start nothing
  --strict              a skipped scenario fails the run
  --report-dir DIR      where run directories go (default reports)
  --demo-bug NAME       pass a bug switch to the demo system (repeatable)
  --target KIND         process (default) or docker
  --allow-non-loopback  allow services outside 127.0.0.0/8 (off by default)
  --scenarios PATH      scenarios of your own: a folder, a file or a glob (repeatable; also scenarios: [...] in the config)
  --no-builtin          leave out the built-in suite (run only your own scenarios)
`;

export function parseRunAllArgs(argv: string[]): RunAllArgs {
  const a = minimist(argv, {
    string: ["suite", "only", "config", "time-scale", "report-dir", "demo-bug", "target", "scenarios"],
    boolean: ["quick", "dry-run", "strict", "allow-non-loopback", "help", "builtin"],
    default: { builtin: true },
    alias: { h: "help" },
  });
  const problems: Problem[] = [];
  for (const k of Object.keys(a))
    if (!KNOWN.has(k)) problems.push({ path: `--${k}`, message: "unknown flag" });
  if (a._.length) problems.push({ path: "arguments", message: `unexpected ${a._.map(String).join(" ")}` });
  const list = (v: unknown) =>
    (v === undefined ? [] : ([] as string[]).concat(v as string))
      .flatMap((s) => s.split(","))
      .map((s) => s.trim())
      .filter(Boolean);
  const suites = list(a.suite);
  for (const s of suites)
    if (!(SUITES as readonly string[]).includes(s))
      problems.push({
        path: "--suite",
        message: `unknown suite ${JSON.stringify(s)}; expected ${SUITES.join(", ")}`,
      });
  let timeScale = a.quick ? QUICK_TIME_SCALE : 1;
  if (a["time-scale"] !== undefined) {
    timeScale = Number(a["time-scale"]);
    if (!(Number.isFinite(timeScale) && timeScale > 0))
      problems.push({
        path: "--time-scale",
        message: `expected a number > 0, found ${JSON.stringify(a["time-scale"])}`,
      });
  }
  const target = (a.target ?? "process") as string;
  if (!["process", "docker"].includes(target))
    problems.push({
      path: "--target",
      message: `expected process or docker, found ${JSON.stringify(target)}`,
    });
  for (const k of ["config", "report-dir"])
    if (a[k] === "") problems.push({ path: `--${k}`, message: "expected a path" });
  if (problems.length) throw new ValidationError("run-all flags", problems, "see --help");
  return {
    suites: suites.length ? SUITES.filter((s) => suites.includes(s)) : [...SUITES],
    only: list(a.only),
    config: a.config ?? "hivestorm.config.ts",
    timeScale,
    quick: Boolean(a.quick),
    dryRun: Boolean(a["dry-run"]),
    strict: Boolean(a.strict),
    reportDir: a["report-dir"] ?? "reports",
    demoBugs: list(a["demo-bug"]),
    target: target as "process" | "docker",
    allowNonLoopback: Boolean(a["allow-non-loopback"]),
    scenarios: ([] as string[]).concat(a.scenarios ?? []).filter((x) => x !== ""),
    builtin: a.builtin !== false,
    help: Boolean(a.help),
  };
}
