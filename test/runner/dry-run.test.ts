import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "../../sdk/chaos/network/index.ts";
import { processChaos } from "../../sdk/chaos/process/index.ts";
import { makeScope, within } from "../../sdk/core/run-scope.ts";
import { load } from "../../sdk/load/load.ts";
import type { DiscoveredScenario } from "../../sdk/runner/discover.ts";
import { formatPlan } from "../../sdk/runner/dry-run.ts";
import type { SystemDefinition } from "../../sdk/system/definition.ts";
import { base, check } from "./fakes.ts";

const system: SystemDefinition = {
  name: "shop",
  services: {
    api: { command: ["node", "api.js"], url: "http://127.0.0.1:7001", proxy: { listen: "127.0.0.1:7000" } },
    db: { url: "http://127.0.0.1:7002" },
  },
  traffic: { service: "api", path: "/buy" },
};

const selected: DiscoveredScenario[] = [
  {
    file: "scenarios/nf.ts",
    definition: {
      ...base,
      id: "NF-1",
      name: "slow api",
      duration: "20s",
      minDuration: "3s",
      fault: [network.latency(500).on("api"), processChaos.kill("db")],
      expect: [check("a", true), check("b", true)],
    },
  },
  { file: "scenarios/st.ts", definition: { ...base, id: "ST-1", steps: async () => {} } },
  {
    file: "scenarios/lt.ts",
    definition: { ...base, id: "LT-1", suite: "load", load: { plan: load.rate(10, "1m") } },
  },
];

function plan(flags: string[] = [], toxiproxy?: string): string {
  const saved = process.env.TOXIPROXY_URL;
  if (toxiproxy) process.env.TOXIPROXY_URL = toxiproxy;
  else delete process.env.TOXIPROXY_URL;
  try {
    return within(makeScope({ timeScale: 0.5 }), () => formatPlan(system, selected, flags));
  } finally {
    if (saved === undefined) delete process.env.TOXIPROXY_URL;
    else process.env.TOXIPROXY_URL = saved;
  }
}

describe("formatPlan", () => {
  it("says nothing is started, the time scale, and each service: its command or where it already runs", () => {
    const lines = plan().split("\n");
    assert.equal(lines[0], "Plan (dry run: nothing is started or applied), time scale 0.5");
    assert.ok(lines.includes("  api: node api.js at http://127.0.0.1:7001 behind proxy 127.0.0.1:7000"));
    assert.ok(lines.includes("  db: already running at http://127.0.0.1:7002"));
    assert.ok(lines.includes("Toxiproxy: embedded, started on 127.0.0.1"));
    assert.ok(!lines.some((l) => l.startsWith("System flags")), "no flags, no line");
  });

  it("names an external Toxiproxy and the system flags", () => {
    const text = plan(["no-retry"], "http://127.0.0.1:8474");
    assert.match(text, /^Toxiproxy: http:\/\/127\.0\.0\.1:8474$/m);
    assert.match(text, /^System flags: no-retry$/m);
  });

  it("per scenario: its faults with their target on this system and scaled duration, steps, load, checks", () => {
    const text = plan();
    assert.match(text, /^3 scenario\(s\), 3 would run:$/m);
    assert.match(text, /^ {2}NF-1 \[chaos\/test\] slow api {2}\(scenarios\/nf\.ts\)$/m);
    assert.match(text, /^ {4}fault: .*500.*on api.* for 10s$/m);
    assert.match(text, /^ {4}fault: .*db.* \(db → .*\) for 10s$/m);
    assert.match(text, /^ {4}checks: 2$/m);
    assert.match(
      text,
      /ST-1.*\n {4}would run\n {4}expected: it holds\n {4}fault: scenario steps \(see the file\)\n {4}checks: 1/,
    );
    assert.match(text, /LT-1.*\n {4}would run\n.*\n {4}load: .* on api\n/);
  });

  it("a scenario this system cannot run says why it would skip, and nothing else", () => {
    const text = within(makeScope({}), () =>
      formatPlan(system, selected, [], new Map([["NF-1", "no service plays @gateway"]])),
    );
    assert.match(text, /^3 scenario\(s\), 2 would run:$/m);
    assert.match(text, /NF-1 .*\n {4}would skip: no service plays @gateway\n {2}ST-1/);
  });
});
