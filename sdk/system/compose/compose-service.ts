// One service of a compose file, checked and normalised into what hivestorm can run: every key it reads is
// handled here, and every key it does not support is a problem named, never ignored.
import { dirname, isAbsolute, resolve } from "node:path";
import { parse as parseShell } from "shell-quote";
import { parseDuration } from "../../core/duration.ts";
import type { Problem } from "../../core/errors.ts";

export interface ComposeService {
  name: string;
  image: string;
  command?: string[];
  environment: Record<string, string>;
  /** The ports it listens on (host network: published = container port). */
  ports: number[];
  /** From `healthcheck.test`: the URL hivestorm probes from outside the container. */
  health?: { path: string; port: number; startTimeoutMs: number };
  dependsOn: string[];
  /** Bind mounts, host path:container path[:ro]. */
  binds: string[];
  containerName?: string;
  memoryBytes?: number;
  labels: Record<string, string>;
  /** restart: always | unless-stopped | on-failure. */
  keepRunning: boolean;
  stopGraceMs?: number;
}

/** The service keys hivestorm reads; any other (but x-*) is refused with this list. */
export const SUPPORTED_SERVICE_KEYS = [
  "image",
  "command",
  "environment",
  "ports",
  "healthcheck",
  "depends_on",
  "volumes",
  "container_name",
  "network_mode",
  "mem_limit",
  "labels",
  "restart",
  "init",
  "stop_grace_period",
] as const;

/** Why a key is refused, when there is more to say than "not supported". */
const WHY_NOT: Record<string, string> = {
  build:
    "hivestorm does not build images: build it beforehand (e.g. npx tsx scripts/build-images.ts) and name it in image",
  networks: "containers run on the host network (network_mode: host); no other network exists here",
  entrypoint: "the image's entrypoint is used; put the program in command",
  deploy: "one container per service; for more instances declare more services",
  env_file: "put the variables in environment",
  tmpfs: "not translated yet; a bind mount works (volumes)",
  profiles: "every service of the file is started",
};

const str = (v: unknown): v is string => typeof v === "string" && v !== "";

/** Checks and normalises `raw` (the interpolated service mapping); problems are pushed with `at` as prefix. */
export function composeService(
  name: string,
  raw: unknown,
  o: { file: string; at: string; problems: Problem[]; env: Readonly<Record<string, string | undefined>> },
): ComposeService | undefined {
  const { at, problems } = o;
  const problem = (path: string, message: string) => problems.push({ path: `${at}${path}`, message });
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    problem("", "expected a mapping of the service's keys (image, command, ports, ...)");
    return undefined;
  }
  const s = raw as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if (key.startsWith("x-") || (SUPPORTED_SERVICE_KEYS as readonly string[]).includes(key)) continue;
    problem(
      `.${key}`,
      `not supported${WHY_NOT[key] ? `: ${WHY_NOT[key]}` : ""} (supported: ${SUPPORTED_SERVICE_KEYS.join(", ")})`,
    );
  }
  if (!str(s.image)) problem(".image", `expected an image reference, found ${JSON.stringify(s.image)}`);
  if (s.network_mode !== undefined && s.network_mode !== "host")
    problem(
      ".network_mode",
      `only "host" is supported (containers share the host's loopback), found ${JSON.stringify(s.network_mode)}`,
    );
  if (s.init !== undefined && s.init !== true)
    problem(
      ".init",
      "hivestorm always runs an init as pid 1 (so that SIGTERM reaches the app): leave it out or true",
    );
  const ports = readPorts(s.ports, problem);
  const health = readHealth(s.healthcheck, problem);
  // (Ports given but refused are problems already.)
  const portsGiven = Array.isArray(s.ports) && s.ports.length > 0;
  if (health === undefined && ports.length === 0 && !portsGiven && s.healthcheck === undefined)
    problem(
      ".ports",
      'declare the port the service serves HTTP on (e.g. - "8081:8081"), or a healthcheck naming its URL',
    );
  return {
    name,
    image: str(s.image) ? s.image : "",
    command: readCommand(s.command, problem),
    environment: readEnvironment(s.environment, o.env, problem),
    ports,
    health: health || undefined,
    dependsOn: readDependsOn(s.depends_on, problem),
    binds: readVolumes(s.volumes, dirname(o.file), problem),
    containerName: readContainerName(s.container_name, problem),
    memoryBytes: s.mem_limit === undefined ? undefined : readBytes(s.mem_limit, ".mem_limit", problem),
    labels: readLabels(s.labels, problem),
    keepRunning: readRestart(s.restart, problem),
    stopGraceMs:
      s.stop_grace_period === undefined
        ? undefined
        : readDuration(s.stop_grace_period, ".stop_grace_period", problem),
  };
}

type Report = (path: string, message: string) => void;

function readCommand(v: unknown, problem: Report): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 0 || !v.every((x) => typeof x === "string" || typeof x === "number"))
      problem(".command", "expected a non-empty list of strings, or a string");
    return v.map(String);
  }
  if (typeof v !== "string" || v.trim() === "") {
    problem(".command", `expected a list of strings or a string, found ${JSON.stringify(v)}`);
    return undefined;
  }
  // Compose splits a string command as a POSIX shell would, without running a shell: operators are refused.
  const parts = parseShell(v, (key) => `$${key}`);
  const ops = parts.filter((p) => typeof p !== "string");
  if (ops.length) {
    problem(
      ".command",
      `shell operators are not run (no shell): ${JSON.stringify(v)}; use ["sh", "-c", "..."]`,
    );
    return undefined;
  }
  return parts as string[];
}

function readEnvironment(
  v: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problem: Report,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  if (Array.isArray(v)) {
    for (const [i, item] of v.entries()) {
      if (typeof item !== "string" || item === "" || item.startsWith("=")) {
        problem(`.environment[${i}]`, `expected KEY=value or KEY, found ${JSON.stringify(item)}`);
        continue;
      }
      const eq = item.indexOf("=");
      if (eq < 0) {
        // KEY alone: the value is the caller's, when set (as compose does).
        if (env[item] !== undefined) out[item] = env[item]!;
      } else out[item.slice(0, eq)] = item.slice(eq + 1);
    }
    return out;
  }
  if (typeof v !== "object") {
    problem(".environment", "expected a mapping or a list of KEY=value");
    return out;
  }
  for (const [k, val] of Object.entries(v)) {
    if (val === null || val === undefined) {
      if (env[k] !== undefined) out[k] = env[k]!;
    } else if (["string", "number", "boolean"].includes(typeof val)) out[k] = String(val);
    else problem(`.environment.${k}`, `expected a string, number or boolean, found ${JSON.stringify(val)}`);
  }
  return out;
}

/** "8081", "8081:8081", "127.0.0.1:8081:8081", "8081:8081/tcp", or { target, published }. */
function readPorts(v: unknown, problem: Report): number[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    problem(".ports", "expected a list of ports");
    return [];
  }
  const out: number[] = [];
  for (const [i, item] of v.entries()) {
    const at = `.ports[${i}]`;
    let target: unknown;
    let published: unknown;
    let protocol = "tcp";
    if (typeof item === "number") target = published = item;
    else if (typeof item === "string") {
      const m = /^(?:(?:\[[^\]]+\]|[^:]+):)??(?:([^:]+):)?([^:/]+)(?:\/(\w+))?$/.exec(item);
      if (!m) {
        problem(
          at,
          `expected "PORT", "HOST_PORT:PORT" or "IP:HOST_PORT:PORT", found ${JSON.stringify(item)}`,
        );
        continue;
      }
      target = Number(m[2]);
      published = m[1] === undefined ? target : Number(m[1]);
      if (m[2].includes("-") || m[1]?.includes("-")) {
        problem(at, `port ranges are not supported, found ${JSON.stringify(item)}`);
        continue;
      }
      protocol = m[3] ?? "tcp";
    } else if (item && typeof item === "object") {
      const p = item as Record<string, unknown>;
      target = Number(p.target);
      published = p.published === undefined ? target : Number(p.published);
      protocol = typeof p.protocol === "string" ? p.protocol : "tcp";
    } else {
      problem(at, `expected a port, found ${JSON.stringify(item)}`);
      continue;
    }
    if (protocol !== "tcp") {
      problem(at, `only tcp ports are supported (HTTP), found ${protocol}`);
      continue;
    }
    if (!isPort(target) || !isPort(published)) {
      problem(at, `expected ports from 1 to 65535, found ${JSON.stringify(item)}`);
      continue;
    }
    if (target !== published) {
      problem(
        at,
        `published ${published} ≠ container port ${target}: on the host network a container listens on its own ports; make them equal`,
      );
      continue;
    }
    out.push(target as number);
  }
  return out;
}

const isPort = (p: unknown) => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65535;

/** The URL in `healthcheck.test` (curl, wget, node -e fetch(...)): hivestorm probes it with GET from outside. */
function readHealth(v: unknown, problem: Report): ComposeService["health"] | false | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) {
    problem(".healthcheck", "expected a mapping (test, interval, timeout, retries, start_period)");
    return undefined;
  }
  const h = v as Record<string, unknown>;
  const known = ["test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"];
  for (const k of Object.keys(h))
    if (!known.includes(k)) problem(`.healthcheck.${k}`, `not supported (supported: ${known.join(", ")})`);
  if (h.disable === true) return false;
  const test = Array.isArray(h.test)
    ? h.test.map(String).join(" ")
    : typeof h.test === "string"
      ? h.test
      : "";
  if (/^NONE\b/.test(test)) return false;
  const url = /https?:\/\/[^\s'"`)]+/.exec(test)?.[0];
  let parsed: URL | undefined;
  try {
    parsed = url ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed?.port) {
    problem(
      ".healthcheck.test",
      "hivestorm probes health over HTTP from outside the container: name the URL with its port in the test " +
        '(e.g. ["CMD", "curl", "-f", "http://127.0.0.1:8081/health"])',
    );
    return undefined;
  }
  // Compose's defaults: interval 30s, retries 3, start_period 0. Healthy within start_period + interval × retries.
  const interval =
    h.interval === undefined ? 30_000 : readDuration(h.interval, ".healthcheck.interval", problem);
  const startPeriod =
    h.start_period === undefined ? 0 : readDuration(h.start_period, ".healthcheck.start_period", problem);
  for (const k of ["timeout", "start_interval"])
    if (h[k] !== undefined) readDuration(h[k], `.healthcheck.${k}`, problem);
  const retries = h.retries === undefined ? 3 : h.retries;
  if (!Number.isInteger(retries) || (retries as number) < 1)
    problem(".healthcheck.retries", `expected a whole number ≥ 1, found ${JSON.stringify(h.retries)}`);
  return {
    path: parsed.pathname + parsed.search,
    port: Number(parsed.port),
    startTimeoutMs:
      (startPeriod ?? 0) + (interval ?? 30_000) * (Number.isInteger(retries) ? (retries as number) : 3),
  };
}

function readDependsOn(v: unknown, problem: Report): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) {
    if (!v.every(str)) problem(".depends_on", "expected a list of service names");
    return v.filter(str);
  }
  if (typeof v !== "object") {
    problem(".depends_on", "expected a list of service names or a mapping");
    return [];
  }
  for (const [dep, spec] of Object.entries(v)) {
    const condition = (spec as { condition?: unknown } | null)?.condition;
    // hivestorm starts services one after another and waits for each one's health: started and healthy agree.
    if (condition !== undefined && condition !== "service_started" && condition !== "service_healthy")
      problem(
        `.depends_on.${dep}.condition`,
        `expected service_started or service_healthy (every service is waited for until healthy), found ${JSON.stringify(condition)}`,
      );
  }
  return Object.keys(v);
}

/** Bind mounts only: "./data:/data[:ro]" or { type: bind, source, target, read_only }. */
function readVolumes(v: unknown, base: string, problem: Report): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    problem(".volumes", "expected a list of bind mounts");
    return [];
  }
  const out: string[] = [];
  for (const [i, item] of v.entries()) {
    const at = `.volumes[${i}]`;
    let source: string | undefined;
    let target: string | undefined;
    let ro = false;
    if (typeof item === "string") {
      const parts = item.split(":");
      if (parts.length < 2 || parts.length > 3) {
        problem(at, `expected SOURCE:TARGET[:ro], found ${JSON.stringify(item)}`);
        continue;
      }
      [source, target] = parts;
      if (parts[2] !== undefined && !["ro", "rw"].includes(parts[2])) {
        problem(at, `expected the mode ro or rw, found ${JSON.stringify(parts[2])}`);
        continue;
      }
      ro = parts[2] === "ro";
    } else if (item && typeof item === "object") {
      const m = item as Record<string, unknown>;
      if (m.type !== "bind") {
        problem(at, `only bind mounts are supported (type: bind), found type ${JSON.stringify(m.type)}`);
        continue;
      }
      source = typeof m.source === "string" ? m.source : undefined;
      target = typeof m.target === "string" ? m.target : undefined;
      ro = m.read_only === true;
    }
    if (!source || !target || !isAbsolute(target)) {
      problem(at, `expected a host path and an absolute container path, found ${JSON.stringify(item)}`);
      continue;
    }
    if (!/^[./~]/.test(source)) {
      problem(at, `named volumes are not supported (${source}): bind a host folder (./${source}:${target})`);
      continue;
    }
    const host = source.startsWith("~")
      ? source.replace(/^~/, process.env.HOME ?? "~")
      : resolve(base, source);
    out.push(`${host}:${target}${ro ? ":ro" : ""}`);
  }
  return out;
}

function readContainerName(v: unknown, problem: Report): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(v)) {
    problem(".container_name", `expected [a-zA-Z0-9][a-zA-Z0-9_.-]*, found ${JSON.stringify(v)}`);
    return undefined;
  }
  return v;
}

function readLabels(v: unknown, problem: Report): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  const entries: [string, unknown][] = Array.isArray(v)
    ? v.map((x) => {
        const s = String(x);
        const eq = s.indexOf("=");
        return eq < 0 ? [s, ""] : [s.slice(0, eq), s.slice(eq + 1)];
      })
    : typeof v === "object"
      ? Object.entries(v)
      : [];
  if (!Array.isArray(v) && typeof v !== "object")
    problem(".labels", "expected a mapping or a list of key=value");
  for (const [k, val] of entries) {
    if (k === "hivestorm" || k.startsWith("hivestorm."))
      problem(`.labels.${k}`, "is set by hivestorm itself");
    else out[k] = String(val ?? "");
  }
  return out;
}

function readRestart(v: unknown, problem: Report): boolean {
  if (v === undefined || v === "no") return false;
  if (v === "always" || v === "unless-stopped" || (typeof v === "string" && /^on-failure(:\d+)?$/.test(v)))
    return true;
  problem(".restart", `expected no, always, unless-stopped or on-failure[:N], found ${JSON.stringify(v)}`);
  return false;
}

const BYTE_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "512m", "1g", "1.5gb", 268435456. */
function readBytes(v: unknown, path: string, problem: Report): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg])?b?$/i.exec(String(v).trim());
  if (!m || (typeof v !== "string" && typeof v !== "number")) {
    problem(path, `expected a size such as 512m or 1g, found ${JSON.stringify(v)}`);
    return undefined;
  }
  return Math.floor(Number(m[1]) * BYTE_UNITS[(m[2] ?? "b").toLowerCase()]);
}

function readDuration(v: unknown, path: string, problem: Report): number | undefined {
  try {
    return parseDuration(v as string, path);
  } catch {
    problem(path, `expected a duration such as 10s or 1m30s, found ${JSON.stringify(v)}`);
    return undefined;
  }
}
