// Triggers: when a process fault fires. "inference": once a chosen instance has requests in flight (a crash
// mid-stream); "registration": once an instance is started but not ready (spawned, or listed as loading).
// Both wait on the live system, bounded, and fail loudly when the moment never comes.
import { type Duration, parseDuration } from "../../core/duration.ts";
import { TimeoutError } from "../../core/errors.ts";
import type { Candidate } from "./candidates.ts";

export type TriggerName = "inference" | "registration";

export const TRIGGERS: Readonly<
  Record<TriggerName, { describe: string; eligible: (c: Candidate, t?: Trigger) => boolean }>
> = {
  inference: { describe: "during inference (requests in flight)", eligible: (c) => c.inflight > 0 },
  registration: {
    describe: "during registration (started, not yet ready)",
    eligible: (c, t) => c.state === "loading" || (c.state === "starting" && !t?.listed),
  },
};

export interface Trigger {
  on: TriggerName;
  /** How long to wait for the moment; default 15 s. Not time-scaled: it is how long the system may take. */
  timeout?: Duration;
  /** registration: only instances the owner already lists (registered, not ready), not unlisted children. */
  listed?: boolean;
}

export interface TriggerResult {
  candidates: Candidate[];
  waitedMs: number;
  polls: number;
}

/** Polls `resolve` until some candidate is eligible for the trigger, or throws a TimeoutError. */
export async function waitForTrigger(
  trigger: Trigger,
  selector: string,
  resolve: () => Promise<Candidate[]>,
  signal?: AbortSignal,
): Promise<TriggerResult> {
  const started = Date.now();
  const timeoutMs = parseDuration(trigger.timeout ?? "15s");
  const { eligible, describe } = TRIGGERS[trigger.on];
  let polls = 0;
  let last: Candidate[] = [];
  // A listing that fails once (a busy owner timing out its answer) is one poll lost, not the fault's end.
  let failure: unknown;
  for (;;) {
    try {
      last = await resolve();
      failure = undefined;
    } catch (e) {
      if (signal?.aborted) throw e;
      failure = e;
    }
    polls++;
    if (last.some((c) => eligible(c, trigger)))
      return { candidates: last, waitedMs: Date.now() - started, polls };
    if (Date.now() - started >= timeoutMs || signal?.aborted) break;
    await new Promise((r) => setTimeout(r, 40));
  }
  throw new TimeoutError(`the trigger ${describe} of ${selector} did not come within ${timeoutMs} ms`, {
    expected:
      trigger.on === "inference"
        ? "an instance with requests in flight"
        : "an instance started but not ready",
    found: `${polls} looks; last: ${
      failure
        ? `listing the instances failed: ${failure instanceof Error ? failure.message : String(failure)}`
        : last.map((c) => `${c.id} ${c.state}${c.inflight ? ` ${c.inflight} in flight` : ""}`).join(", ") ||
          "no instances"
    }`,
    hint:
      trigger.on === "inference"
        ? "run traffic against the service while the fault waits (the runner's background traffic does)"
        : "make an instance start (kill one first so that it is replaced) or raise the trigger's timeout",
  });
}
