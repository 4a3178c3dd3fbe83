#!/usr/bin/env -S npx tsx
// Stress "file descriptor exhaustion" (the rbee plan: open 1000+ descriptors against queen-rbee). The queen's
// RLIMIT_NOFILE is lowered to what it holds plus 64, and 1000 connections are opened to it: the first take its
// last descriptors and are held, the rest must be turned away. The queen must not crash, must keep serving the
// connections it has, and must accept new ones again once the limit is restored.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import {
  alive,
  canLimitFds,
  freshConnections,
  observer,
  QUEEN,
  resourceChecks,
  serviceTarget,
  timeUntil,
} from "../_lib/resources.ts";

export const scenario = defineScenario({
  id: "stress-fds",
  name: "File descriptor exhaustion (1000 connections against a lowered limit)",
  suite: "stress",
  category: "fds",
  roles: { gateway: ["process"] },
  expected:
    "With the queen out of descriptors under 1000 connections, new connections are rejected without a crash, no request hangs (each is answered or refused within 5 s), and new connections are served again within 5 s of the limit being restored",
  requires: [canLimitFds],
  duration: "10s",
  steps: async (ctx) => {
    const queen = ctx.system.service(QUEEN);
    const fds = await ctx.apply(
      chaos.resource
        .fds({ leave: 64 })
        .on(await serviceTarget(ctx, QUEEN))
        .observe(observer(ctx, "fds")),
    );
    const flood = await ctx.apply(
      chaos.resource.connections(1000).on(queen.url).observe(observer(ctx, "flood")),
    );
    const hold = ctx.hold();
    ctx.record("newDuring", await freshConnections(queen.url, 20));
    await hold;
    await flood.revert();
    await fds.revert();
    ctx.record(
      "servedAgainMs",
      await timeUntil(
        async () => (await freshConnections(queen.url, 20)).every((s) => s === 200),
        5000,
        ctx.signal,
      ),
    );
    ctx.record("queenAlive", await alive(queen.pid));
  },
  expect: [
    expect.custom("the fault bit: new connections are rejected", "some of 20 new connections fail", (o) => {
      const s = (o.data.newDuring ?? []) as number[];
      const ok = s.filter((x) => x === 200).length;
      return { ok: s.length > 0 && ok < s.length, observed: `${ok} of ${s.length} answered 200` };
    }),
    resourceChecks.noCrash(QUEEN, "queenAlive"),
    // Refused (a reset the client sees at once) or answered (502 when it cannot reach the hive): never a hang.
    expect.latencyBelow("during", "max", 5000, "no request hangs: each is answered or refused within 5 s"),
    resourceChecks.within("new connections are served again after", "servedAgainMs", 5000),
    expect.recovered(),
  ],
});

await runIfMain(import.meta, scenario);
