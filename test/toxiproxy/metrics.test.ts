// GET /metrics: only behind upstream's flags, Prometheus text with upstream's names and labels, counted when a
// link ends (as upstream).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { formatGoFloat } from "../../sdk/toxiproxy/metrics.ts";
import { startToxiproxy, type ToxiproxyServer } from "../../sdk/toxiproxy/server.ts";
import {
  call,
  connectTo,
  proxyTo,
  readBytes,
  sleep,
  type TcpServer,
  tcpServer,
  toxiproxy,
} from "./helpers.ts";

test("sample values print as Go's %g, as client_golang writes them", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [5, "5"],
    [123456, "123456"],
    [1_000_000, "1e+06"],
    [1_234_567, "1.234567e+06"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1.5, "1.5"],
    [1e21, "1e+21"],
  ];
  for (const [n, text] of cases) assert.equal(formatGoFloat(n), text, String(n));
});

test("without a metrics flag there is no /metrics route (404, as upstream)", async () => {
  const tp = await toxiproxy();
  try {
    const r = await call(tp, "GET", "/metrics");
    assert.equal(r.status, 404);
    assert.equal(r.text, "404 page not found\n");
  } finally {
    await tp.close();
  }
});

let tp: ToxiproxyServer;
let upstream: TcpServer;
before(async () => {
  // Answers every 5 bytes it reads with 10.
  upstream = await tcpServer((s) => s.on("data", (d: Buffer) => s.write(Buffer.concat([d, d]))));
  tp = await startToxiproxy({ host: "127.0.0.1", port: 0, proxyMetrics: true, runtimeMetrics: true });
});
after(async () => {
  await tp.close();
  await upstream.close();
});

test("-proxy-metrics: bytes per proxy and direction, added when the connection ends", async () => {
  const port = await proxyTo(tp, "m", upstream.address);
  const client = await connectTo(port);
  client.write("hello");
  assert.equal((await readBytes(client, 10)).toString(), "hellohello");
  const open = await call(tp, "GET", "/metrics");
  assert.equal(open.status, 200);
  assert.equal(open.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  assert.doesNotMatch(open.text, /toxiproxy_proxy/, "a live connection is not counted yet");
  assert.match(
    open.text,
    /# HELP promhttp_metric_handler_errors_total Total number of internal errors encountered by the promhttp metric handler\.\n# TYPE promhttp_metric_handler_errors_total counter\npromhttp_metric_handler_errors_total\{cause="encoding"\} 0\npromhttp_metric_handler_errors_total\{cause="gathering"\} 0\n/,
  );
  client.destroy();
  let text = "";
  for (let i = 0; i < 50 && !text.includes("toxiproxy_proxy_sent"); i++) {
    await sleep(20);
    text = (await call(tp, "GET", "/metrics")).text;
  }
  const labels = (direction: string) =>
    `{direction="${direction}",listener="127.0.0.1:${port}",proxy="m",upstream="${upstream.address}"}`;
  const expected =
    "# HELP toxiproxy_proxy_received_bytes_total \n" +
    "# TYPE toxiproxy_proxy_received_bytes_total counter\n" +
    `toxiproxy_proxy_received_bytes_total${labels("downstream")} 10\n` +
    `toxiproxy_proxy_received_bytes_total${labels("upstream")} 5\n` +
    "# HELP toxiproxy_proxy_sent_bytes_total \n" +
    "# TYPE toxiproxy_proxy_sent_bytes_total counter\n" +
    `toxiproxy_proxy_sent_bytes_total${labels("downstream")} 10\n` +
    `toxiproxy_proxy_sent_bytes_total${labels("upstream")} 5\n`;
  assert.ok(text.endsWith(expected), text);
});

test("-runtime-metrics: the process_* family; /metrics answers any method, as upstream's route", async () => {
  const r = await call(tp, "POST", "/metrics");
  assert.equal(r.status, 200);
  const rss = /\nprocess_resident_memory_bytes (\S+)\n/.exec(r.text);
  assert.ok(rss && Number(rss[1]) > 1e6, r.text);
  assert.match(r.text, /# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total \S+\n/);
  // Families are sorted by name.
  const names = [...r.text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
  assert.deepEqual(names, names.toSorted());
});
