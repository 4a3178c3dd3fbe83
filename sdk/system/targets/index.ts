// Targets: the local processes and containers that worker-crash and resource scenarios act on.
export type { Cgroup, CgroupOptions, MemoryEvents } from "../cgroup/cgroup.ts";
export { CGROUP_PARENT, createCgroup, listHivestormCgroups, removeCgroupDirs } from "../cgroup/cgroup.ts";
export type { CgroupSupport } from "../cgroup/cgroup-support.ts";
export { cgroupSupport, OomUnsupportedError } from "../cgroup/cgroup-support.ts";
export type { ContainerFilter, StartContainerOptions } from "./docker-containers.ts";
export {
  HIVESTORM_LABEL,
  listContainers,
  RUN_LABEL,
  removeContainers,
  startContainer,
} from "./docker-containers.ts";
export type { DockerAvailability } from "./docker-engine.ts";
export { dockerAvailability, dockerClient, requireDocker, SETUP_DOCKER_HINT } from "./docker-engine.ts";
export type { DockerTargetOptions } from "./docker-target.ts";
export { DockerTarget } from "./docker-target.ts";
export type { NodeImageOptions, NodeImageResult } from "./node-image.ts";
export { buildNodeImage, DEFAULT_IMAGE_TAG } from "./node-image.ts";
export type { AttachTargetOptions, ExitInfo, SpawnTargetOptions } from "./process-target.ts";
export { ProcessTarget } from "./process-target.ts";
export { reapTargetRecord, TARGET_REAPERS } from "./reap.ts";
export type { TargetSpec } from "./resolve.ts";
export { resolveTargets, targetSpecProblems } from "./resolve.ts";
export type {
  ExecResult,
  OomOptions,
  OomResult,
  StopOptions,
  StopResult,
  Target,
  TargetKind,
  TargetStatus,
} from "./target.ts";
export type { Undo, UndoLedger } from "./undo.ts";
export { makeUndo } from "./undo.ts";
