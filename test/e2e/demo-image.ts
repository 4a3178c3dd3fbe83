// What the container tests share: whether a Docker engine answers, the demo's image, built when its sources
// changed (a second when .ci/run built it already), and the check that no container of the demo was left.
import assert from "node:assert/strict";
import { join } from "node:path";
import { listContainers } from "../../sdk/system/targets/docker-containers.ts";
import { dockerAvailability } from "../../sdk/system/targets/docker-engine.ts";
import { buildNodeImage } from "../../sdk/system/targets/node-image.ts";
import { shifted } from "../integration/run-all-child.ts";

/** Why the container tests cannot run here (no engine answering), or false. */
export async function dockerSkip(): Promise<string | false> {
  const d = await dockerAvailability();
  return d.ok ? false : `no Docker engine (${d.reason}): bash .ci/setup-docker.sh`;
}

/** The demo's services as the local image the docker target runs. */
export async function buildDemoImage(): Promise<void> {
  await buildNodeImage({
    entries: ["queen", "hive", "worker"].map((s) => join(process.cwd(), `demo/rbee/${s}.ts`)),
  });
}

/** No container of the demo at this port offset left (their cgroups, limits and mounts went with them). */
export async function assertNoDemoContainers(offset: number): Promise<void> {
  const left = await listContainers({
    names: [
      `hivestorm-hive-${9201 + shifted(offset)}`,
      `hivestorm-queen-${8081 + shifted(offset)}`,
      `hivestorm-worker-${9300 + shifted(offset)}`,
    ],
  });
  assert.deepEqual(
    left.map((c) => c.Names),
    [],
    "no container left",
  );
}
