// Checks on responses, as k6's check(): each one is a named predicate; a throw counts as a failure. Checks
// never fail a run by themselves: a threshold on `checks` (a Rate) does.
import type { Recorder } from "./recorder.ts";

/** What a check sees. `status` is 0 and `body` empty when the request got no response. */
export interface CheckResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export type CheckFn = (res: CheckResponse) => boolean;

export interface Check {
  name: string;
  fn: CheckFn;
}

export function runChecks(checks: readonly Check[], res: CheckResponse, recorder: Recorder): void {
  for (const c of checks) {
    let passed = false;
    try {
      passed = c.fn(res) === true;
    } catch {
      passed = false;
    }
    recorder.check(passed);
  }
}
