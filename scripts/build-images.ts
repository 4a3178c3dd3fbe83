// Builds the local image the docker target runs, with no registry:
//   npx tsx scripts/build-images.ts [--tag hivestorm/node:local] [--force] [entry.ts ...]
// Without entries it bundles demo/rbee/{queen,hive,worker}.ts (those that exist), else docker/placeholder/server.ts.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildNodeImage, DEFAULT_IMAGE_TAG, HivestormError } from "../sdk/index.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
let tag = DEFAULT_IMAGE_TAG;
let force = false;
const entries: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--tag") tag = args[++i] ?? "";
  else if (args[i] === "--force") force = true;
  else if (args[i] === "--help") {
    console.log("usage: npx tsx scripts/build-images.ts [--tag NAME:TAG] [--force] [entry.ts ...]");
    process.exit(0);
  } else entries.push(args[i]);
}
if (entries.length === 0) {
  const demo = ["queen", "hive", "worker"]
    .map((s) => `${root}demo/rbee/${s}.ts`)
    .filter((f) => existsSync(f));
  entries.push(...(demo.length > 0 ? demo : [`${root}docker/placeholder/server.ts`]));
}

try {
  const result = await buildNodeImage({ entries, tag, force, log: (line) => console.log(line) });
  console.log(
    `${result.built ? "built" : "up to date"}: ${result.tag} (${(result.sizeBytes / 1024 / 1024).toFixed(1)} MiB, ` +
      `${result.apps.join(", ")}) in ${(result.tookMs / 1000).toFixed(1)} s`,
  );
} catch (error) {
  console.error(error instanceof HivestormError ? `build-images: ${error.message}` : error);
  process.exit(1);
}
