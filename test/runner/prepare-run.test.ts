import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { processChaos } from "../../sdk/chaos/process/index.ts";
import { HivestormError, ValidationError } from "../../sdk/core/errors.ts";
import { parseRunAllArgs } from "../../sdk/runner/args.ts";
import type { DiscoveredScenario } from "../../sdk/runner/discover.ts";
import { prepareRun } from "../../sdk/runner/prepare-run.ts";
import { base } from "./fakes.ts";

const root = mkdtempSync(join(tmpdir(), "hivestorm-prepare-run-"));
after(() => rmSync(root, { recursive: true, force: true }));
writeFileSync(
  join(root, "two.config.ts"),
  `export default (o) => ({
  name: "two",
  services: {
    app: { url: "http://127.0.0.1:7101", proxy: { listen: "127.0.0.1:7100" } },
    db: { url: "http://127.0.0.1:7102", command: ["node", "db.js", ...o.flags] },
  },
  traffic: { service: "app", path: "/" },
});
`,
);
writeFileSync(join(root, "a-file"), "not a folder");

const scenario = (id: string, fault = processChaos.kill("db")): DiscoveredScenario => ({
  file: `scenarios/${id}.ts`,
  definition: { ...base, id, fault },
});
const args = (...extra: string[]) =>
  parseRunAllArgs(["--config", "two.config.ts", "--report-dir", "out", ...extra]);

describe("prepareRun", () => {
  it("resolves the system with the run's flags, the selection and a run folder under the report dir", async () => {
    const run = await prepareRun(args("--demo-bug", "slow"), {
      root,
      scenarios: [scenario("A-1"), scenario("A-2")],
    });
    assert.equal(run.system.name, "two");
    assert.deepEqual(run.system.services.db.command, ["node", "db.js", "slow"]);
    assert.deepEqual(
      run.selected.map((s) => s.definition.id),
      ["A-1", "A-2"],
    );
    assert.equal(run.runDir, join(root, "out", run.runId));
    assert.equal(run.logDir, join(run.runDir, "logs"));
    assert.ok(existsSync(join(root, "out")), "the report folder is made writable before the run");
  });

  it("a fault whose selector names nothing in this system is refused, naming the scenario and fault", async () => {
    await assert.rejects(
      prepareRun(args(), {
        root,
        scenarios: [scenario("A-1"), scenario("B-1", processChaos.kill("nosuch"))],
      }),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.equal(e.input, "scenario targets");
        assert.deepEqual(
          e.problems.map((p) => p.path),
          ["B-1.fault[0].selector"],
        );
        return true;
      },
    );
  });

  it("a report folder that cannot be written is found before the run, with what to do", async () => {
    await assert.rejects(
      prepareRun(parseRunAllArgs(["--config", "two.config.ts", "--report-dir", "a-file/reports"]), {
        root,
        scenarios: [scenario("A-1")],
      }),
      (e: unknown) => {
        assert.ok(e instanceof HivestormError);
        assert.equal(e.code, "E_REPORT_DIR");
        assert.match(e.message, /a-file\/reports/);
        return true;
      },
    );
  });

  it("a dry run writes nothing", async () => {
    const run = await prepareRun(
      parseRunAllArgs(["--config", "two.config.ts", "--report-dir", "dry-out", "--dry-run"]),
      { root, scenarios: [scenario("A-1")] },
    );
    assert.equal(existsSync(join(root, "dry-out")), false);
    assert.equal(existsSync(run.runDir), false);
  });

  it("bad input fails before anything: a missing config, an unknown --only id", async () => {
    await assert.rejects(
      prepareRun(parseRunAllArgs(["--config", "nope.config.ts"]), { root, scenarios: [] }),
      /config file nope\.config\.ts not found/,
    );
    await assert.rejects(prepareRun(args("--only", "Z-9"), { root, scenarios: [scenario("A-1")] }), /Z-9/);
  });
});
