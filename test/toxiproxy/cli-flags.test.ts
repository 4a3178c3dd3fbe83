import assert from "node:assert/strict";
import { test } from "node:test";
import { ValidationError } from "../../sdk/core/errors.ts";
import { parseServerFlags } from "../../sdk/toxiproxy/cli-flags.ts";

test("defaults are upstream's: localhost:8474", () => {
  assert.deepEqual(parseServerFlags([]), {
    host: "localhost",
    port: 8474,
    allowNonLoopback: false,
    proxyMetrics: false,
    runtimeMetrics: false,
    version: false,
    help: false,
  });
});

test("-flag value, -flag=value, --flag value and --flag=value all work", () => {
  const a = parseServerFlags([
    "-host",
    "127.0.0.1",
    "-port=9000",
    "--config",
    "p.json",
    "--allow-non-loopback",
  ]);
  assert.equal(a.host, "127.0.0.1");
  assert.equal(a.port, 9000);
  assert.equal(a.config, "p.json");
  assert.equal(a.allowNonLoopback, true);
  assert.equal(parseServerFlags(["--port=0"]).port, 0);
  assert.equal(parseServerFlags(["-allow-non-loopback=false"]).allowNonLoopback, false);
  assert.equal(parseServerFlags(["-version"]).version, true);
  assert.equal(parseServerFlags(["-h"]).help, true);
  const metrics = parseServerFlags(["-proxy-metrics", "--runtime-metrics=true"]);
  assert.equal(metrics.proxyMetrics, true);
  assert.equal(metrics.runtimeMetrics, true);
  assert.equal(parseServerFlags(["-seed", "42"]).port, 8474, "-seed is accepted and ignored, as upstream");
});

test("bad flags: one ValidationError listing every problem", () => {
  assert.throws(
    () => parseServerFlags(["-port", "http", "-bogus", "-proxy-metrics=maybe", "extra", "-config"]),
    (e: ValidationError) => {
      assert.ok(e instanceof ValidationError);
      assert.deepEqual(
        e.problems.map((p) => p.path),
        ["-port", "-bogus", "-proxy-metrics", "extra", "-config"],
      );
      assert.match(e.message, /-bogus: flag provided but not defined/);
      assert.match(e.message, /-proxy-metrics: invalid boolean value "maybe"/);
      return true;
    },
  );
  assert.throws(() => parseServerFlags(["-port", "70000"]), /expected a port from 0 to 65535/);
  assert.throws(() => parseServerFlags(["-version=maybe"]), /invalid boolean value/);
  assert.throws(() => parseServerFlags(["-host="]), /empty string/);
});
