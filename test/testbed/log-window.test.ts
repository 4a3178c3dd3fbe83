import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { SystemDefinition } from "../../sdk/system/definition.ts";
import { linesSince, markLogs, serviceLogFiles } from "../../sdk/testbed/log-window.ts";

describe("log windows", () => {
  const dir = mkdtempSync(join(tmpdir(), "hs-logwin-"));
  const declared = join(dir, "app.jsonl");
  const system: SystemDefinition = {
    name: "x",
    services: {
      app: { url: "http://127.0.0.1:1", logFiles: [declared, join(dir, "app.out.log")] },
      db: { url: "http://127.0.0.1:2" },
    },
    traffic: { service: "app", path: "/" },
  };

  it("lists every service's declared log files and captured output, each once", () => {
    assert.deepEqual(serviceLogFiles(system, dir), [
      { service: "app", file: declared },
      { service: "app", file: join(dir, "app.out.log") },
      { service: "db", file: join(dir, "db.out.log") },
    ]);
  });

  it("returns only what was written after the mark, whatever the format, and nothing for quiet files", () => {
    writeFileSync(declared, "before 1\nbefore 2\n");
    const files = serviceLogFiles(system, dir);
    const marks = markLogs(files);
    appendFileSync(declared, "during 1\nduring 2\n");
    writeFileSync(join(dir, "db.out.log"), "db during\n");
    assert.deepEqual(linesSince(files, marks), [
      { service: "app", file: declared, lines: ["during 1", "during 2"] },
      { service: "db", file: join(dir, "db.out.log"), lines: ["db during"] },
    ]);
  });

  it("keeps at most maxBytes of a file, the newest", () => {
    const f = join(dir, "big.log");
    writeFileSync(f, "");
    const files = [{ service: "big", file: f }];
    const marks = markLogs(files);
    appendFileSync(f, `${"old\n".repeat(100)}newest\n`);
    const [got] = linesSince(files, marks, 12);
    assert.equal(got.lines.at(-1), "newest");
    assert.ok(got.lines.length <= 4);
  });
});
