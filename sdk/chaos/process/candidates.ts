// What a process fault acts on: candidates found at apply time (a service's own process or container, or one
// of the instances behind it), each with a target that can be killed, stopped, paused or OOM-killed.
import type { Target } from "../../system/targets/target.ts";

/** "starting": spawned but not yet listed; the others are what the owning service reports. */
export type CandidateState = "starting" | "loading" | "ready" | "draining" | string;

export interface Candidate {
  /** The name in reports: the instance id ("worker-3") or the service name. */
  id: string;
  /** The service that owns it (for instances) or is it. */
  service: string;
  state: CandidateState;
  /** Requests in flight on it, when the owner reports them. */
  inflight: number;
  pid?: number;
  url?: string;
  container?: string;
  slot?: number;
  target: Target;
}

/** What the chaos context's `targets` resolver returns for a selector, freshly each call. */
export type CandidateResolver = (selector: string) => Promise<Candidate[]>;

export function isCandidate(x: unknown): x is Candidate {
  const c = x as Candidate;
  return typeof c === "object" && c !== null && typeof c.id === "string" && typeof c.target === "object";
}

export function describeCandidate(c: Candidate): string {
  const where = [
    c.pid ? `pid ${c.pid}` : "",
    c.container ? `container ${c.container}` : "",
    c.url ? c.url : "",
    `${c.state}`,
    c.inflight ? `${c.inflight} in flight` : "",
  ].filter(Boolean);
  return `${c.id} (${where.join(", ")})`;
}
