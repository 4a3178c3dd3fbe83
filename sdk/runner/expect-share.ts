// Checks on captured values: the share of a window's requests whose captured values satisfy a predicate
// ("which backend answered during the fault"). The observed text gives the split per value, so that a failed
// check shows what answered instead.
import { type Captured, valueKey } from "../core/capture.ts";
import { type Problem, ValidationError } from "../core/errors.ts";
import type { SampleColumns, WindowName, WindowStats } from "../core/journal.ts";
import type { Check, Observations } from "./expect.ts";

/** A bound on a share, in [0, 1]: at least `min`, at most `max`, or both. */
export type ShareRange = { min: number; max?: number } | { min?: number; max: number };

const WINDOWS: readonly WindowName[] = ["before", "during", "after"];
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
/** Values shown per capture in the observed text; the rest are summed as "others". */
const SHOWN = 5;

/** The share of requests in `window` whose captured values satisfy `predicate` is within `range`. */
export function share(
  window: WindowName,
  predicate: (r: Captured) => boolean,
  range: ShareRange,
  label?: string,
): Check {
  const problems = shareProblems(window, range);
  if (typeof predicate !== "function")
    problems.push({ path: "predicate", message: "expected a function (r) => boolean over captured values" });
  if (problems.length) throw new ValidationError(`expect.share(${JSON.stringify(window)}, …)`, problems);
  const expected = describeRange(range);
  return (o) => {
    const name = label ?? `share of requests ${window} the fault`;
    const rows = windowRows(o, window);
    if (!rows.length) return { name, expected, observed: "no requests", ok: false };
    let matched = 0;
    try {
      for (const r of rows) if (predicate(r) === true) matched++;
    } catch (error) {
      return { name, expected, observed: `the predicate threw: ${(error as Error).message}`, ok: false };
    }
    const s = matched / rows.length;
    return {
      name,
      expected,
      observed: `${split(rows)} of ${rows.length} (${pct(s)} matched)`,
      ok: s >= (range.min ?? 0) && s <= (range.max ?? 1),
    };
  };
}

/** The share of requests in `window` whose capture `key` equals `value` is within `range`. */
export function captured(
  window: WindowName,
  key: string,
  value: string | null,
  range: ShareRange,
  label?: string,
): Check {
  const check = share(
    window,
    (r) => r[key] === value,
    range,
    label ?? `${key} = ${show(value)} ${window} the fault`,
  );
  return (o) => {
    const r = check(o);
    const have = Object.keys(o.samples.captures ?? {});
    if (have.includes(key)) return r;
    const declared = have.length ? `captured: ${have.join(", ")}` : "the traffic captures nothing";
    return {
      ...r,
      ok: false,
      observed: `no capture named ${show(key)} (${declared}; declare it in traffic.capture)`,
    };
  };
}

/** Problems with a window name and a share range. */
export function shareProblems(window: unknown, range: unknown): Problem[] {
  const problems: Problem[] = [];
  if (!WINDOWS.includes(window as WindowName))
    problems.push({
      path: "window",
      message: `expected "before", "during" or "after", found ${show(window)}`,
    });
  const r = range as { min?: unknown; max?: unknown } | undefined;
  if (typeof r !== "object" || r === null || (r.min === undefined && r.max === undefined))
    problems.push({ path: "range", message: "expected { min } or { max } (or both), fractions in [0, 1]" });
  else
    for (const k of ["min", "max"] as const)
      if (r[k] !== undefined && !(typeof r[k] === "number" && r[k] >= 0 && r[k] <= 1))
        problems.push({ path: `range.${k}`, message: `expected a fraction in [0, 1], found ${show(r[k])}` });
  return problems;
}

function describeRange(r: ShareRange): string {
  const parts = [
    r.min !== undefined ? `>= ${pct(r.min)}` : "",
    r.max !== undefined ? `<= ${pct(r.max)}` : "",
  ];
  return parts.filter(Boolean).join(" and ");
}

/**
 * The captured values of the requests the window's stats counted: those started in [start, end), and for
 * "before" only those finished by its end (requests the fault caught in flight belong to no baseline).
 */
export function windowRows(o: Observations, window: WindowName): Captured[] {
  const w: WindowStats | undefined = o.windows[window];
  if (!w) return [];
  const s: SampleColumns = o.samples;
  const names = Object.keys(s.captures ?? {});
  const rows: Captured[] = [];
  for (let i = 0; i < s.t.length; i++) {
    if (s.t[i] < w.start || s.t[i] >= w.end) continue;
    if (window === "before" && s.t[i] + s.latencyMs[i] > w.end) continue;
    const row: Captured = {};
    for (const n of names) row[n] = s.captures![n][i] ?? null;
    rows.push(row);
  }
  return rows;
}

/** "B: 97%, A: 3%" for one capture; "backend B: 97%, A: 3%; zone eu: 100%" for several. */
function split(rows: readonly Captured[]): string {
  const names = Object.keys(rows[0] ?? {});
  const one = (n: string) => {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(valueKey(r[n]), (counts.get(valueKey(r[n])) ?? 0) + 1);
    const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const shown = sorted.slice(0, SHOWN).map(([v, c]) => `${v}: ${pct(c / rows.length)}`);
    const rest = sorted.slice(SHOWN).reduce((sum, [, c]) => sum + c, 0);
    if (rest) shown.push(`${sorted.length - SHOWN} others: ${pct(rest / rows.length)}`);
    return shown.join(", ");
  };
  if (names.length === 0) return "nothing captured (the traffic declares no capture)";
  if (names.length === 1) return one(names[0]);
  return names.map((n) => `${n} ${one(n)}`).join("; ");
}

function show(v: unknown): string {
  return v === undefined ? "nothing" : JSON.stringify(v);
}
