// The fluent entry: `load.ramp(0, 1000, "5m").hold("10m").ramp(0, "1m")`, `load.rate(200, "1m")`.
import type { Duration } from "../core/duration.ts";
import { LoadPlan, type SpikeOptions, type StageInput } from "./plan.ts";

export const load = {
  /** Closed model: `users` virtual users from `from` to `to` over `duration`. */
  ramp(from: number, to: number, duration: Duration): LoadPlan {
    return new LoadPlan({ model: "closed", start: from, stages: [{ duration, target: to }] });
  },
  /** Closed model: a constant number of virtual users. */
  constant(users: number, duration: Duration): LoadPlan {
    return new LoadPlan({ model: "closed", start: users, stages: [{ duration, target: users }] });
  },
  /** Closed model: from `base` users up to `peak` in `rise`, hold, back to `base` (see SpikeOptions). */
  spike(base: number, peak: number, options: SpikeOptions = {}): LoadPlan {
    return new LoadPlan({ model: "closed", start: base, stages: [] }).spike(peak, options);
  },
  /** Closed model: k6's ramping-vus stages, starting at `startUsers` (default 0). */
  stages(stages: readonly StageInput[], options: { startUsers?: number } = {}): LoadPlan {
    return new LoadPlan({ model: "closed", start: options.startUsers ?? 0, stages: [...(stages ?? [])] });
  },
  /** Open model: `perSecond` requests started per second for `duration`; chain .ramp() to ramp the rate. */
  rate(perSecond: number, duration: Duration): LoadPlan {
    return new LoadPlan({ model: "open", start: perSecond, stages: [{ duration, target: perSecond }] });
  },
  /** Open model: k6's ramping-arrival-rate stages (targets in requests/s), from `startRate` (default 0). */
  rateStages(stages: readonly StageInput[], options: { startRate?: number } = {}): LoadPlan {
    return new LoadPlan({ model: "open", start: options.startRate ?? 0, stages: [...(stages ?? [])] });
  },
} as const;
