#!/usr/bin/env -S npx tsx
// Stress "combined": CPU and memory at once. The hive and its workers share a cgroup with a quota of half a CPU
// saturated by stress-ng, one worker is squeezed to 80% of its memory by a second stress-ng in its own memory
// cgroup, and a burst of 3000 concurrent requests arrives (more than the queen admits and queues). The rbee plan expects graceful degradation and full
// recovery: every request answered (served or shed with 429/502/503/504, none left hanging), no crash, and the
// service back to its baseline after.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import {
  alive,
  burst,
  burstAnswered,
  canStress,
  HIVE,
  latencyBack,
  observer,
  QUEEN,
  readyWorker,
  serviceTarget,
} from "../_lib/resources.ts";

const BURST = 3000;
const BOUND_MS = 15_000;

export const scenario = defineScenario({
  id: "stress-combined",
  name: "Combined stress: CPU + memory + a burst",
  suite: "stress",
  category: "combined",
  roles: { gateway: ["process", "api:rbee-queen"], backend: ["process"] },
  expected: `Under CPU saturation of the hive and memory pressure on a worker, ${BURST} concurrent requests are all answered within ${BOUND_MS / 1000} s (served or shed with 429/502/503/504), nothing crashes, and the service recovers to its baseline latency`,
  requires: [canStress],
  duration: "20s",
  recovery: { deadline: "45s" },
  steps: async (ctx) => {
    const queen = ctx.system.service(QUEEN);
    const pids = { hive: ctx.system.service(HIVE).pid, queen: queen.pid };
    const cpu = await ctx.apply(
      chaos.resource
        .cpu({ load: 100 })
        .quota(0.5)
        .on(await serviceTarget(ctx, HIVE))
        .observe(observer(ctx, "cpu")),
    );
    const { target } = await readyWorker(ctx);
    const memory = await ctx.apply(
      chaos.resource.memory({ percent: 80 }).on(target).observe(observer(ctx, "memory")),
    );
    const [b] = await Promise.all([burst(queen.url, BURST, 8, BOUND_MS), ctx.hold()]);
    ctx.record("burst", b);
    ctx.log(`burst: ${JSON.stringify(b)}`);
    ctx.record("alive", (await alive(pids.hive)) && (await alive(pids.queen)));
    // Newest first: the worker leaves its memory cgroup before the hive's CPU cgroup goes.
    await memory.revert();
    await cpu.revert();
  },
  expect: [
    burstAnswered("burst", BOUND_MS),
    expect.custom("nothing crashes", "the hive and the queen alive", (o) => ({
      ok: o.data.alive === true,
      observed: o.data.alive ? "both alive" : "a service is gone",
    })),
    expect.recovered(),
    latencyBack(2),
  ],
});

await runIfMain(import.meta, scenario);
