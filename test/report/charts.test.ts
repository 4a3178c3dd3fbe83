import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createHistogram, encodeHistogram, recordMs } from "../../sdk/load/histogram.ts";
import { bucketEdges } from "../../sdk/report/chart-scenario.ts";
import {
  renderLatencyHistogram,
  renderLoadChart,
  renderRecoveryOverview,
  renderScenarioChart,
} from "../../sdk/report/charts.ts";
import {
  buildJournal,
  chaosScenario,
  erroredScenario,
  failedScenario,
  loadResult,
  skippedScenario,
  T0,
} from "./fixtures.ts";
import { descendants, parseXml, type XmlElement } from "./xml-parse.ts";

const byClass = (root: XmlElement, cls: string) =>
  descendants(root).filter((e) => (e.attributes.class ?? "").split(/\s+/).includes(cls));
const described = (root: XmlElement, what: string) =>
  descendants(root).filter((e) => e.attributes["aria-description"] === what);
const texts = (root: XmlElement) => descendants(root).map((e) => e.text);
const panels = (root: XmlElement) => root.children.filter((e) => e.name === "svg");

describe("renderScenarioChart", () => {
  test("a standalone SVG: latency lines, the fault window shaded, responses by status under it", () => {
    const svg = renderScenarioChart(chaosScenario())!;
    const root = parseXml(svg);
    assert.equal(root.name, "svg");
    assert.equal(root.attributes.xmlns, "http://www.w3.org/2000/svg");
    assert.equal(root.attributes.width, "800");
    assert.ok(!/<script|foreignObject|href=/.test(svg), "no scripts, HTML or external links");
    assert.equal(panels(root).length, 2);
    // One shaded rect per panel (latency, statuses), spanning 10 s to 20 s of a 30 s x axis.
    const groups = byClass(root, "fault-window");
    assert.equal(groups.length, 2);
    for (const g of groups) {
      assert.equal(g.children.length, 1);
      assert.ok(Number(g.children[0].attributes.width) > 0);
      assert.ok(Number(g.attributes["fill-opacity"]) < 1, "translucent");
    }
    const lines = descendants(root).filter((e) => e.name === "path" && (e.attributes.d ?? "").length > 20);
    assert.ok(lines.length >= 3, `latency p50/p95/p99 lines, found ${lines.length}`);
    // The fixture answers 200, fails with no answer during the fault, and 503 just after it.
    const labels = texts(root);
    for (const label of [
      "2xx",
      "503",
      "no answer (reset or timeout)",
      "fault: latency",
      "↑ responses/s by status",
    ])
      assert.ok(labels.includes(label), label);
    assert.ok(labels.some((t) => t.startsWith("NF-002: Network latency")));
  });

  test("the recovery instant is marked; a deadline beyond the chart is said so", () => {
    const root = parseXml(renderScenarioChart(chaosScenario())!);
    assert.equal(described(root, "recovered").length, 1);
    assert.ok(texts(root).some((t) => /^recovered 1\.9s after the revert$/.test(t)));
    assert.equal(described(root, "deadline").length, 1, "the 10 s deadline falls at 30 s, the chart's end");
    const never = parseXml(renderScenarioChart(failedScenario())!);
    assert.equal(described(never, "recovered").length, 0, "never recovered: no marker");
  });

  test("buckets are cut at the fault's edges, so a jump is never drawn before the shading", () => {
    const s = chaosScenario();
    s.faults = [{ ...s.faults[0], appliedAt: T0 + 10_400, revertedAt: T0 + 19_700 }];
    const edges = bucketEdges(s, 30_000);
    assert.ok(edges.includes(10_400) && edges.includes(19_700));
    for (let i = 1; i < edges.length; i++) assert.ok(edges[i] - edges[i - 1] <= 1000 + 1e-9);
  });

  test("two fault windows, one never reverted: two shaded rects per panel, labels on separate rows", () => {
    const s = chaosScenario();
    s.faults = [
      { ...s.faults[0], appliedAt: T0 + 5000, revertedAt: T0 + 8000 },
      { ...s.faults[0], kind: "reset", appliedAt: T0 + 5200, revertedAt: undefined },
    ];
    const root = parseXml(renderScenarioChart(s)!);
    for (const g of byClass(root, "fault-window")) assert.equal(g.children.length, 2);
    const [a, b] = byClass(root, "fault-window")[0].children.map((r) => Number(r.attributes.width));
    assert.ok(b > a * 2, "the unreverted fault runs to the end of the scenario");
    const ys = described(root, "fault label").map((g) => g.children[0].attributes.transform);
    assert.equal(new Set(ys).size, 2, `labels at different heights: ${ys.join(" / ")}`);
  });

  test("the rendering is deterministic and escapes names", () => {
    const s = { ...chaosScenario(), name: "A & B <fast>" };
    const svg = renderScenarioChart(s)!;
    assert.equal(renderScenarioChart(s), svg);
    assert.ok(svg.includes("A &amp; B &lt;fast&gt;"));
    parseXml(svg);
  });

  test("nothing to draw without traffic", () => {
    assert.equal(renderScenarioChart(skippedScenario()), undefined);
    assert.equal(renderScenarioChart(erroredScenario()), undefined);
  });

  test("without samples the journal's timeline is drawn, with the error rate under it", () => {
    const s = chaosScenario();
    s.samples = undefined;
    const root = parseXml(renderScenarioChart(s)!);
    assert.equal(byClass(root, "fault-window").length, 2);
    assert.ok(texts(root).includes("↑ errors (%)"));
  });
});

describe("renderLoadChart", () => {
  test("users, requests/s, latency and responses panels; thresholds drawn as lines", () => {
    const svg = renderLoadChart(loadResult(), "LOAD-inference")!;
    const root = parseXml(svg);
    assert.equal(root.attributes.xmlns, "http://www.w3.org/2000/svg");
    assert.equal(panels(root).length, 4);
    const labels = texts(root);
    for (const label of [
      "↑ virtual users",
      "↑ requests/s",
      "↑ latency (ms)",
      "↑ responses/s",
      "p95 limit 500 ms",
    ])
      assert.ok(labels.includes(label), label);
    assert.ok(labels.some((t) => t.startsWith("failed (over the load: HTTP 503 ×2, timeout ×1)")));
    assert.equal(described(root, "threshold").length, 1);
    const paths = descendants(root).filter((e) => e.name === "path" && (e.attributes.d ?? "").length > 20);
    assert.ok(paths.length >= 5, `users, rps, p50/p95/p99 lines, found ${paths.length}`);
  });

  test("the plan is drawn from its stages, so a short dip between spikes shows", () => {
    const load = {
      ...loadResult(),
      startTarget: 100,
      stages: [
        { durationMs: 500, target: 2000 },
        { durationMs: 3000, target: 2000 },
        { durationMs: 500, target: 100 },
        { durationMs: 500, target: 3000 },
      ],
    };
    const root = parseXml(renderLoadChart(load)!);
    const planned = described(root, "planned")[0];
    const d = planned.children[0].attributes.d;
    assert.equal(d.split("L").length, 5, `five points: ${d}`);
  });

  test("an open-model load plots its target rate; no timeline, no chart", () => {
    const load = loadResult();
    load.model = "open";
    load.timeline = (load.timeline as Record<string, unknown>[]).map(({ users, ...p }) => ({
      ...p,
      rate: users,
    }));
    const labels = texts(parseXml(renderLoadChart(load)!));
    assert.ok(labels.includes("↑ target rate (req/s)"));
    assert.equal(renderLoadChart({ ...load, timeline: [] }), undefined);
    assert.equal(renderLoadChart(undefined), undefined);
  });
});

describe("renderLatencyHistogram", () => {
  test("bars of every request's latency on a log axis, with the percentiles and the limit", () => {
    const h = createHistogram();
    for (let i = 0; i < 1000; i++) recordMs(h, 1 + (i % 100) * (i < 990 ? 1 : 20));
    const load = { ...loadResult(), histogram: encodeHistogram(h) };
    h.destroy();
    const root = parseXml(renderLatencyHistogram(load, "LOAD-inference: latency")!);
    const bars = descendants(root).filter(
      (e) => e.name === "rect" && e.attributes.height && Number(e.attributes.height) > 0,
    );
    assert.ok(bars.length >= 10, `bars: ${bars.length}`);
    assert.ok(texts(root).includes("latency (ms, log scale) →"));
    assert.equal(described(root, "threshold").length, 1);
    assert.equal(renderLatencyHistogram(loadResult()), undefined, "no histogram recorded");
  });
});

describe("renderRecoveryOverview", () => {
  test("one bar per scenario with a recovery, full ids, the value and the deadline written beside", () => {
    const root = parseXml(renderRecoveryOverview(buildJournal())!);
    const labels = texts(root);
    for (const label of ["NF-002", "WC-001", "1.9s (19% of 10s)", "never (deadline 5s)"])
      assert.ok(labels.includes(label), label);
    assert.ok(labels.includes("time to recover (ms, log scale) →"));
    assert.equal(renderRecoveryOverview(buildJournal([skippedScenario()])), undefined);
  });
});
