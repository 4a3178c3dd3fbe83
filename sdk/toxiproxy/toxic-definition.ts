import type { Attributes, ToxicKind } from "./toxics/toxic.ts";

export type Direction = "upstream" | "downstream";

/** A toxic as the API knows it: one per proxy, instantiated once per live link of its direction. */
export interface ToxicDefinition {
  readonly name: string;
  readonly type: string;
  readonly direction: Direction;
  /** The stream string exactly as sent (upstream echoes "UPSTREAM" as given). */
  readonly stream: string;
  readonly toxicity: number;
  readonly attributes: Attributes;
  /** The attributes' exact int64 values, as the API prints them (beyond 2^53 a number is not exact). */
  readonly exact: Readonly<Record<string, bigint>>;
  readonly kind: ToxicKind;
}
