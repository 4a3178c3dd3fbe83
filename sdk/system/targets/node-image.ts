// Builds a container image with no registry: the machine's own `node` binary and the libraries `ldd` lists,
// plus entry files bundled by esbuild into self-contained .mjs files, as one `FROM scratch` layer.
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, copyFile, mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join } from "node:path";
import { promisify } from "node:util";
import type Docker from "dockerode";
import { FaultError, PrerequisiteError, ValidationError } from "../../core/errors.ts";
import { nodeBinary } from "../../core/node-binary.ts";
import { dockerStatus, requireDocker } from "./docker-engine.ts";

export const DEFAULT_IMAGE_TAG = "hivestorm/node:local";
/** The image label that holds a hash of every input: an image with the same hash is up to date. */
export const INPUTS_LABEL = "hivestorm.image.inputs";

export interface NodeImageOptions {
  /** Files to bundle; each becomes /app/<name>.mjs (worker.ts → /app/worker.mjs). */
  entries: readonly string[];
  tag?: string;
  /** The node binary to copy in; this process's own unless given. */
  nodeBinary?: string;
  /** Rebuild even when the image is up to date. */
  force?: boolean;
  docker?: Docker;
  log?: (line: string) => void;
}

export interface NodeImageResult {
  tag: string;
  imageId: string;
  /** False when an image with the same inputs was already there. */
  built: boolean;
  sizeBytes: number;
  /** Paths inside the image of the bundled entries. */
  apps: string[];
  tookMs: number;
}

const run = promisify(execFile);

export async function buildNodeImage(options: NodeImageOptions): Promise<NodeImageResult> {
  const started = Date.now();
  const tag = options.tag ?? DEFAULT_IMAGE_TAG;
  const log = options.log ?? (() => {});
  await validate(options);
  const docker = await requireDocker(options.docker);

  const staging = await mkdtemp(join(tmpdir(), "hivestorm-image-"));
  try {
    const rootfs = join(staging, "rootfs");
    log(`bundling ${options.entries.length} entr${options.entries.length === 1 ? "y" : "ies"} with esbuild`);
    const apps = await bundle(options.entries, join(rootfs, "app"));
    const node = await realpath(options.nodeBinary ?? nodeBinary());
    const libs = await sharedLibraries(node);
    log(`node ${node} and ${libs.length} libraries from ldd`);
    const dockerfile = dockerfileFor(apps);
    const hash = await inputsHash(
      node,
      libs,
      apps.map((a) => join(rootfs, a)),
      dockerfile,
    );

    const existing = await docker
      .getImage(tag)
      .inspect()
      .catch((error: unknown) => {
        if (dockerStatus(error) === 404) return undefined;
        throw error;
      });
    if (!options.force && existing?.Config?.Labels?.[INPUTS_LABEL] === hash) {
      log(`${tag} is up to date (${existing.Id.slice(7, 19)})`);
      return {
        tag,
        imageId: existing.Id,
        built: false,
        sizeBytes: existing.Size,
        apps,
        tookMs: Date.now() - started,
      };
    }

    await copyInto(rootfs, node, "/usr/local/bin/node", 0o755);
    for (const lib of libs) await copyInto(rootfs, lib.source, lib.path, 0o755);
    await mkdir(join(rootfs, "tmp"), { recursive: true });
    await chmod(join(rootfs, "tmp"), 0o1777);
    await mkdir(join(rootfs, "etc"), { recursive: true });
    // Without it glibc asks DNS before /etc/hosts, and "localhost" waits on an unreachable resolver.
    await writeFile(join(rootfs, "etc", "nsswitch.conf"), "hosts: files dns\n");
    await writeFile(join(staging, "Dockerfile"), `${dockerfile}LABEL ${INPUTS_LABEL}="${hash}"\n`);

    log(`building ${tag} (FROM scratch)`);
    const tar = spawn("tar", ["-C", staging, "-cf", "-", "Dockerfile", "rootfs"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let tarError = "";
    tar.stderr.on("data", (b: Buffer) => {
      tarError += b.toString();
    });
    const tarDone = new Promise<number>((resolve, reject) => {
      tar.once("error", reject);
      tar.once("close", (code) => resolve(code ?? -1));
    });
    const stream = await docker.buildImage(tar.stdout, { t: tag, rm: true, forcerm: true });
    await followBuild(docker, stream, log);
    const code = await tarDone;
    if (code !== 0)
      throw new FaultError(`tar of the image context failed (exit ${code})`, { found: tarError.trim() });

    const image = await docker.getImage(tag).inspect();
    if (existing && existing.Id !== image.Id) {
      // The previous build of this tag is dangling now; a container may still use it, then it stays.
      await docker
        .getImage(existing.Id)
        .remove()
        .catch(() => {});
    }
    log(`built ${tag} ${image.Id.slice(7, 19)}, ${(image.Size / 1024 / 1024).toFixed(1)} MiB`);
    return { tag, imageId: image.Id, built: true, sizeBytes: image.Size, apps, tookMs: Date.now() - started };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function validate(options: NodeImageOptions): Promise<void> {
  const problems = [];
  if (!Array.isArray(options.entries) || options.entries.length === 0) {
    problems.push({ path: "entries", message: "expected at least one entry file to bundle" });
  }
  const names = new Set<string>();
  for (const [i, entry] of (options.entries ?? []).entries()) {
    const exists = await stat(entry).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!exists) problems.push({ path: `entries[${i}]`, message: `no such file: ${entry}` });
    const name = appName(entry);
    if (names.has(name)) problems.push({ path: `entries[${i}]`, message: `a second entry named ${name}` });
    names.add(name);
  }
  if (problems.length > 0) throw new ValidationError("image build options", problems);
}

function appName(entry: string): string {
  return `${basename(entry, extname(entry))}.mjs`;
}

/** Bundles each entry into `outDir`; returns their paths inside the image. */
async function bundle(entries: readonly string[], outDir: string): Promise<string[]> {
  const { build } = await import("esbuild");
  await mkdir(outDir, { recursive: true });
  const apps: string[] = [];
  for (const entry of entries) {
    const name = appName(entry);
    await build({
      entryPoints: [entry],
      outfile: join(outDir, name),
      bundle: true,
      platform: "node",
      format: "esm",
      target: `node${process.versions.node.split(".")[0]}`,
      logLevel: "silent",
      // Bundled CommonJS dependencies may call require() for built-ins.
      banner: {
        js: 'import { createRequire as __hsRequire } from "node:module"; const require = __hsRequire(import.meta.url);',
      },
    });
    apps.push(`/app/${name}`);
  }
  return apps;
}

interface Library {
  /** Where the loader looks for it (the path ldd printed). */
  path: string;
  /** The file itself (symlinks resolved). */
  source: string;
}

/** The shared libraries (and the loader) that `ldd` lists for `binary`. */
export async function sharedLibraries(binary: string): Promise<Library[]> {
  let stdout: string;
  try {
    ({ stdout } = await run("ldd", [binary]));
  } catch (error) {
    const text = `${(error as { stdout?: string }).stdout ?? ""}`;
    // A static binary needs nothing.
    if (/not a dynamic executable|statically linked/.test(text)) return [];
    throw new PrerequisiteError(`cannot list the libraries of ${binary} with ldd`, {
      found: (error as Error).message,
      hint: "install libc-bin (ldd) or pass a statically linked node binary",
    });
  }
  const libs: Library[] = [];
  for (const line of stdout.split("\n")) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (!m) continue;
    libs.push({ path: m[1], source: await realpath(m[1]) });
  }
  return libs;
}

function dockerfileFor(apps: string[]): string {
  return [
    "FROM scratch",
    "COPY rootfs/ /",
    "ENV PATH=/usr/local/bin NODE_ENV=production",
    "WORKDIR /app",
    `CMD ${JSON.stringify(["node", apps[0]])}`,
    "",
  ].join("\n");
}

async function inputsHash(
  node: string,
  libs: Library[],
  bundles: string[],
  dockerfile: string,
): Promise<string> {
  const h = createHash("sha256").update(dockerfile);
  for (const file of [node, ...libs.map((l) => l.source)]) {
    const s = await stat(file);
    h.update(`${file}\0${s.size}\0${s.mtimeMs}\0`);
  }
  for (const file of bundles) h.update(await readFile(file));
  return h.digest("hex").slice(0, 32);
}

async function copyInto(rootfs: string, source: string, path: string, mode: number): Promise<void> {
  const target = join(rootfs, path);
  await mkdir(dirname(target), { recursive: true });
  await copyFile(source, target);
  await chmod(target, mode);
}

/** Streams the build's progress to `log` and fails on the first error the engine reports. */
function followBuild(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  log: (line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, output: Array<{ error?: string }>) => {
        const failed = error?.message ?? output.find((o) => o.error)?.error;
        if (failed) reject(new FaultError("docker build failed", { found: failed }));
        else resolve();
      },
      (event: { stream?: string }) => {
        const line = event.stream?.trim();
        if (line?.startsWith("Step ")) log(`  ${line}`);
      },
    );
  });
}
