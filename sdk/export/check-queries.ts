// A scenario's checks as Prometheus queries over the metrics k6's experimental-prometheus-rw output writes
// (k6_http_reqs_total with its expected_response and status labels; trends as k6_http_req_duration_<stat>,
// in seconds, with K6_PROMETHEUS_RW_TREND_STATS). A check is a function: it is named by calling it on empty
// observations, and only the built-in checks, recognised by name, get a query; the rest are listed as not mapped.
import { formatDuration } from "../core/duration.ts";
import type { Check, Observations } from "../runner/expect.ts";

export interface CheckQuery {
  name: string;
  expected: string;
  /** The PromQL to evaluate at the end of the window, or undefined when the check cannot be named in PromQL. */
  query?: string;
  /** Where to evaluate it, or why it is not mapped. */
  note: string;
}

export interface QueryWindows {
  /** The TestRun's testid tag (its name). */
  testid: string;
  baselineMs: number;
  durationMs: number;
  recoveryMs: number;
  windowMs: number;
}

const EMPTY: Observations = {
  windows: {},
  samples: {} as Observations["samples"],
  faults: [],
  data: {},
};

/** The check's name and expected value, from a call on empty observations (a custom check may throw there). */
export function describeCheck(check: Check): { name: string; expected: string } {
  try {
    const r = check(EMPTY);
    return { name: r.name, expected: r.expected };
  } catch {
    return { name: check.name || "a custom check", expected: "(not stated)" };
  }
}

export function checkQueries(checks: readonly Check[], w: QueryWindows): CheckQuery[] {
  return checks.map((c) => queryFor(describeCheck(c), w));
}

function range(ms: number): string {
  return formatDuration(Math.max(ms, 1000)).replace(/\.\d+/, "");
}

function queryFor(c: { name: string; expected: string }, w: QueryWindows): CheckQuery {
  const sel = (extra = "") => `k6_http_reqs_total{testid="${w.testid}"${extra}}`;
  const span: Record<string, { ms: number; at: string }> = {
    before: { ms: w.baselineMs, at: "the end of the baseline node" },
    during: { ms: w.durationMs, at: "the end of the fault node" },
    after: { ms: w.windowMs, at: "the end of the recovery node" },
  };
  const successRate = (ms: number) =>
    `sum(increase(${sel(',expected_response="true"')}[${range(ms)}])) / sum(increase(${sel()}[${range(ms)}]))`;
  let m = /^success rate (before|during|after) the fault$/.exec(c.name);
  const min = /^>= ([\d.]+)%$/.exec(c.expected);
  if (m && min) {
    const s = span[m[1]];
    return { ...c, query: `${successRate(s.ms)} >= ${Number(min[1]) / 100}`, note: `at ${s.at}` };
  }
  m = /^success rate (before|during|after) the fault <= ([\d.]+)%$/.exec(c.expected);
  if (m) {
    const s = span[m[1]];
    return { ...c, query: `${successRate(s.ms)} <= ${Number(m[2]) / 100}`, note: `at ${s.at}` };
  }
  m = /^(p50|p95|p99|max) latency (before|during|after) the fault$/.exec(c.name);
  const bound = /^< ([\d.]+) ms$/.exec(c.expected);
  if (m && bound) {
    const s = span[m[2]];
    const stat = m[1] === "p50" ? "med" : m[1];
    return {
      ...c,
      query: `max_over_time(k6_http_req_duration_${stat}{testid="${w.testid}"}[${range(s.ms)}]) < ${Number(bound[1]) / 1000}`,
      note: `at ${s.at}; the highest of k6's per-push ${stat} values, an upper bound of the window's ${m[1]}`,
    };
  }
  m = /^(p50|p95|p99) increase (during|after) the fault$/.exec(c.name);
  if (m) {
    const s = span[m[2]];
    const stat = m[1] === "p50" ? "med" : m[1];
    const q = (ms: number) =>
      `avg_over_time(k6_http_req_duration_${stat}{testid="${w.testid}"}[${range(ms)}])`;
    return {
      ...c,
      query: `(${q(s.ms)} - ${q(w.baselineMs)} offset ${range(s.ms)}) * 1000`,
      note: `at ${s.at}, in ms; expected ${c.expected}`,
    };
  }
  m = /^failures (before|during|after) the fault are clean ([\d/]+) answers$/.exec(c.name);
  if (m) {
    const s = span[m[1]];
    const statuses = m[2].split("/").join("|");
    return {
      ...c,
      query: `sum(increase(${sel(`,expected_response="false",status!~"${statuses}"`)}[${range(s.ms)}])) == 0`,
      note: `at ${s.at}: no failed request answered with another status (0 is a timeout or a reset)`,
    };
  }
  if (c.name === "recovered after the fault")
    return {
      ...c,
      query: `${successRate(w.windowMs)} >= 0.99`,
      note: `true at some point within ${formatDuration(w.recoveryMs)} of the fault node's end; windows shorter than k6's push interval (K6_PROMETHEUS_RW_PUSH_INTERVAL, 5s by default) are judged at that resolution`,
    };
  if (c.name === "load thresholds")
    return { ...c, note: "k6 thresholds stay k6 thresholds: each runner pod judges them on its share" };
  return {
    ...c,
    note: "not mapped: not a built-in check whose name says what it measures (a custom check, or a custom label)",
  };
}
