// The one module of typed errors. Every message says what was expected, what was
// found and what to do, so that a user never has to read our source to fix their input.

export interface ErrorDetails {
  /** What was expected, in words. */
  expected?: string;
  /** What was found instead. */
  found?: string;
  /** What the user should do about it. */
  hint?: string;
}

/** Base class: every error the SDK throws on purpose is a HivestormError with a stable `code`. */
export class HivestormError extends Error {
  readonly code: string;
  readonly details: ErrorDetails;

  constructor(code: string, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(formatMessage(message, details), options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** One problem with one field of an input. */
export interface Problem {
  /** Dotted path of the field inside the input, e.g. `stages[2].duration`; empty for the input as a whole. */
  path: string;
  message: string;
}

/**
 * Bad input: a flag, a scenario file, an API body, a plan. Carries every problem found, so that the user fixes
 * them all in one go (everything is validated before anything is applied).
 */
export class ValidationError extends HivestormError {
  readonly input: string;
  readonly problems: readonly Problem[];

  constructor(input: string, problems: readonly Problem[], hint?: string) {
    const list = problems.map((p) => `  - ${p.path ? `${p.path}: ` : ""}${p.message}`).join("\n");
    const noun = problems.length === 1 ? "problem" : "problems";
    super("E_VALIDATION", `${input} is invalid (${problems.length} ${noun}):\n${list}`, { hint });
    this.input = input;
    this.problems = problems;
  }
}

/** A duration string or number that cannot be parsed. */
export class DurationError extends HivestormError {
  constructor(input: unknown, what = "duration") {
    super("E_DURATION", `invalid ${what}: ${JSON.stringify(input)}`, {
      expected: 'a number of milliseconds or a string such as "500ms", "60s", "5m", "1h" or "1m30s"',
      found: describeValue(input),
    });
  }
}

/** A target outside loopback was given without the explicit opt-in. */
export class NonLoopbackTargetError extends HivestormError {
  constructor(target: string, optIn: string) {
    super("E_NON_LOOPBACK", `refusing non-loopback target ${target}`, {
      expected: "an address in 127.0.0.0/8, ::1 or localhost",
      found: target,
      hint: `hivestorm only sends traffic to loopback unless told otherwise; ${optIn}`,
    });
  }
}

/** Something the run needs (a binary, a privilege, a kernel feature) is missing on this machine. */
export class PrerequisiteError extends HivestormError {
  constructor(what: string, details: ErrorDetails = {}) {
    super("E_PREREQUISITE", what, details);
  }
}

/** A fault could not be applied or reverted. */
export class FaultError extends HivestormError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super("E_FAULT", message, details, options);
  }
}

/** A wait ran out of time (a probe, a recovery deadline, a service start). */
export class TimeoutError extends HivestormError {
  constructor(message: string, details: ErrorDetails = {}) {
    super("E_TIMEOUT", message, details);
  }
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (undefined)";
  if (value === null) return "null";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "number") return `the number ${value}`;
  if (Array.isArray(value)) return "an array";
  return `a value of type ${typeof value}`;
}

function formatMessage(message: string, d: ErrorDetails): string {
  const parts = [message];
  if (d.expected) parts.push(`expected: ${d.expected}`);
  if (d.found) parts.push(`found: ${d.found}`);
  if (d.hint) parts.push(`what to do: ${d.hint}`);
  return parts.join("\n  ");
}
