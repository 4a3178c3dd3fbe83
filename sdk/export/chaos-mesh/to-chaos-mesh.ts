// `toChaosMesh(fault, { namespace, selector })`: one fault spec as a standalone Chaos Mesh object, built from
// the spec's public contract (kind and toJSON) through the registry. Refusals throw ExportRefusedError.
import type { FaultSpec } from "../../chaos/fault.ts";
import { type Duration, parseDuration } from "../../core/duration.ts";
import { ValidationError } from "../../core/errors.ts";
import { goDuration } from "./go-duration.ts";
import type { ChaosMeshOptions, MappedChaos } from "./mapping.ts";
import { API_VERSION, type ChaosObject } from "./model.ts";
import { refuse } from "./refusal.ts";
import { CHAOS_MESH_MAPPERS } from "./registry.ts";
import { validateChaosMesh } from "./validate.ts";

/** The fault's Chaos Mesh kind, spec (no duration) and differences in meaning; refuses what has no counterpart. */
export function mapFault(fault: FaultSpec, options: ChaosMeshOptions): MappedChaos {
  const problems = fault.validate();
  if (problems.length) throw new ValidationError(`fault ${fault.describe()}`, problems);
  const mapper = CHAOS_MESH_MAPPERS[fault.kind];
  if (!mapper)
    return refuse(
      fault.kind,
      "hivestorm has no Chaos Mesh mapping for this fault kind",
      "none known; see docs/kubernetes.md for the kinds that map",
    );
  return mapper(fault.toJSON(), options);
}

/** A standalone NetworkChaos, PodChaos or StressChaos for the fault; `duration` ends it (else it runs until deleted). */
export function toChaosMesh(
  fault: FaultSpec,
  options: ChaosMeshOptions & { duration?: Duration },
): ChaosObject {
  const mapped = mapFault(fault, options);
  const object: ChaosObject = {
    apiVersion: API_VERSION,
    kind: mapped.kind,
    metadata: {
      name: options.name ?? `hs-${fault.kind}`,
      namespace: options.namespace,
      annotations: { "hivestorm/fault": fault.describe() },
    },
    spec: {
      ...mapped.spec,
      ...(options.duration === undefined ? {} : { duration: goDuration(parseDuration(options.duration)) }),
    },
  };
  const invalid = validateChaosMesh(object);
  if (invalid.length) throw new ValidationError(`Chaos Mesh ${mapped.kind} for ${fault.describe()}`, invalid);
  return object;
}
