// A network fault made of Toxiproxy toxics on the proxy in front of one service. Immutable: every builder
// method returns a new spec, so a spec can be shared, described and applied more than once.
import type { Duration } from "../../core/duration.ts";
import type { Problem } from "../../core/errors.ts";
import { type ChaosContext, chaosContext } from "../context.ts";
import { type Applied, applyFault, applyFor, type FaultHandle, type FaultSpec } from "../fault.ts";
import { addToxic, removeToxic } from "../toxiproxy-client.ts";
import { proxyTargetProblems, resolveProxy } from "./resolve-proxy.ts";
import type { ToxicKind } from "./toxic-kinds.ts";

export type Stream = "upstream" | "downstream" | "both";

interface State {
  kind: ToxicKind;
  params: Record<string, number>;
  service?: string;
  stream: Stream;
  toxicity?: number;
}

let sequence = 0;

export class ToxicFault implements FaultSpec {
  readonly #s: State;

  constructor(kind: ToxicKind, params: Record<string, number>, state: Partial<State> = {}) {
    this.#s = { kind, params, stream: "downstream", ...state };
  }

  get kind(): string {
    return this.#s.kind.id;
  }

  /** The service whose proxy gets the fault (a name from the system definition). */
  on(service: string): ToxicFault {
    return this.#with({ service });
  }
  /** Client → service bytes only. */
  upstream(): ToxicFault {
    return this.#with({ stream: "upstream" });
  }
  /** Service → client bytes only (the default, as in Toxiproxy). */
  downstream(): ToxicFault {
    return this.#with({ stream: "downstream" });
  }
  /** Both directions (two toxics). */
  both(): ToxicFault {
    return this.#with({ stream: "both" });
  }
  /** Probability that a connection is affected (Toxiproxy's toxicity, rolled per connection). */
  toxicity(p: number): ToxicFault {
    return this.#with({ toxicity: p });
  }
  /** Sets one parameter of the kind (jitter, delay, ...). */
  with(param: string, value: number): ToxicFault {
    return this.#with({ params: { ...this.#s.params, [param]: value } });
  }
  jitter(ms: number): ToxicFault {
    return this.with("jitter", ms);
  }

  validate(): Problem[] {
    const problems = this.#s.kind.validate(this.#s.params);
    const t = this.#toxicity();
    if (!(typeof t === "number" && t >= 0 && t <= 1))
      problems.push({
        path: "toxicity",
        message: `expected a probability in [0, 1], found ${JSON.stringify(t)}`,
      });
    if (!this.#s.service) problems.push({ path: "on", message: 'no service given: add .on("<service>")' });
    return problems;
  }

  describe(): string {
    const t = this.#toxicity();
    const streams = this.#s.stream === "both" ? "both ways" : this.#s.stream;
    const toxicity =
      t < 1 && this.#s.kind.id !== "network-loss" ? `, ${Math.round(t * 100)}% of connections` : "";
    return `${this.#s.kind.describe(this.#s.params)} on ${this.#s.service ?? "?"} (${streams}${toxicity})`;
  }

  /** Problems with the target on a system (dry runs): an unknown service or role, or no proxy in front. */
  planProblems(system: Parameters<typeof proxyTargetProblems>[0]): Problem[] {
    return proxyTargetProblems(system, this.#s.service);
  }

  target(): string {
    return this.#s.service ?? "";
  }

  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      toxic: this.#s.kind.toxic,
      service: this.#s.service,
      stream: this.#s.stream,
      toxicity: this.#toxicity(),
      attributes: this.#s.kind.attributes(this.#s.params),
    };
  }

  /** Applies the fault now; the handle reverts it (also on `await using`). */
  apply(ctx?: ChaosContext): Promise<FaultHandle> {
    return applyFault(this, ctx ?? chaosContext());
  }

  /** Applies the fault, keeps it for the (time-scaled) duration, reverts it. */
  for(duration: Duration, ctx?: ChaosContext): Promise<{ appliedAt: number; revertedAt: number }> {
    return applyFor(this, duration, ctx ?? chaosContext());
  }

  async applyRaw(ctx: ChaosContext): Promise<Applied> {
    const { url, proxy } = resolveProxy(ctx, this.#s.service!);
    const streams: Array<"upstream" | "downstream"> =
      this.#s.stream === "both" ? ["upstream", "downstream"] : [this.#s.stream];
    const id = `hs-${process.pid}-${++sequence}`;
    const added: string[] = [];
    try {
      for (const stream of streams) {
        const name = `${id}-${this.#s.kind.toxic}-${stream}`;
        await addToxic(url, proxy, {
          name,
          type: this.#s.kind.toxic,
          stream,
          toxicity: this.#toxicity(),
          attributes: this.#s.kind.attributes(this.#s.params),
        });
        added.push(name);
      }
    } catch (error) {
      for (const name of added) await removeToxic(url, proxy, name);
      throw error;
    }
    return {
      revert: async () => {
        for (const name of added) await removeToxic(url, proxy, name);
      },
      reap: { kind: "toxiproxy-toxics", url, proxy, toxics: added },
    };
  }

  #toxicity(): number {
    return this.#s.toxicity ?? this.#s.kind.toxicity?.(this.#s.params) ?? 1;
  }

  #with(patch: Partial<State>): ToxicFault {
    return new ToxicFault(this.#s.kind, this.#s.params, { ...this.#s, ...patch });
  }
}
