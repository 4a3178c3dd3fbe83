import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderLoadChart, renderScenarioChart } from "../../sdk/report/charts.ts";
import { chaosScenario, erroredScenario, loadResult, skippedScenario, T0 } from "./fixtures.ts";
import { descendants, parseXml, type XmlElement } from "./xml-parse.ts";

const byClass = (root: XmlElement, cls: string) =>
  descendants(root).filter((e) => (e.attributes.class ?? "").split(/\s+/).includes(cls));

describe("renderScenarioChart", () => {
  test("a standalone SVG with latency and error paths and the fault window shaded", () => {
    const svg = renderScenarioChart(chaosScenario())!;
    const root = parseXml(svg);
    assert.equal(root.name, "svg");
    assert.equal(root.attributes.xmlns, "http://www.w3.org/2000/svg");
    assert.equal(root.attributes.width, "800");
    assert.ok(!/<script|foreignObject|href=/.test(svg), "no scripts, HTML or external links");
    // One shaded rect per panel (latency, errors), spanning 10 s to 20 s of a 30 s x axis.
    const groups = byClass(root, "fault-window");
    assert.equal(groups.length, 2);
    for (const g of groups) {
      assert.equal(g.children.length, 1);
      const rect = g.children[0];
      assert.equal(rect.name, "rect");
      assert.ok(Number(rect.attributes.width) > 0);
      assert.ok(Number(g.attributes["fill-opacity"]) < 1, "translucent");
    }
    const paths = descendants(root).filter((e) => e.name === "path" && (e.attributes.d ?? "").length > 20);
    assert.ok(paths.length >= 4, `latency p50/p95/p99 and error lines, found ${paths.length}`);
    const texts = descendants(root).map((e) => e.text);
    assert.ok(texts.includes("fault: latency"));
    assert.ok(texts.some((t) => t.startsWith("NF-002: Network latency")));
  });

  test("two fault windows, one never reverted, give two shaded rects per panel", () => {
    const s = chaosScenario();
    s.faults = [
      { ...s.faults[0], appliedAt: T0 + 5000, revertedAt: T0 + 8000 },
      { ...s.faults[0], kind: "reset", appliedAt: T0 + 12_000, revertedAt: undefined },
    ];
    const root = parseXml(renderScenarioChart(s)!);
    for (const g of byClass(root, "fault-window")) assert.equal(g.children.length, 2);
    const [a, b] = byClass(root, "fault-window")[0].children.map((r) => Number(r.attributes.width));
    assert.ok(b > a * 2, "the unreverted fault runs to the end of the scenario");
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

  test("the timeline is computed from samples when the journal has none", () => {
    const s = chaosScenario();
    s.timeline = [];
    const svg = renderScenarioChart(s);
    assert.ok(svg && byClass(parseXml(svg), "fault-window").length === 2);
  });
});

describe("renderLoadChart", () => {
  test("users, requests/s and latency panels in one standalone SVG", () => {
    const svg = renderLoadChart(loadResult(), "LOAD-inference")!;
    const root = parseXml(svg);
    assert.equal(root.attributes.xmlns, "http://www.w3.org/2000/svg");
    const panels = root.children.filter((e) => e.name === "svg");
    assert.equal(panels.length, 3);
    const labels = descendants(root).map((e) => e.text);
    for (const label of ["↑ virtual users", "↑ requests/s", "↑ latency (ms)"])
      assert.ok(labels.includes(label), label);
    const paths = descendants(root).filter((e) => e.name === "path" && (e.attributes.d ?? "").length > 20);
    assert.ok(paths.length >= 5, `users, rps, p50/p95/p99 lines, found ${paths.length}`);
  });

  test("an open-model load plots its target rate; no timeline, no chart", () => {
    const load = loadResult();
    load.timeline = (load.timeline as Record<string, unknown>[]).map(({ users, ...p }) => ({
      ...p,
      rate: users,
    }));
    const labels = descendants(parseXml(renderLoadChart(load)!)).map((e) => e.text);
    assert.ok(labels.includes("↑ target rate (req/s)"));
    assert.equal(renderLoadChart({ ...load, timeline: [] }), undefined);
    assert.equal(renderLoadChart(undefined), undefined);
  });
});
