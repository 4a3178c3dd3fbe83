import type { ToxicKind } from "./toxic.ts";

/** Toxic kinds by their API `type`. Kinds are registered explicitly; nothing registers itself on import. */
export class ToxicRegistry {
  private readonly kinds = new Map<string, ToxicKind>();

  register(kind: ToxicKind): this {
    if (this.kinds.has(kind.type)) throw new Error(`toxic type ${kind.type} is already registered`);
    this.kinds.set(kind.type, kind);
    return this;
  }

  get(type: string): ToxicKind | undefined {
    return this.kinds.get(type);
  }

  types(): string[] {
    return [...this.kinds.keys()];
  }
}
