// run-all's flags: parsed with zx's minimist, checked all at once (one error naming every bad flag).
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
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
  /** --compose FILE: the services come from this compose file (implies --target docker). */
  compose?: string;
  allowNonLoopback: boolean;
  /** Folders, files or globs of scenarios of one's own (--scenarios, repeatable). */
  scenarios: string[];
  /** Whether the built-in suite under scenarios/ is included (--no-builtin leaves it out). */
  builtin: boolean;
  /** What makes CPU and memory pressure: the built-in hog or stress-ng (--stressor; default: HIVESTORM_STRESSOR, else builtin). */
  stressor?: "builtin" | "stress-ng";
  help: boolean;
}

export const SUITES = ["chaos", "load", "stress"] as const;
/** The time scale's range: below it phases are shorter than a timer tick; above it, longer than a timer waits. */
export const TIME_SCALE_MIN = 0.001;
export const TIME_SCALE_MAX = 1000;
/**
 * --quick: the whole suite in about three minutes. Fault scenarios sit at their floors (baseline, minDuration,
 * recovery window) at any scale below 0.1; this scale is what the load plans (16 to 19 minutes) run at: 12 to 14 s.
 */
export const QUICK_TIME_SCALE = 0.0125;

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
  --compose FILE        the services from a compose file, run as containers (implies --target docker)
  --allow-non-loopback  allow services outside 127.0.0.0/8 (off by default)
  --scenarios PATH      scenarios of your own: a folder, a file or a glob (repeatable; also scenarios: [...] in the config)
  --no-builtin          leave out the built-in suite (run only your own scenarios)
  --stressor KIND       CPU and memory pressure from builtin (default: Node threads, touched pages) or stress-ng
`;

const VALUE_FLAGS = [
  "suite",
  "only",
  "config",
  "time-scale",
  "report-dir",
  "demo-bug",
  "target",
  "scenarios",
  "stressor",
  "compose",
];
const BOOLEAN_FLAGS = ["quick", "dry-run", "strict", "allow-non-loopback", "help", "builtin"];
const KNOWN = new Set([...VALUE_FLAGS, ...BOOLEAN_FLAGS, "h", "_"]);

/** `--time-scale -1` reads -1 as the value, not as a flag named "1" (then refused with the range). */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i].replace(/^--/, "");
    if (argv[i].startsWith("--") && VALUE_FLAGS.includes(flag) && /^-\d|^-\./.test(argv[i + 1] ?? ""))
      out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

export function parseRunAllArgs(argv: string[]): RunAllArgs {
  const a = minimist(joinNegativeValues(argv), {
    string: VALUE_FLAGS,
    boolean: BOOLEAN_FLAGS,
    default: { builtin: true },
    alias: { h: "help" },
  });
  const problems: Problem[] = [];
  for (const k of Object.keys(a))
    if (!KNOWN.has(k)) problems.push({ path: `--${k}`, message: "unknown flag" });
  if (a._.length) problems.push({ path: "arguments", message: `unexpected ${a._.map(String).join(" ")}` });
  // `--quick=maybe`: minimist reads any text but "false" as true; only =true / =false are booleans.
  for (const arg of argv) {
    const m = /^--([^=]+)=(.*)$/.exec(arg);
    if (m && BOOLEAN_FLAGS.includes(m[1]) && !["true", "false"].includes(m[2]))
      problems.push({
        path: `--${m[1]}`,
        message: `takes no value (or =true / =false), found ${JSON.stringify(m[2])}`,
      });
  }
  const list = (flag: string) => {
    const values = a[flag] === undefined ? [] : ([] as string[]).concat(a[flag] as string);
    const items = values.flatMap((s) => String(s).split(",")).map((s) => s.trim());
    if (items.some((s) => s === ""))
      problems.push({
        path: `--${flag}`,
        message: `expected a name, found an empty value in ${JSON.stringify(values.join(" "))}`,
      });
    return items.filter(Boolean);
  };
  const suites = list("suite");
  for (const s of suites)
    if (!(SUITES as readonly string[]).includes(s))
      problems.push({
        path: "--suite",
        message: `unknown suite ${JSON.stringify(s)}; expected ${SUITES.join(", ")}`,
      });
  let timeScale = a.quick && a.quick !== "false" ? QUICK_TIME_SCALE : 1;
  if (a["time-scale"] !== undefined) {
    const text = String(a["time-scale"]).trim();
    timeScale = Number(text);
    // Decimal only: 0x10, 1e9, Infinity are refused, whatever Number() makes of them.
    if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text) || !(timeScale >= TIME_SCALE_MIN && timeScale <= TIME_SCALE_MAX))
      problems.push({
        path: "--time-scale",
        message: `expected a decimal number from ${TIME_SCALE_MIN} to ${TIME_SCALE_MAX} (e.g. 0.1), found ${JSON.stringify(a["time-scale"])}`,
      });
  }
  const only = list("only");
  const demoBugs = list("demo-bug");
  const compose = a.compose === undefined ? undefined : String(a.compose);
  const target = (a.target ?? (compose ? "docker" : "process")) as string;
  if (!["process", "docker"].includes(target))
    problems.push({
      path: "--target",
      message: `expected process or docker, found ${JSON.stringify(target)}`,
    });
  if (compose !== undefined && target === "process")
    problems.push({
      path: "--compose",
      message:
        "a compose file's services run as containers: drop --target process (--compose implies docker)",
    });
  const stressor = a.stressor as string | undefined;
  if (stressor !== undefined && !["builtin", "stress-ng"].includes(stressor))
    problems.push({
      path: "--stressor",
      message: `expected builtin or stress-ng, found ${JSON.stringify(stressor)}`,
    });
  for (const k of ["config", "report-dir", "compose"])
    if (a[k] === "") problems.push({ path: `--${k}`, message: "expected a path" });
  if (problems.length) throw new ValidationError("run-all flags", problems, "see --help");
  return {
    suites: suites.length ? SUITES.filter((s) => suites.includes(s)) : [...SUITES],
    only,
    config: a.config ?? "hivestorm.config.ts",
    timeScale,
    quick: flag(a.quick),
    dryRun: flag(a["dry-run"]),
    strict: flag(a.strict),
    reportDir: a["report-dir"] ?? "reports",
    demoBugs,
    target: target as "process" | "docker",
    ...(compose ? { compose } : {}),
    allowNonLoopback: flag(a["allow-non-loopback"]),
    scenarios: ([] as string[]).concat(a.scenarios ?? []).filter((x) => x !== ""),
    builtin: a.builtin !== false,
    ...(stressor ? { stressor: stressor as "builtin" | "stress-ng" } : {}),
    help: flag(a.help),
  };
}

const flag = (v: unknown) => v === true || v === "true";

/**
 * The report folder must be writable before anything starts: the nearest folder that exists on the way to
 * it is checked. Returns the problem, or undefined.
 */
export function reportDirProblem(root: string, reportDir: string): Problem | undefined {
  let dir = resolve(root, reportDir);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    if (!statSync(dir).isDirectory())
      return { path: "--report-dir", message: `${dir} is a file, not a folder (for ${reportDir})` };
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch {
    return {
      path: "--report-dir",
      message: `cannot write to ${dir} (for ${reportDir}); pick a writable folder`,
    };
  }
}
