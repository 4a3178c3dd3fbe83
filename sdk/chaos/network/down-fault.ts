// The proxy in front of a service stops listening: new connections are refused, open ones are closed.
// Toxiproxy's "down" (enabled: false), as opposed to a partition, where connections hang.
import type { Duration } from "../../core/duration.ts";
import type { Problem } from "../../core/errors.ts";
import { type ChaosContext, chaosContext } from "../context.ts";
import { type Applied, applyFault, applyFor, type FaultHandle, type FaultSpec } from "../fault.ts";
import { setProxyEnabled } from "../toxiproxy-client.ts";
import { proxyTargetProblems, resolveProxy } from "./resolve-proxy.ts";

export class DownFault implements FaultSpec {
  readonly kind = "network-down";
  readonly #service: string | undefined;

  constructor(service?: string) {
    this.#service = service;
  }

  on(service: string): DownFault {
    return new DownFault(service);
  }

  validate(): Problem[] {
    return this.#service ? [] : [{ path: "on", message: 'no service given: add .on("<service>")' }];
  }

  describe(): string {
    return `down: the proxy in front of ${this.#service ?? "?"} refuses connections`;
  }

  target(): string {
    return this.#service ?? "";
  }

  /** Problems with the target on a system (dry runs): an unknown service or role, or no proxy in front. */
  planProblems(system: Parameters<typeof proxyTargetProblems>[0]): Problem[] {
    return proxyTargetProblems(system, this.#service);
  }

  toJSON(): Record<string, unknown> {
    return { kind: this.kind, service: this.#service };
  }

  apply(ctx?: ChaosContext): Promise<FaultHandle> {
    return applyFault(this, ctx ?? chaosContext());
  }

  for(duration: Duration, ctx?: ChaosContext): Promise<{ appliedAt: number; revertedAt: number }> {
    return applyFor(this, duration, ctx ?? chaosContext());
  }

  async applyRaw(ctx: ChaosContext): Promise<Applied> {
    const { url, proxy } = resolveProxy(ctx, this.#service!);
    await setProxyEnabled(url, proxy, false);
    return {
      revert: () => setProxyEnabled(url, proxy, true),
      reap: { kind: "toxiproxy-enable", url, proxy },
    };
  }
}
