// k6's threshold grammar (metrics/thresholds_parser.go):
//   assertion   = aggregation whitespace* operator whitespace* number
//   aggregation = "count" | "rate" | "value" | "avg" | "min" | "max" | "med" | "p(" number ")"
//   operator    = ">" | ">=" | "<=" | "<" | "==" | "===" | "!="
// Values of time metrics are milliseconds.

export type ThresholdOperator = ">" | ">=" | "<" | "<=" | "==" | "===" | "!=";

export interface ParsedThreshold {
  /** The aggregation as written: "p(95)", "rate", "avg", ... */
  aggregation: string;
  /** For p(N), the percentile N. */
  percentile?: number;
  operator: ThresholdOperator;
  value: number;
}

const ASSERTION =
  /^\s*(count|rate|value|avg|min|max|med|p\(\s*([^)]*)\s*\))\s*(===|==|!=|>=|<=|>|<)\s*(\S+)\s*$/;

/** Parses one expression; returns the parsed form or a message saying what is wrong. */
export function parseThreshold(expression: string): ParsedThreshold | string {
  if (typeof expression !== "string")
    return `expected a string such as "p(95)<500", found ${typeof expression}`;
  const m = ASSERTION.exec(expression);
  if (!m) {
    return `cannot parse threshold expression ${JSON.stringify(expression)}: expected "<aggregation> <operator> <number>", e.g. "p(95)<500" or "rate<0.01"`;
  }
  const value = Number(m[4]);
  if (m[4] === "" || !Number.isFinite(value)) {
    return `threshold expression ${JSON.stringify(expression)}: ${JSON.stringify(m[4])} is not a number`;
  }
  const parsed: ParsedThreshold = {
    aggregation: m[1].replace(/\s+/g, ""),
    operator: m[3] as ThresholdOperator,
    value,
  };
  if (m[2] !== undefined) {
    const p = Number(m[2]);
    if (m[2].trim() === "" || !Number.isFinite(p) || p < 0 || p > 100) {
      return `threshold expression ${JSON.stringify(expression)}: percentile must be a number from 0 to 100, found ${JSON.stringify(m[2])}`;
    }
    parsed.percentile = p;
  }
  return parsed;
}

export function compare(observed: number, op: ThresholdOperator, limit: number): boolean {
  const ops: Record<ThresholdOperator, (a: number, b: number) => boolean> = {
    ">": (a, b) => a > b,
    ">=": (a, b) => a >= b,
    "<": (a, b) => a < b,
    "<=": (a, b) => a <= b,
    "==": (a, b) => a === b,
    "===": (a, b) => a === b,
    "!=": (a, b) => a !== b,
  };
  return ops[op](observed, limit);
}
