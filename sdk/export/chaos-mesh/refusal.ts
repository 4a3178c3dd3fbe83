// A fault that has no faithful Chaos Mesh counterpart is refused, never exported wrongly: the error names the
// fault kind, why, and the nearest counterpart a user could reach for knowing the difference.
import { HivestormError } from "../../core/errors.ts";

export class ExportRefusedError extends HivestormError {
  readonly faultKind: string;
  readonly reason: string;
  readonly nearest: string;

  constructor(faultKind: string, reason: string, nearest: string) {
    super(
      "E_EXPORT_REFUSED",
      `cannot export ${faultKind} to Chaos Mesh: ${reason}; nearest counterpart: ${nearest}`,
    );
    this.faultKind = faultKind;
    this.reason = reason;
    this.nearest = nearest;
  }
}

/** Throws the refusal; typed `never` so that mappers can `return refuse(...)`. */
export function refuse(faultKind: string, reason: string, nearest: string): never {
  throw new ExportRefusedError(faultKind, reason, nearest);
}
