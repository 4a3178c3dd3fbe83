// Resource faults → StressChaos. Chaos Mesh runs its stressors inside the target container's cgroup, as
// hivestorm runs stress-ng inside the target's: CPU and a fixed amount of memory have counterparts; the rest
// (a share of the memory left, disks, descriptors, connections, VRAM) do not.
import { type MappedChaos, type Mapper, podSelectorSpec } from "./mapping.ts";
import type { ContainerSelector } from "./model.ts";
import { refuse } from "./refusal.ts";

function all(o: Parameters<Mapper>[1]): ContainerSelector {
  return {
    selector: podSelectorSpec(o),
    mode: "all",
    ...(o.containerNames?.length ? { containerNames: o.containerNames } : {}),
  };
}

const cpu: Mapper = (json, o): MappedChaos => {
  const load = Number(json.load);
  const workers = Number(json.workers);
  const quota = Number(json.quota);
  return {
    kind: "StressChaos",
    spec: { ...all(o), stressors: { cpu: { workers, load: Math.round(load) } } },
    differences: [
      `hivestorm gives the target a CPU quota of ${quota} for the fault; in Kubernetes the container keeps its own limit (set resources.limits.cpu to ${quota} to match)`,
      "every selected pod is stressed (mode all); hivestorm stresses the one target",
    ],
  };
};

const memory: Mapper = (json, o) => {
  if (typeof json.bytes !== "number")
    refuse(
      String(json.kind),
      `a percentage (${json.percent}%) of the memory the target's limit leaves has no counterpart: Chaos Mesh's size percentage is of the total memory`,
      "StressChaos memory with a size in bytes (the container's limit minus its usage)",
    );
  return {
    kind: "StressChaos",
    spec: { ...all(o), stressors: { memory: { workers: 1, size: `${json.bytes}B` } } },
    differences: [
      "hivestorm lowers the target's memory limit to its usage plus headroom for the fault; in Kubernetes the container keeps its own limit",
      "every selected pod is stressed (mode all); hivestorm stresses the one target",
    ],
  };
};

const refused =
  (reason: string, nearest: string): Mapper =>
  (json) =>
    refuse(String(json.kind), reason, nearest);

export const RESOURCE_MAPPERS: Record<string, Mapper> = {
  "resource-cpu": cpu,
  "resource-memory": memory,
  "resource-disk-fill": refused(
    "Chaos Mesh cannot fill a filesystem",
    "IOChaos fault with errno 28 (ENOSPC) on the volume: writes fail, but the disk is not full (df, reads and space freed by deletes differ)",
  ),
  "resource-fds": refused(
    "Chaos Mesh cannot lower a process's descriptor limit",
    "none; StressChaos stressngStressors with --open exhausts stress-ng's own descriptors, not the target's",
  ),
  "resource-connections": refused(
    "a connection flood is load, not a Chaos Mesh fault",
    "a k6-operator TestRun that holds connections open",
  ),
  "resource-vram": refused(
    "Chaos Mesh has no GPU memory fault",
    "none; a Job on the GPU node that allocates device memory",
  ),
};
