// Phase 2, steady state: every service answers its health probe and one request of the background traffic is
// served, before anything is applied. When it never comes, the reason names the service that is down and the
// scenario that left it so.
import { sleep } from "../../core/sleep.ts";
import type { Testbed } from "../../testbed/testbed.ts";
import { sendOnce, trafficRequest } from "../traffic.ts";

export async function waitSteadyState(
  bed: Testbed,
  o: { timeoutMs: number; signal: AbortSignal },
): Promise<string | undefined> {
  const deadline = Date.now() + o.timeoutMs;
  const req = trafficRequest(bed.system);
  while (!o.signal.aborted) {
    const bad = (await bed.health())
      .filter((s) => !s.ok)
      .map((s) => {
        const down = bed.down.get(s.service);
        return `${s.service} ${s.why ?? "unhealthy"}${down ? ` (down since ${down.after}; restarting it failed)` : ""}`;
      });
    if (bad.length === 0) {
      const r = await sendOnce(req, 5000);
      if (r.status >= 200 && r.status < 400) return undefined;
      bad.push(`${req.method} ${req.url} answered ${r.status || "nothing"}: ${r.text}`);
    }
    if (Date.now() > deadline) return `not healthy within ${o.timeoutMs / 1000}s: ${bad.join(", ")}`;
    await sleep(250, o.signal);
  }
  return "interrupted";
}
