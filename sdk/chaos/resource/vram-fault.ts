// VRAM exhaustion. Without an accelerator (as here) it acts on a simulated VRAM budget that the service itself
// exposes: its health answer reports `vram: { budgetMb, usedMb, requestsMb? }`, and a hold endpoint takes
// POST {mb} and DELETE (paths given with `.simulated({ health, hold })`); the report says it was simulated. With `.device(i)` on a
// machine with an NVIDIA GPU it runs a real hog instead: a small Python process that allocates the share of the
// device's free memory through the CUDA driver API (libcuda, shipped with the driver) and holds it until revert.
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { FaultError, NonLoopbackTargetError, PrerequisiteError, type Problem } from "../../core/errors.ts";
import { isLoopbackHost } from "../../core/loopback.ts";
import type { ChaosContext } from "../context.ts";
import type { Applied } from "../fault.ts";
import { sleep } from "./proc-info.ts";
import { type BaseState, numberProblem, ResourceFault } from "./resource-fault.ts";
import { groupAlive, killGroup } from "./stress-ng.ts";

const run = promisify(execFile);
export const NVIDIA_ENABLE =
  "a machine with an NVIDIA GPU, its driver (nvidia-smi, libcuda.so.1) and python3";

export interface VramState extends BaseState {
  percent: number;
  /** Workers whose simulated VRAM is occupied (their own URLs). */
  urls: readonly string[];
  /** A real device instead of the simulation. */
  device?: number;
  /** The service's simulated-VRAM endpoints (paths on each URL). */
  endpoint?: SimulatedVramEndpoint;
}

export interface SimulatedVramEndpoint {
  /** GET: answers JSON with `vram: { budgetMb, usedMb, requestsMb? }`. */
  health: string;
  /** POST { mb } holds that much; DELETE releases it. */
  hold: string;
}

interface SimulatedVram {
  budgetMb: number;
  usedMb: number;
  /** Held by requests in flight: released when they end, so not counted as already occupied. */
  requestsMb?: number;
}

export class VramFault extends ResourceFault<VramState> {
  readonly kind = "resource-vram";

  constructor(state: Partial<VramState> & { percent: number }) {
    super({ urls: [], ...state });
  }

  protected copy(s: VramState): this {
    return new VramFault(s) as this;
  }

  /** The workers (their URLs) whose simulated VRAM is filled. */
  on(urls: string | readonly string[]): this {
    const list = [urls].flat();
    return this.with({ urls: list, target: list.join(",") });
  }

  /** The endpoints of the simulated budget the service exposes (see SimulatedVramEndpoint). */
  simulated(endpoint: SimulatedVramEndpoint): VramFault {
    return this.with({ endpoint });
  }

  /** A real NVIDIA device (index) instead of the simulated budget. */
  device(index: number): VramFault {
    return this.with({ device: index, target: `gpu${index}` });
  }

  protected override targetProblems(): Problem[] {
    if (this.s.device !== undefined) return numberProblem("device", this.s.device, 0, 64, "a device index");
    const p: Problem[] = [];
    if (this.s.urls.length === 0)
      p.push({ path: "on", message: "no worker URL given: add .on(urls) or .device(i)" });
    if (!this.s.endpoint)
      p.push({
        path: "simulated",
        message:
          "no simulated-VRAM endpoints: add .simulated({ health, hold }) (the service's own API) or .device(i)",
      });
    for (const [i, u] of this.s.urls.entries()) {
      try {
        if (!isLoopbackHost(new URL(u).hostname))
          p.push({ path: `on[${i}]`, message: `expected a loopback URL, found ${u}` });
      } catch {
        p.push({ path: `on[${i}]`, message: `expected a URL, found ${JSON.stringify(u)}` });
      }
    }
    return p;
  }

  protected problems(): Problem[] {
    return numberProblem("percent", this.s.percent, 1, 100, "a percentage");
  }

  protected params(): Record<string, unknown> {
    return {
      percent: this.s.percent,
      urls: this.s.urls,
      device: this.s.device,
      simulated: this.s.device === undefined,
      endpoint: this.s.endpoint,
    };
  }

  describe(): string {
    return this.s.device !== undefined
      ? `vram: hold ${this.s.percent}% of the free memory of GPU ${this.s.device}`
      : `vram: occupy ${this.s.percent}% of the simulated VRAM of ${this.s.urls.length} worker(s)`;
  }

  async applyRaw(_ctx: ChaosContext): Promise<Applied> {
    return this.s.device !== undefined ? this.#device(this.s.device) : this.#simulated();
  }

  async #simulated(): Promise<Applied> {
    const occupied: string[] = [];
    const { health: healthPath, hold } = this.s.endpoint!;
    const release = async () => {
      for (const u of occupied) await call(u, "DELETE", hold).catch(() => {});
    };
    const facts: Record<string, unknown>[] = [];
    try {
      for (const u of this.s.urls) {
        if (!isLoopbackHost(new URL(u).hostname))
          throw new NonLoopbackTargetError(u, "vram faults are loopback only");
        const health = (await call(u, "GET", healthPath)) as { vram?: SimulatedVram };
        if (!health.vram || typeof health.vram.budgetMb !== "number")
          throw new PrerequisiteError(
            `${u} reports no simulated VRAM (GET ${healthPath} has no vram.budgetMb)`,
            {
              hint: "the simulated VRAM fault needs the service's simulated-VRAM endpoints; on a GPU machine use .device(i)",
            },
          );
        const held = health.vram.usedMb - (health.vram.requestsMb ?? 0);
        const mb = Math.max(0, Math.ceil((this.s.percent / 100) * health.vram.budgetMb) - held);
        await call(u, "POST", hold, { mb });
        occupied.push(u);
        facts.push({ url: u, occupiedMb: mb, budgetMb: health.vram.budgetMb });
      }
    } catch (error) {
      await release();
      throw error;
    }
    const how = `simulated VRAM (no accelerator on this machine): occupied ${this.s.percent}% of the budget of ${occupied.length} worker(s) through POST ${hold}`;
    this.tell("applied", how, { simulated: true, workers: facts });
    return {
      revert: async () => {
        await release();
        this.tell("reverted", how, { simulated: true });
      },
      reap: { kind: "resource-vram-simulated", urls: occupied, hold },
    };
  }

  async #device(index: number): Promise<Applied> {
    try {
      await run("nvidia-smi", ["-L"], { timeout: 10_000 });
      await run("python3", ["--version"], { timeout: 5000 });
    } catch {
      throw new PrerequisiteError("no NVIDIA GPU here (nvidia-smi or python3 missing)", {
        hint: NVIDIA_ENABLE,
      });
    }
    const child = spawn("python3", ["-c", HOG, String(index), String(this.s.percent)], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr?.on("data", (c: Buffer) => {
      out += c.toString();
    });
    for (let i = 0; i < 300 && !/^held /m.test(out) && child.exitCode === null; i++) await sleep(100);
    if (!/^held /m.test(out)) {
      killGroup(child.pid!, "SIGKILL");
      throw new FaultError(`the VRAM hog on GPU ${index} did not allocate`, {
        found: out.trim() || "no output in 30 s",
      });
    }
    const how = `real VRAM hog on GPU ${index}: ${out.trim().split("\n").pop()}`;
    this.tell("applied", how, { simulated: false, device: index });
    return {
      revert: async () => {
        killGroup(child.pid!, "SIGKILL");
        for (let i = 0; i < 50 && groupAlive(child.pid!); i++) await sleep(100);
        this.tell("reverted", how, { simulated: false });
      },
      reap: { kind: "resource-stress", pgid: child.pid, command: "python3" },
    };
  }
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(new URL(path, base), {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(3000),
  });
  if (!res.ok)
    throw new FaultError(`${method} ${new URL(path, base)} answered ${res.status}`, {
      found: (await res.text()).slice(0, 200),
    });
  return res.json();
}

// Allocates `percent` of the device's free memory with the driver API and sleeps until killed.
const HOG = `
import ctypes, sys, time
dev, pct = int(sys.argv[1]), float(sys.argv[2])
cu = ctypes.CDLL("libcuda.so.1")
def ok(r, what):
    if r != 0: sys.exit(f"{what} failed: CUresult {r}")
ok(cu.cuInit(0), "cuInit")
d = ctypes.c_int(); ok(cu.cuDeviceGet(ctypes.byref(d), dev), "cuDeviceGet")
ctx = ctypes.c_void_p(); ok(cu.cuCtxCreate_v2(ctypes.byref(ctx), 0, d), "cuCtxCreate")
free, total = ctypes.c_size_t(), ctypes.c_size_t()
ok(cu.cuMemGetInfo_v2(ctypes.byref(free), ctypes.byref(total)), "cuMemGetInfo")
want = int(free.value * pct / 100)
ptr = ctypes.c_uint64(); ok(cu.cuMemAlloc_v2(ctypes.byref(ptr), ctypes.c_size_t(want)), "cuMemAlloc")
print(f"held {want} bytes of {total.value} (free was {free.value})", flush=True)
while True: time.sleep(3600)
`;
