// Typed observations: a scenario's steps record values under keys that its checks read back, with one type on
// both sides (`const retries = observation<number>("retries")`). Every recorded value is written to the
// journal (scenario.observations), so that the evidence behind a verdict outlives the run.

/** A typed key for a value a scenario records and its checks read. */
export interface ObservationKey<T> {
  readonly key: string;
  /** Never set: carries T for the type checker. */
  readonly _type?: T;
}

export function observation<T>(key: string): ObservationKey<T> {
  return { key };
}

export type KeyOf<T> = ObservationKey<T> | string;

export function keyName(k: KeyOf<unknown>): string {
  return typeof k === "string" ? k : k.key;
}

/** Plain JSON of a recorded value (functions and promises dropped, errors as their message). */
export function toJsonValue(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === "function" || v instanceof Promise) return undefined;
      if (v instanceof Error) return v.message;
      if (typeof v === "bigint") return Number(v);
      return v;
    }) ?? "null",
  );
}

/** The value a scenario recorded under `key`, typed by the key (undefined when nothing was recorded). */
export function observed<T>(o: { data: Record<string, unknown> }, key: KeyOf<T>): T | undefined {
  return o.data[keyName(key)] as T | undefined;
}
