// --compose FILE: implies the docker target, refuses the process target and an empty path.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRunAllArgs } from "../../sdk/runner/args.ts";

describe("run-all --compose", () => {
  it("implies --target docker", () => {
    const a = parseRunAllArgs(["--compose", "demo/rbee/docker-compose.yml"]);
    assert.equal(a.compose, "demo/rbee/docker-compose.yml");
    assert.equal(a.target, "docker");
    assert.equal(parseRunAllArgs([]).compose, undefined);
  });

  it("refuses --target process and an empty path, with the other bad flags", () => {
    assert.throws(
      () => parseRunAllArgs(["--compose", "x.yml", "--target", "process", "--suite", "nope"]),
      (e: Error) =>
        /--compose: a compose file's services run as containers/.test(e.message) &&
        /--suite: unknown suite "nope"/.test(e.message),
    );
    assert.throws(() => parseRunAllArgs(["--compose="]), /--compose: expected a path/);
  });
});
