// The bug switches: each one a resilience bug that real inference stacks ship, so that the suite can be shown
// to fail. Every service gets every switch and acts on the ones that name it.

export type Service = "queen" | "hive" | "worker";

export interface BugInfo {
  services: readonly Service[];
  what: string;
  /**
   * Built-in scenarios this bug makes fail, on processes and containers alike (measured by running each with the
   * switch); empty when only the demo's own tests catch it.
   */
  fails: readonly string[];
}

export const BUGS = {
  "no-timeouts": {
    services: ["queen"],
    what: "the queen has no connect, first-byte, idle or total timeout: it waits for ever on a silent hive",
    fails: ["NF-001"],
  },
  "no-retry": {
    services: ["queen", "hive"],
    what: "neither the queen nor the hive retries a failed attempt, even before the first token",
    fails: ["NF-003", "NF-005"],
  },
  "no-eviction": {
    services: ["hive"],
    what: "the hive never evicts a worker (missed heartbeats, failed health checks, refused connections)",
    fails: ["WC-001", "WC-002", "WC-003", "WC-005", "RE-002"],
  },
  "crash-on-enospc": {
    services: ["hive"],
    what: "the hive crashes when a model-cache write fails with ENOSPC instead of answering 507",
    fails: ["RE-001"],
  },
  "unbounded-queue": {
    services: ["queen"],
    what: "the queen queues every request with no bound and no wait timeout: latency and memory grow",
    fails: ["stress-combined"],
  },
  "ignore-sigterm": {
    services: ["worker"],
    what: "the worker ignores SIGTERM: no drain, no deregistration; only SIGKILL stops it",
    fails: ["WC-004"],
  },
  "vram-leak": {
    services: ["worker"],
    what: "the worker never releases a request's VRAM: after budget/cost requests it answers 503 for ever",
    fails: ["RE-005", "LT-001"],
  },
  "no-cancel": {
    services: ["queen", "hive"],
    what: "a client that disconnects does not cancel generation upstream: abandoned streams hold capacity",
    fails: [],
  },
  "crash-on-emfile": {
    services: ["queen", "hive", "worker"],
    what: "the service treats EMFILE as fatal and crashes when its descriptors run out",
    fails: ["RE-004"],
  },
  "no-retry-after": {
    services: ["queen", "hive"],
    what: "429 and 503 answers carry no Retry-After header, so clients hammer an overloaded service",
    fails: ["RE-005"],
  },
  "stall-stream": {
    services: ["worker"],
    what: "every stream stops half-way for 3 s: no token, the connection left open, then the rest",
    fails: ["LT-004"],
  },
} as const satisfies Record<string, BugInfo>;

export type BugName = keyof typeof BUGS;

export const BUG_NAMES = Object.keys(BUGS) as BugName[];

/** Problems with a list of bug names; empty when every name is known. */
export function bugProblems(names: readonly string[], where = "--bug"): string[] {
  return names
    .filter((n) => !(n in BUGS))
    .map((n) => `${where}: unknown bug ${JSON.stringify(n)} (known: ${BUG_NAMES.join(", ")})`);
}

/** The switches one service acts on. */
export class Bugs {
  readonly active: ReadonlySet<BugName>;

  constructor(names: readonly string[]) {
    this.active = new Set(names.filter((n): n is BugName => n in BUGS));
  }

  has(name: BugName): boolean {
    return this.active.has(name);
  }

  /** The active bugs that concern `service`, for the startup log line. */
  for(service: Service): BugName[] {
    return [...this.active].filter((n) => (BUGS[n].services as readonly Service[]).includes(service));
  }
}
