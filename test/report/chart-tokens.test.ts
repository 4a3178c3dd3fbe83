import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ScenarioResult } from "../../sdk/core/journal.ts";
import { renderLoadTokenChart, renderTrafficTokenChart } from "../../sdk/report/charts.ts";
import { loadBlocks } from "../../sdk/report/content-load.ts";
import { chaosScenario, loadResult } from "./fixtures.ts";
import { descendants, parseXml, type XmlElement } from "./xml-parse.ts";

const byClass = (root: XmlElement, cls: string) =>
  descendants(root).filter((e) => (e.attributes.class ?? "").split(/\s+/).includes(cls));
const texts = (root: XmlElement) =>
  descendants(root)
    .map((e) => e.text)
    .join(" | ");
const panels = (root: XmlElement) => root.children.filter((e) => e.name === "svg");

/** The fixture's load as a streaming one: 8 tokens a request, TTFT rising in second 6, two streams cut then. */
function streamingLoad(): Record<string, unknown> {
  const base = loadResult();
  const timeline = (base.timeline as Record<string, number>[]).map((p) => ({
    ...p,
    tokens: p.requests * 8,
    tps: p.requests * 8,
    streams: p.requests,
    cut: p.t === 6 ? 2 : 0,
    ttftP50: p.t === 6 ? 400 : 40,
    ttftP95: p.t === 6 ? 900 : 60,
    ttftP99: p.t === 6 ? 950 : 70,
    itlP50: 20,
    itlP95: 30,
    itlP99: p.t === 6 ? 2000 : 40,
  }));
  const sum = {
    count: 10,
    min: 1,
    mean: 2,
    stdev: 0,
    p50: 40,
    p90: 50,
    p95: 60,
    p99: 900,
    p999: 950,
    max: 950,
  };
  return {
    ...base,
    timeline,
    thresholds: [
      ...(base.thresholds as unknown[]),
      { metric: "time_to_first_token", expression: "p(95)<300", ok: false, value: 900, abortOnFail: false },
      { metric: "inter_token_latency", expression: "p(95)<100", ok: true, value: 30, abortOnFail: false },
      { metric: "streams_cut", expression: "rate<0.01", ok: true, value: 0.0014, abortOnFail: false },
    ],
    streams: {
      streams: 1450,
      completed: 1448,
      cut: 2,
      byCut: { timeout: 2 },
      tokens: 11600,
      tokensPerSecond: 1160,
      ttft: sum,
      itl: { ...sum, p50: 20, p95: 30 },
      tpot: { ...sum, p50: 21 },
      histograms: {},
    },
  };
}

describe("token charts", () => {
  test("a streaming load: tokens/s beside req/s, TTFT and ITL against their limits, cut streams", () => {
    const svg = renderLoadTokenChart(streamingLoad(), "LT-004 tokens")!;
    const root = parseXml(svg);
    assert.equal(panels(root).length, 4);
    const words = texts(root);
    for (const label of [
      "tokens/s",
      "requests/s",
      "time to first token p95",
      "p95 limit 300 ms",
      "p95 limit 100 ms",
    ])
      assert.ok(words.includes(label), `${label} in ${words}`);
    assert.match(words, /cut streams \(over the load: timeout ×2\)/);
    const rules = descendants(root).filter((e) => e.attributes["aria-description"] === "threshold");
    assert.equal(rules.length, 2, "one limit rule on TTFT, one on ITL");
    assert.equal(renderLoadTokenChart(loadResult()), undefined, "no chart for a load that did not stream");
  });

  test("the load section says tokens, TTFT, ITL and TPOT, and threshold values in ms and %", () => {
    const md = JSON.stringify(loadBlocks(streamingLoad(), true));
    assert.match(md, /1450 streams, 2 cut \(timeout 2\); 11600 tokens, 1160 tokens\/s beside 145 req\/s/);
    assert.match(md, /time to first token/);
    assert.match(md, /p95 time to first token 900 ms > 300 ms limit/);
    assert.match(md, /0\.14%/);
  });

  test("streaming traffic of a chaos scenario: TTFT and gaps with the fault window shaded, cut streams", () => {
    const s: ScenarioResult = chaosScenario();
    const n = s.samples!.t.length;
    const during = (i: number) => s.samples!.t[i] >= 10_000 && s.samples!.t[i] < 20_000;
    s.samples = {
      ...s.samples!,
      ttftMs: s.samples!.t.map((_, i) => (s.samples!.status[i] === 200 ? (during(i) ? 450 : 30) : null)),
      itlMaxMs: s.samples!.t.map(() => 25),
      tokens: s.samples!.t.map((_, i) => (s.samples!.status[i] === 200 ? 8 : 0)),
      cut: s.samples!.t.map((_, i) =>
        during(i) && i % 7 === 0 && s.samples!.status[i] === 200 ? "error" : null,
      ),
    };
    const svg = renderTrafficTokenChart(s)!;
    const root = parseXml(svg);
    assert.equal(panels(root).length, 2);
    assert.equal(byClass(root, "fault-window").length, 2, "the fault window shaded in both panels");
    const cuts = s.samples.cut!.filter(Boolean).length;
    assert.ok(cuts > 0 && n > 0);
    assert.match(texts(root), new RegExp(`cut streams \\(${cuts} in all\\)`));
    assert.equal(
      renderTrafficTokenChart(chaosScenario()),
      undefined,
      "no chart when the traffic did not stream",
    );
  });
});
