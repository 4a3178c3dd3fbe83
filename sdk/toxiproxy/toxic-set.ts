import { toxicAlreadyExists, toxicNotFound } from "./api-error.ts";
import type { ToxicDefinition } from "./toxic-definition.ts";

/** What a toxic change does to live links. */
export interface ToxicListener {
  added(t: ToxicDefinition): void;
  updated(t: ToxicDefinition): void;
  removed(t: ToxicDefinition): void;
}

/** A proxy's toxics: names unique across both streams, kept in insertion order per direction. */
export class ToxicSet {
  private readonly items: ToxicDefinition[] = [];

  constructor(private readonly listener: ToxicListener) {}

  /** Upstream toxics first, then downstream, each in insertion order (as upstream lists them). */
  list(): ToxicDefinition[] {
    return [
      ...this.items.filter((t) => t.direction === "upstream"),
      ...this.items.filter((t) => t.direction === "downstream"),
    ];
  }

  has(name: string): boolean {
    return this.items.some((t) => t.name === name);
  }

  get(name: string): ToxicDefinition {
    const t = this.items.find((x) => x.name === name);
    if (t === undefined) throw toxicNotFound();
    return t;
  }

  add(t: ToxicDefinition): void {
    if (this.has(t.name)) throw toxicAlreadyExists();
    this.items.push(t);
    this.listener.added(t);
  }

  replace(t: ToxicDefinition): void {
    const i = this.items.findIndex((x) => x.name === t.name);
    if (i < 0) throw toxicNotFound();
    this.items[i] = t;
    this.listener.updated(t);
  }

  remove(name: string): void {
    const t = this.get(name);
    this.items.splice(this.items.indexOf(t), 1);
    this.listener.removed(t);
  }

  clear(): void {
    for (const t of this.list()) this.remove(t.name);
  }
}
