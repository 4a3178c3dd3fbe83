// resolveTarget for resource faults: a container whose engine-reported pid is not a process of that container on
// this machine (another engine's container) is refused before anything is changed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type Docker from "dockerode";
import { resolveTarget } from "../../../sdk/chaos/resource/target-ref.ts";
import { PrerequisiteError } from "../../../sdk/core/errors.ts";
import { DockerTarget } from "../../../sdk/system/targets/docker-target.ts";

/** A container as another engine reports it: its id, and a pid that here belongs to this test's own process. */
class RemoteContainer extends DockerTarget {
  override async inspect() {
    return { Id: "f".repeat(64), State: { Running: true, Paused: false, Pid: process.pid } } as never;
  }
}

describe("resolveTarget (resource faults)", () => {
  it("refuses a container whose reported pid is not one of its processes here, naming the fix", async () => {
    const target = new RemoteContainer({
      container: "elsewhere",
      id: "worker-1",
      docker: { getContainer: () => ({}) } as unknown as Docker,
    });
    await assert.rejects(
      resolveTarget(target, {} as never),
      (e: unknown) =>
        e instanceof PrerequisiteError &&
        new RegExp(`pid ${process.pid}, which its engine reports, is not a process of that container`).test(
          e.message,
        ) &&
        /this machine's engine/.test(JSON.stringify(e.details)),
    );
  });
});
