#!/usr/bin/env -S npx tsx
// RE-005: "VRAM exhaustion (100%)". This machine has no accelerator: the fault fills the demo workers' simulated
// VRAM budgets (their debug endpoints) and the report says so; on a machine with an NVIDIA GPU the same fault
// with `.device(i)` holds real device memory. Inference must be refused with a clean 503 that tells clients
// when to come back (Retry-After), nothing may crash or hang, and once the memory is free again the service must
// serve as before with no VRAM left held.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import { observer, QUEEN, WORKER_VRAM, WORKERS } from "../_lib/resources.ts";

interface Vram {
  usedMb: number;
  requestsMb: number;
}

/** VRAM held beyond what the requests in flight reserve (occupied or leaked), summed over the workers. */
async function heldMb(urls: string[]): Promise<number> {
  let sum = 0;
  for (const u of urls) {
    const h = (await fetch(new URL("/health", u), { signal: AbortSignal.timeout(2000) }).then((r) =>
      r.json(),
    )) as {
      vram?: Vram;
    };
    sum += (h.vram?.usedMb ?? 0) - (h.vram?.requestsMb ?? 0);
  }
  return sum;
}

export const scenario = defineScenario({
  id: "RE-005",
  name: "VRAM exhaustion (100%, simulated)",
  suite: "chaos",
  category: "resources",
  roles: { gateway: ["api:rbee-queen"], workers: ["instances", "api:rbee-hive"] },
  expected:
    "With every worker's VRAM full, inference is refused with 503 and a Retry-After header (no crash, no hang); after the VRAM is freed the service recovers and no VRAM stays held",
  duration: "10s",
  steps: async (ctx) => {
    const urls = (await ctx.system.instances(WORKERS))
      .map((w) => w.url)
      .filter((u): u is string => Boolean(u));
    ctx.record("usedBefore", await heldMb(urls));
    const handle = await ctx.apply(
      chaos.resource.vram({ percent: 100 }).on(urls).simulated(WORKER_VRAM).observe(observer(ctx, "vram")),
    );
    const hold = ctx.hold();
    const res = await fetch(new URL("/v1/inference", ctx.system.service(QUEEN).clientUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "probe", max_tokens: 4 }),
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined);
    ctx.record("probe", { status: res?.status ?? 0, retryAfter: res?.headers.get("retry-after") ?? null });
    await res?.arrayBuffer();
    await hold;
    await handle.revert();
    // Give in-flight streams a moment to finish and release what they reserved.
    await new Promise((r) => setTimeout(r, 1000));
    ctx.record("usedAfter", await heldMb(urls));
  },
  expect: [
    expect.failuresAnsweredWith("during", [503]),
    expect.custom("refusals tell clients when to retry", "503 with a Retry-After header", (o) => {
      const p = o.data.probe as { status: number; retryAfter: string | null } | undefined;
      return {
        ok: p?.status === 503 && p.retryAfter !== null,
        observed: p ? `${p.status || "no answer"}, Retry-After ${p.retryAfter ?? "missing"}` : "no probe",
      };
    }),
    expect.recovered(),
    expect.custom(
      "no VRAM stays held after the fault",
      "VRAM held outside requests back to its level before",
      (o) => ({
        ok:
          typeof o.data.usedAfter === "number" &&
          (o.data.usedAfter as number) <= (o.data.usedBefore as number),
        observed: `${o.data.usedAfter} MB held after vs ${o.data.usedBefore} MB before (beyond requests in flight)`,
      }),
    ),
  ],
});

await runIfMain(import.meta, scenario);
