// Runs a load plan inside a scenario: against a service of the system, with live progress, the result attached
// to the scenario (journal, report, charts) and handed to the checks as observations.data.load.
import { sleep } from "../core/sleep.ts";
import type { LoadPlan } from "../load/plan.ts";
import type { LoadResult } from "../load/types.ts";
import { probeHealth } from "../system/health.ts";
import type { ScenarioContext } from "./scenario-context.ts";
import { sendOnce, trafficRequest } from "./traffic.ts";

export interface LoadRunOptions {
  /** The service (or role, "@gateway") to load; default the background traffic's service. */
  service?: string;
  /** Through the service's proxy (clientUrl) instead of straight to it; default false: load measures the system,
   *  not the proxy that chaos scenarios put in front of it. */
  viaProxy?: boolean;
}

export async function runLoadPlan(
  ctx: ScenarioContext,
  plan: LoadPlan,
  o: LoadRunOptions = {},
): Promise<LoadResult> {
  const t = ctx.system.definition.traffic;
  const svc = ctx.system.service(o.service ?? t.service);
  const name = svc.name;
  // A plan that states no request sends the system's own traffic request: what its users send.
  if (plan.usesDefaultRequest)
    plan = plan.request({
      method: t.method ?? "POST",
      url: t.path,
      headers: t.headers,
      body: t.body as never,
    });
  const baseUrl = o.viaProxy ? svc.clientUrl : svc.url;
  ctx.log(`load ${plan.describe()} on ${name} at ${baseUrl}`);
  // Health is sampled while the load runs: "no crash, health keeps answering" is a judgement, not a hope.
  const health: { t: number; ok: boolean; ms: number }[] = [];
  const def = ctx.system.definition.services[name];
  const healthUrl = new URL(def.health ?? "/health", def.url).toString();
  const t0 = Date.now();
  const sampler = setInterval(() => {
    void probeHealth(healthUrl, 2000).then((r) =>
      health.push({ t: Date.now() - t0, ok: r.ok, ms: r.latencyMs }),
    );
  }, 1000);
  try {
    const result = await plan.run({
      baseUrl,
      signal: ctx.signal,
      onSample: (s) => ctx.progress(s.rps, s.errors),
    });
    ctx.setLoad(result);
    clearInterval(sampler);
    ctx.record("recoveredAfterMs", await timeToServe(ctx, healthUrl, 30_000));
    return result;
  } finally {
    clearInterval(sampler);
    ctx.record("health", health);
  }
}

/** After the load: how long until health answers and one ordinary request is served again (null: not in time). */
async function timeToServe(
  ctx: ScenarioContext,
  healthUrl: string,
  deadlineMs: number,
): Promise<number | null> {
  const req = trafficRequest(ctx.system.definition, { direct: true });
  const start = Date.now();
  while (Date.now() - start < deadlineMs && !ctx.signal.aborted) {
    const healthy = (await probeHealth(healthUrl, 2000)).ok;
    const status = healthy ? (await sendOnce(req, 5000)).status : 0;
    const served = status >= 200 && status < 300;
    if (served) return Date.now() - start;
    await sleep(200, ctx.signal);
  }
  return null;
}
