// The model cache: POST /v1/models/{name} writes a model file. A full disk (ENOSPC) is a 507 and the hive
// keeps serving; `crash-on-enospc` makes it crash instead, as a service with no handler for it would.
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Bugs } from "../lib/bugs.ts";
import { readJsonObject, retryAfter, sendJson } from "../lib/http.ts";
import type { Logger } from "../lib/log.ts";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_MB = 1 << 16;

export interface CacheState {
  dir: string;
  state: "ok" | "full" | "error";
  lastError: string | null;
  files: number;
}

export class ModelCache {
  private state: CacheState["state"] = "ok";
  private lastError: string | null = null;
  private files = 0;

  constructor(
    readonly dir: string,
    private readonly bugs: Bugs,
    private readonly log: Logger,
  ) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.files = (await readdir(this.dir)).filter((f) => !f.endsWith(".partial")).length;
  }

  snapshot(): CacheState {
    return { dir: this.dir, state: this.state, lastError: this.lastError, files: this.files };
  }

  async list(res: ServerResponse): Promise<void> {
    const names = (await readdir(this.dir)).filter((f) => !f.endsWith(".partial"));
    const models = await Promise.all(
      names.map(async (name) => ({
        name,
        bytes: (await stat(join(this.dir, name)).catch(() => undefined))?.size ?? 0,
      })),
    );
    sendJson(res, 200, { dir: this.dir, models });
  }

  async remove(name: string, res: ServerResponse): Promise<void> {
    if (!NAME.test(name)) return sendJson(res, 400, { error: "invalid name", problems: [nameProblem(name)] });
    await rm(join(this.dir, name), { force: true });
    this.files = (await readdir(this.dir)).filter((f) => !f.endsWith(".partial")).length;
    this.state = "ok";
    sendJson(res, 200, { removed: name });
  }

  /** JSON `{"size_mb": N}` writes N MiB of filler; any other content type is written as raw bytes. */
  async write(name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const json = (req.headers["content-type"] ?? "").includes("application/json");
    const problems: string[] = [];
    if (!NAME.test(name)) problems.push(nameProblem(name));
    let sizeMb = 0;
    if (json) {
      const body = await readJsonObject(req);
      const n = body.size_mb;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > MAX_MB) {
        problems.push(`size_mb: expected an integer 0..${MAX_MB}, found ${JSON.stringify(n)}`);
      } else sizeMb = n;
    }
    if (problems.length > 0) {
      req.resume();
      return sendJson(res, 400, { error: "invalid model upload", problems });
    }
    const target = join(this.dir, name);
    const partial = `${target}.${process.pid}.partial`;
    const started = Date.now();
    try {
      const out = createWriteStream(partial);
      await pipeline(json ? filler(sizeMb) : req, out);
      await rename(partial, target);
      const bytes = (await stat(target)).size;
      this.files = (await readdir(this.dir)).filter((f) => !f.endsWith(".partial")).length;
      this.state = "ok";
      this.lastError = null;
      this.log.event("model_cached", { name, bytes, ms: Date.now() - started });
      sendJson(res, 201, { name, bytes, path: target });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      await rm(partial, { force: true }).catch(() => undefined);
      if (code === "ENOSPC" || code === "EDQUOT") {
        this.state = "full";
        this.lastError = code;
        this.log.event("enospc", { name, sizeMb, code, dir: this.dir });
        if (this.bugs.has("crash-on-enospc")) {
          this.log.event("crashing", { reason: "crash-on-enospc" });
          // Thrown outside any handler, as an unguarded write callback would.
          setImmediate(() => {
            throw err;
          });
          return;
        }
        return sendJson(res, 507, { error: "insufficient storage", reason: `${code} writing ${name}` });
      }
      if (code === "EMFILE" || code === "ENFILE") {
        this.log.event("emfile", { where: "model cache", code });
        return sendJson(
          res,
          503,
          { error: "too many open files", reason: code },
          retryAfter(1, this.bugs.has("no-retry-after")),
        );
      }
      this.state = "error";
      this.lastError = code ?? String(err);
      this.log.event("cache_write_failed", { name, code, message: String(err) });
      sendJson(res, 500, { error: "cache write failed", reason: code ?? String(err) });
    }
  }
}

function nameProblem(name: string): string {
  return `name: expected letters, digits, '.', '_' or '-' (1..128, not starting with '.'), found ${JSON.stringify(name)}`;
}

/** N MiB of non-zero bytes, one MiB at a time (zero pages could be sparse on some filesystems). */
async function* filler(mb: number): AsyncGenerator<Buffer> {
  const chunk = Buffer.alloc(1 << 20, 0x5a);
  for (let i = 0; i < mb; i++) yield chunk;
}
