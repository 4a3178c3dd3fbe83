// The proxies of one server by name, with upstream's create / update / populate / reset semantics.
import { hostOf, isLoopbackHost } from "../core/loopback.ts";
import { resolveListen } from "./address.ts";
import { ApiError, missingField, proxyAlreadyExists, proxyNotFound } from "./api-error.ts";
import type { ToxiproxyLogger } from "./log.ts";
import type { LinkMetrics } from "./metrics.ts";
import { TcpProxy } from "./proxy.ts";
import type { ProxyFields } from "./requests.ts";

export interface CollectionOptions {
  allowNonLoopback: boolean;
  logger?: ToxiproxyLogger;
  /** Set when proxy metrics are on: each link reports its byte counts when it ends. */
  metrics?: LinkMetrics;
}

/** The result of /populate: the proxies handled before any error, and that error. */
export interface PopulateResult {
  proxies: TcpProxy[];
  error?: ApiError;
}

export class ProxyCollection {
  private readonly proxies = new Map<string, TcpProxy>();

  constructor(private readonly options: CollectionOptions) {}

  list(): TcpProxy[] {
    return [...this.proxies.values()];
  }

  get(name: string): TcpProxy {
    const p = this.proxies.get(name);
    if (p === undefined) throw proxyNotFound();
    return p;
  }

  /** POST /proxies: validation first, then the name clash, then the bind. Nothing is added on failure. */
  async create(input: ProxyFields): Promise<TcpProxy> {
    if (!input.name) throw missingField("name");
    if (!input.upstream) throw missingField("upstream");
    this.checkUpstream(input.upstream);
    if (this.proxies.has(input.name)) throw proxyAlreadyExists();
    const proxy = new TcpProxy(input.name, input.listen ?? "", input.upstream, this.options);
    if (input.enabled ?? true) await proxy.start();
    this.proxies.set(proxy.name, proxy);
    return proxy;
  }

  /** POST|PATCH /proxies/{name}: missing fields keep their values; a changed listen or upstream restarts. */
  async update(name: string, input: ProxyFields): Promise<TcpProxy> {
    const proxy = this.get(name);
    const listen = input.listen ?? proxy.listen;
    const upstream = input.upstream ?? proxy.upstream;
    const enabled = input.enabled ?? proxy.enabled;
    this.checkUpstream(upstream);
    if (await this.differs(proxy, listen, upstream)) {
      proxy.stop();
      proxy.listen = listen;
      proxy.upstream = upstream;
    }
    if (enabled !== proxy.enabled) {
      if (enabled) await proxy.start();
      else proxy.stop();
    }
    return proxy;
  }

  remove(name: string): void {
    this.get(name).stop();
    this.proxies.delete(name);
  }

  /**
   * POST /populate: every item is validated before anything changes. Then, in order, an unchanged proxy is
   * kept as it is (toxics, connections, enabled state), a changed one is replaced by a fresh proxy, and a new
   * one is created. The first failure stops the walk.
   */
  async populate(items: readonly ProxyFields[]): Promise<PopulateResult> {
    for (const [i, item] of items.entries()) {
      const at = ` at proxy ${i + 1}`;
      if (!item.name) return { proxies: [], error: missingField("name", at) };
      if (!item.upstream) return { proxies: [], error: missingField("upstream", at) };
      try {
        this.checkUpstream(item.upstream, at);
      } catch (error) {
        return { proxies: [], error: error as ApiError };
      }
    }
    const done: TcpProxy[] = [];
    for (const item of items) {
      const name = item.name!;
      const listen = item.listen ?? "";
      const upstream = item.upstream!;
      try {
        const existing = this.proxies.get(name);
        if (existing && !(await this.differs(existing, listen, upstream))) {
          done.push(existing);
          continue;
        }
        existing?.stop();
        const proxy = new TcpProxy(name, listen, upstream, this.options);
        if (item.enabled ?? true) await proxy.start();
        this.proxies.set(name, proxy);
        done.push(proxy);
      } catch (error) {
        return { proxies: done, error: asApiError(error) };
      }
    }
    return { proxies: done };
  }

  /** POST /reset: enable every proxy and remove every toxic. A bind failure stops it (upstream's order). */
  async reset(): Promise<void> {
    for (const proxy of this.proxies.values()) {
      await proxy.start();
      proxy.toxics.clear();
    }
  }

  closeAll(): void {
    for (const proxy of this.proxies.values()) proxy.stop();
    this.proxies.clear();
  }

  /** Upstream's Differs: the listen compared after resolution (no bind), the upstream as a string. */
  private async differs(proxy: TcpProxy, listen: string, upstream: string): Promise<boolean> {
    return proxy.listen !== (await resolveListen(listen)) || proxy.upstream !== upstream;
  }

  /** Deviation from upstream: the loopback guard (house rule), lifted by allowNonLoopback. */
  private checkUpstream(upstream: string, at = ""): void {
    const host = hostOf(upstream);
    if (this.options.allowNonLoopback || host === "" || isLoopbackHost(host)) return;
    throw new ApiError(
      400,
      `upstream ${upstream}${at} is not on loopback (127.0.0.0/8, ::1 or localhost): this server only proxies to ` +
        "loopback unless it was started with allowNonLoopback (flag -allow-non-loopback)",
    );
  }
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(500, (error as Error).message);
}
