// Process faults → PodChaos. A SIGKILL is a pod-kill with no grace (or a container-kill when containers are
// named), a graceful stop is a pod-kill with gracePeriod; pause, OOM and triggers have no faithful counterpart.
import { parseDuration } from "../../core/duration.ts";
import { type MappedChaos, type Mapper, selection } from "./mapping.ts";
import type { PodChaosSpec } from "./model.ts";
import { refuse } from "./refusal.ts";

interface ProcessJson {
  kind: string;
  action: { type: string; signal?: string; grace?: string | number };
  count?: number;
  percent?: number;
  when?: { on: string };
}

function selected(j: ProcessJson, o: Parameters<Mapper>[1]) {
  if (j.when)
    refuse(
      j.kind,
      `the trigger .when("${j.when.on}") picks the moment from the target's state; Chaos Mesh acts when the template starts`,
      "the same PodChaos without the trigger (under load a worker is usually busy, but not surely)",
    );
  return selection(j as unknown as Record<string, unknown>, o, (reason) =>
    refuse(j.kind, reason, "mode fixed with a count of pods"),
  );
}

const percentNote = (j: ProcessJson): string[] =>
  j.percent === undefined
    ? []
    : [
        "fixed-percent rounds up (ceil of pods × percent); hivestorm rounds to the nearest, at least one: they can differ by one pod",
      ];

const kill: Mapper = (json, o): MappedChaos => {
  const j = json as unknown as ProcessJson;
  const signal = j.action.signal ?? "SIGKILL";
  if (signal !== "SIGKILL")
    refuse(
      j.kind,
      `Kubernetes cannot send ${signal} alone: it sends the container's stop signal, then SIGKILL after the grace period`,
      "process-stop → PodChaos pod-kill with gracePeriod",
    );
  const sel = selected(j, o);
  const containerKill = Boolean(o.containerNames?.length);
  const spec: PodChaosSpec = containerKill
    ? { ...sel, action: "container-kill" }
    : { ...sel, action: "pod-kill", gracePeriod: 0 };
  return {
    kind: "PodChaos",
    spec,
    differences: [
      containerKill
        ? "the runtime SIGKILLs the container and the kubelet restarts it in the same pod; hivestorm SIGKILLs one process and its owner replaces it"
        : "the pod is deleted at once (SIGKILL) and its controller creates a new one, with a new name and address; hivestorm SIGKILLs one process and its owner replaces it",
      ...percentNote(j),
    ],
  };
};

const stop: Mapper = (json, o) => {
  const j = json as unknown as ProcessJson;
  const signal = j.action.signal ?? "SIGTERM";
  if (signal !== "SIGTERM")
    refuse(
      j.kind,
      `a stop with ${signal}: Kubernetes sends the image's stop signal (SIGTERM unless the image says otherwise)`,
      "PodChaos pod-kill with gracePeriod, and STOPSIGNAL set in the image",
    );
  const graceMs = parseDuration(j.action.grace ?? "5s", "grace");
  if (graceMs % 1000 !== 0)
    refuse(
      j.kind,
      `a grace of ${graceMs} ms is not whole seconds: gracePeriod is an integer number of seconds`,
      `PodChaos pod-kill with gracePeriod ${Math.ceil(graceMs / 1000)}`,
    );
  return {
    kind: "PodChaos",
    spec: { ...selected(j, o), action: "pod-kill", gracePeriod: graceMs / 1000 },
    differences: [
      "the pod is deleted: every container gets SIGTERM, SIGKILL after gracePeriod, and the controller creates a new pod; hivestorm stops one process",
      ...percentNote(j),
    ],
  };
};

const restart: Mapper = (json, o) => {
  const j = json as unknown as ProcessJson;
  const graceMs = j.action.grace === undefined ? 0 : parseDuration(j.action.grace, "grace");
  if (!o.containerNames?.length || graceMs > 0)
    refuse(
      j.kind,
      graceMs > 0
        ? "a restart with a grace period: container-kill sends SIGKILL at once"
        : "a restart in place needs the container named (containerNames) for a container-kill",
      "PodChaos container-kill (the kubelet restarts the container in the same pod)",
    );
  return {
    kind: "PodChaos",
    spec: { ...selected(j, o), action: "container-kill" },
    differences: [
      "the container is SIGKILLed and the kubelet restarts it after its back-off; hivestorm restarts it at once",
      ...percentNote(j),
    ],
  };
};

const refused =
  (reason: string, nearest: string): Mapper =>
  (json) =>
    refuse(String(json.kind), reason, nearest);

export const PROCESS_MAPPERS: Record<string, Mapper> = {
  "process-kill": kill,
  "process-stop": stop,
  "process-restart": restart,
  "process-pause": refused(
    "Chaos Mesh cannot freeze a process (SIGSTOP or the cgroup freezer)",
    "PodChaos pod-failure (the container is replaced by a pause image: its state is lost, not frozen)",
  ),
  "process-oom": refused(
    "Chaos Mesh cannot set a memory limit just above the target's usage, so the kernel would not surely pick the target",
    "StressChaos memory with a size beyond the container's memory limit (the OOM killer may kill the stressor instead)",
  ),
};
