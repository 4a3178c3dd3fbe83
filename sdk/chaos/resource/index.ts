// `chaos.resource`: the fluent entry for resource exhaustion. Each call returns a new immutable spec; `.on()`
// says what it exhausts. CPU and memory pressure run a stressor (the built-in hog, or stress-ng) inside the
// target's cgroup; the disk fill lives on a size-bounded filesystem over the target's data directory;
// descriptors are its own RLIMIT_NOFILE.
import { ConnectionsFault } from "./connections-fault.ts";
import { CpuFault } from "./cpu-fault.ts";
import { DiskFillFault } from "./disk-fill-fault.ts";
import { FdFault } from "./fd-fault.ts";
import { MemoryFault } from "./memory-fault.ts";
import { VramFault } from "./vram-fault.ts";

export const resource = {
  /** CPU saturation: busy workers at `load`% inside the target's cgroup (quota 1 CPU by default). */
  cpu: ({ load = 100 }: { load?: number } = {}) => new CpuFault({ load }),
  /** Memory pressure: a stressor holds `percent`% of what the target's cgroup has left (or `bytes`); >= 100 OOM-kills the target. */
  memory: (o: { percent: number } | { bytes: number }) => new MemoryFault(o),
  disk: {
    /** Fills a size-bounded filesystem over the target's data directory to `percent`%. */
    fill: ({ percent = 100 }: { percent?: number } = {}) => new DiskFillFault({ percent }),
  },
  /** Lowers the target's RLIMIT_NOFILE to its open descriptors + `leave`. */
  fds: ({ leave = 8 }: { leave?: number } = {}) => new FdFault({ leave }),
  /** Holds `count` concurrent connections open to a loopback address (idle, or `.slow()`). */
  connections: (count: number) => new ConnectionsFault({ count }),
  /** Occupies `percent`% of VRAM: the demo's simulated budget, or a real NVIDIA device with `.device(i)`. */
  vram: ({ percent = 100 }: { percent?: number } = {}) => new VramFault({ percent }),
};

export { type ConnectionStats, ConnectionsFault } from "./connections-fault.ts";
export { CpuFault } from "./cpu-fault.ts";
export { DiskFillFault } from "./disk-fill-fault.ts";
export { FdFault } from "./fd-fault.ts";
export { MemoryFault } from "./memory-fault.ts";
export { RESOURCE_REAPERS } from "./reapers.ts";
export type { Observer, ResourceObservation } from "./resource-fault.ts";
export { stressNgMissing } from "./stress-ng.ts";
export {
  chosenStressor,
  STRESSOR_ENV,
  STRESSORS,
  type StressorName,
  stressorMissing,
} from "./stressor.ts";
export type { ResourceTarget } from "./target-ref.ts";
export { scopeMissing } from "./target-scope.ts";
export { VramFault } from "./vram-fault.ts";
