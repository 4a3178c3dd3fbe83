#!/usr/bin/env -S npx tsx
// RE-004: "File descriptor exhaustion". The queen's RLIMIT_NOFILE is lowered (prlimit) to what it holds plus 8,
// and idle connections from the SDK hold those last descriptors for the whole window, so the queen is out of
// them; then a burst of new connections arrives. New connections must be turned away without the queen
// crashing, and once the limit is restored new connections must be served again (time measured).
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

const BURST = 40;

export const scenario = defineScenario({
  id: "RE-004",
  name: "File descriptor exhaustion",
  suite: "chaos",
  category: "resources",
  roles: { gateway: ["process"] },
  expected: `With the queen's descriptors exhausted, some of ${BURST} new connections are turned away, the queen does not crash and no request hangs (each is answered or refused within 5 s), and new connections are served again within 5 s of the limit being restored`,
  requires: [canLimitFds],
  duration: "10s",
  steps: async (ctx) => {
    const queen = ctx.system.service(QUEEN);
    const handle = await ctx.apply(
      chaos.resource
        .fds({ leave: 8 })
        .on(await serviceTarget(ctx, QUEEN))
        .observe(observer(ctx, "fds")),
    );
    // Hold the descriptors that are left, and then some: those beyond the limit are turned away at once. Many
    // more than 8, because the limit counts what the queen held when it was set, connections in flight to the
    // hive included; once those close, the queen has that many more free.
    await ctx.apply(chaos.resource.connections(64).on(queen.url).observe(observer(ctx, "held")));
    const hold = ctx.hold();
    const statuses = await freshConnections(queen.url, BURST);
    ctx.record("burst", statuses);
    await hold;
    ctx.record("queenAliveDuring", await alive(queen.pid));
    await handle.revert();
    ctx.record(
      "servedAgainMs",
      await timeUntil(
        async () => (await freshConnections(queen.url, BURST)).every((s) => s === 200),
        5000,
        ctx.signal,
      ),
    );
    ctx.record("queenAlive", await alive(queen.pid));
  },
  expect: [
    expect.custom(
      "the fault bit: new connections are turned away",
      `some of ${BURST} new connections fail`,
      (o) => {
        const s = (o.data.burst ?? []) as number[];
        const ok = s.filter((x) => x === 200).length;
        return { ok: s.length > 0 && ok < s.length, observed: `${ok} of ${s.length} answered 200` };
      },
    ),
    resourceChecks.noCrash(QUEEN, "queenAlive"),
    // Refused (a reset the client sees at once) or answered: a graceful rejection, never a hang.
    expect.latencyBelow("during", "max", 5000, "no request hangs: each is answered or refused within 5 s"),
    resourceChecks.within(
      "new connections are served again after the limit is restored",
      "servedAgainMs",
      5000,
    ),
    expect.recovered(),
  ],
});

await runIfMain(import.meta, scenario);
