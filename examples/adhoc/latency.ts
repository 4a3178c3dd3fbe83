// Ad hoc: 300 ms of latency on app-1 while 20 requests/s run through its proxy for 5 s; prints the p95.
//   npx tsx examples/adhoc/latency.ts
// The testbed starts the Toxiproxy, the proxies and both apps; leaving the block (or Ctrl-C) reverts the fault
// and stops everything, in reverse order.
import { chaos, load, testbed } from "../../sdk/index.ts";

await using bed = await testbed({ config: "examples/adhoc/two-apps.config.ts" });
await bed.steady(); // every health probe answers and one request is served
await using _latency = await chaos.network.latency(300).on("app-1").apply();
const r = await load.rate(20, "5s").target(bed.url("app-1")).run();
console.log(`${r.totals.requests} requests, ${r.totals.failed} failed, p95 ${r.latency.p95.toFixed(1)} ms`);
