#!/usr/bin/env -S node --max-semi-space-size=1 --optimize-for-size --single-threaded --compact-on-every-full-gc --interrupt-budget=1081344
// hivestorm-toxiproxy: the standalone Toxiproxy-compatible server (main.ts) as plain JavaScript, so that no
// TypeScript loader lives in the server process (tsx's worker thread alone costs about 30 MB). The sources are
// bundled with esbuild on first use into node_modules/.cache/hivestorm/ (else the system's temporary folder;
// HIVESTORM_CACHE_DIR overrides both) and rebuilt when one of them changes; then the bundle runs in this process.
// --max-semi-space-size=1 caps V8's young generation at 1 MB per semi-space (with 1000 open connections the
// default lets it grow to 8 MB of mostly empty pages), --optimize-for-size trades a little speed for memory, and
// --single-threaded keeps V8's compiler and garbage collector on the main thread, so that no helper thread keeps
// a malloc arena of its own (about 1.5 MB at 1000 connections, for the same CPU per request);
// --compact-on-every-full-gc gives back the old generation's half-empty pages at each full collection instead of
// keeping them for later (1.3 MB just after 1000 connections opened, same CPU per request);
// --interrupt-budget=1081344 (16 times V8's) lets a function run 16 times longer before the optimising compiler
// is asked for it: a thousand connections opening do not wake the compiler (its code is 3.6 MB of the binary's
// pages, and its work 2 MB more), a stream of proxied requests still does within about a second, and
// the CPU per request is the same once it has. Figures in
// bench/README.md (`npx tsx bench/proxy.ts --compare-flags`).
// This file and the bundle are CommonJS: an ES module main starts Node's ESM loader, whose modules and the libuv
// thread pool it starts cost about 1 MB resident for nothing here.
"use strict";
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join, resolve } = require("node:path");

const HERE = __dirname;
const ROOT = resolve(HERE, "../..");
const BUNDLE = "toxiproxy-server.cjs";
const META = "toxiproxy-server.cjs.json";
const ENTRY_NAME = "hivestorm-toxiproxy-entry.ts";
const ENTRY =
  'import { runToxiproxyServer } from "./main.ts";\nvoid runToxiproxyServer(process.argv.slice(2));\n';

/** Size and modification time of every source the bundle was built from; undefined if one is gone. */
function stamp(inputs) {
  try {
    return JSON.stringify(
      inputs.map((file) => {
        const s = statSync(join(ROOT, file));
        return [file, s.size, s.mtimeMs];
      }),
    );
  } catch {
    return undefined;
  }
}

function cacheDirs() {
  if (process.env.HIVESTORM_CACHE_DIR) return [process.env.HIVESTORM_CACHE_DIR];
  const user = process.getuid?.() ?? "user";
  return [join(ROOT, "node_modules", ".cache", "hivestorm"), join(tmpdir(), `hivestorm-${user}`)];
}

function cached(dir) {
  try {
    const meta = JSON.parse(readFileSync(join(dir, META), "utf8"));
    const bundle = join(dir, BUNDLE);
    if (meta.stamp !== undefined && meta.stamp === stamp(meta.inputs) && statSync(bundle).isFile())
      return bundle;
  } catch {
    // no usable bundle here
  }
  return undefined;
}

function build() {
  // Loaded only when building, so that a cached start does not carry esbuild's module.
  const { buildSync } = require("esbuild");
  let failure;
  for (const dir of cacheDirs()) {
    try {
      mkdirSync(dir, { recursive: true });
      const part = join(dir, `toxiproxy-server.${process.pid}`);
      const result = buildSync({
        stdin: {
          contents: ENTRY,
          resolveDir: HERE,
          sourcefile: ENTRY_NAME,
          loader: "ts",
        },
        absWorkingDir: ROOT,
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        outfile: `${part}.cjs`,
        metafile: true,
        legalComments: "none",
        logLevel: "error",
      });
      const inputs = Object.keys(result.metafile.inputs).filter((file) => !file.endsWith(ENTRY_NAME));
      writeFileSync(`${part}.json`, JSON.stringify({ inputs, stamp: stamp(inputs) }));
      // Renamed into place, so that a server starting meanwhile never reads half a file.
      renameSync(`${part}.cjs`, join(dir, BUNDLE));
      renameSync(`${part}.json`, join(dir, META));
      return join(dir, BUNDLE);
    } catch (error) {
      failure = error;
    }
  }
  throw new Error(
    `hivestorm-toxiproxy: cannot build the server into ${cacheDirs().join(" or ")}: ${failure}`,
  );
}

let bundle;
for (const dir of cacheDirs()) bundle ??= cached(dir);
require(bundle ?? build());
