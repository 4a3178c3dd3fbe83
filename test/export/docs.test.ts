import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { CHAOS_MESH_MAPPERS } from "../../sdk/export/chaos-mesh/registry.ts";

const doc = readFileSync(resolve(import.meta.dirname, "../../docs/kubernetes.md"), "utf8");

describe("docs/kubernetes.md", () => {
  it("has a mapping row for every fault kind the registry knows", () => {
    const rows = doc.split("\n").filter((l) => l.startsWith("| `"));
    for (const kind of Object.keys(CHAOS_MESH_MAPPERS))
      assert.ok(
        rows.some((r) => r.startsWith(`| \`${kind}\``)),
        `docs/kubernetes.md has no row for ${kind}`,
      );
  });
});
