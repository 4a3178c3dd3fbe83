import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { ValidationError } from "../../sdk/core/errors.ts";
import { validateChaosMesh } from "../../sdk/export/chaos-mesh/validate.ts";
import { parseExportArgs } from "../../sdk/export/export-args.ts";

const root = resolve(import.meta.dirname, "../..");

describe("parseExportArgs", () => {
  it("reads every flag, with defaults", () => {
    assert.deepEqual(parseExportArgs(["--to", "chaos-mesh", "--out", "k8s"]), {
      to: "chaos-mesh",
      out: "k8s",
      only: [],
      namespace: "default",
      labelKey: "app.kubernetes.io/name",
      peers: {},
      parallelism: 1,
      config: "hivestorm.config.ts",
      help: false,
    });
    const a = parseExportArgs([
      ...["--to=chaos-mesh", "--out=k8s", "--only", "NF-001,NF-002", "--namespace", "rbee", "--label", "app"],
      ...["--peer", "hive=queen", "--peer", "worker=hive,queen", "--parallelism", "4"],
      ...["--base-url", "http://queen.rbee:8080", "--prometheus-rw", "http://prom:9090/api/v1/write"],
    ]);
    assert.deepEqual(a.only, ["NF-001", "NF-002"]);
    assert.deepEqual(a.peers, { hive: ["queen"], worker: ["hive", "queen"] });
    assert.equal(a.parallelism, 4);
    assert.equal(a.baseUrl, "http://queen.rbee:8080");
    assert.equal(a.prometheusRw, "http://prom:9090/api/v1/write");
  });

  it("names every problem in one error", () => {
    let error: unknown;
    try {
      parseExportArgs([
        ...["--to", "litmus", "--namespace", "Bad_NS", "--parallelism", "0", "--peer", "hive"],
        ...["--base-url", "queen:8080", "--label", "no spaces", "--frobnicate", "--", "extra"],
      ]);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ValidationError);
    assert.deepEqual(error.problems.map((p) => p.path).sort(), [
      "--base-url",
      "--frobnicate",
      "--label",
      "--namespace",
      "--out",
      "--parallelism",
      "--peer",
      "--to",
      "arguments",
    ]);
    assert.match(error.message, /\(9 problems\)/);
  });

  it("needs nothing with --help", () => {
    assert.equal(parseExportArgs(["--help"]).help, true);
  });
});

describe("scripts/export.ts", () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", join(root, "scripts/export.ts"), ...args], {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
    });

  it("exits 2 on bad flags, naming every problem", () => {
    const r = run(["--to", "k8s", "--parallelism", "x"]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--to: expected chaos-mesh, found "k8s"/);
    assert.match(r.stderr, /--out: required/);
    assert.match(r.stderr, /--parallelism: expected a whole number/);
    assert.match(r.stderr, /Usage:/);
  });

  it("exits 2 on an unknown scenario id", () => {
    const r = run(["--to", "chaos-mesh", "--out", join(tmpdir(), "hs-never"), "--only", "NF-999"]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--only: no scenario with id NF-999/);
  });

  it("writes one folder per scenario and an index, every manifest valid", () => {
    const out = mkdtempSync(join(tmpdir(), "hs-export-"));
    try {
      const r = run([
        "--to",
        "chaos-mesh",
        "--out",
        out,
        "--namespace",
        "rbee",
        "--peer",
        "hive=queen",
        "--only",
        "NF-001,NF-002,NF-006",
      ]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /2 exported, 1 refused/);
      for (const id of ["nf-001", "nf-002"]) {
        for (const f of ["workflow.yaml", "load.yaml", "README.md"])
          assert.ok(existsSync(join(out, id, f)), `${id}/${f}`);
        const wf = parseAllDocuments(readFileSync(join(out, id, "workflow.yaml"), "utf8"))[0].toJS();
        assert.deepEqual(validateChaosMesh(wf), []);
      }
      assert.equal(existsSync(join(out, "nf-006")), false);
      const index = readFileSync(join(out, "README.md"), "utf8");
      assert.match(index, /\| NF-006 .* \| refused: cannot export network-slice/);
      assert.match(index, /\[exported\]\(nf-001\/README.md\)/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
