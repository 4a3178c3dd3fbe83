// What the container tests share: whether a Docker engine answers, and the demo's image, built when its
// sources changed (a second when .ci/run built it already).
import { join } from "node:path";
import { dockerAvailability } from "../../sdk/system/targets/docker-engine.ts";
import { buildNodeImage } from "../../sdk/system/targets/node-image.ts";

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
