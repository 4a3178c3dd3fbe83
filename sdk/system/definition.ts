// The system under test, as a team declares it in hivestorm.config.ts: its services, how each starts and stops
// (or where it already runs), its health probe, and the Toxiproxy proxy in front of it.
import type { CaptureSpec } from "../core/capture.ts";
import type { Duration } from "../core/duration.ts";

export interface SystemOptions {
  /** Switches given on the command line (`--demo-bug` for the bundled demo); a config may ignore them. */
  flags: string[];
  /** @deprecated the same list as `flags`, under the demo's name for it. */
  demoBugs: string[];
  target: "process" | "docker";
  /** Where services should write their logs; the runner collects them into run.log. */
  logDir: string;
  /** The project root (where hivestorm.config.ts lives). */
  root: string;
  /** `--compose FILE`: the compose file the services come from, when given (relative to `root`). */
  compose?: string;
}

export interface ServiceDefinition {
  /** Command that starts the service (argv). Without it the service must already run at `url`. */
  command?: string[];
  env?: Record<string, string>;
  /** The service's own address. */
  url: string;
  /** Health probe path (GET, 2xx = healthy); default "/health". */
  health?: string;
  /** A Toxiproxy proxy in front of the service: clients (and other services) use `listen`. */
  proxy?: { listen: string };
  /**
   * The Toxiproxy API that fronts this service when it is not the run's own: a real Toxiproxy or ours
   * (`npx tsx scripts/toxiproxy-server.ts`) on the service's host. Off loopback only with --allow-non-loopback.
   */
  toxiproxy?: string;
  /** How long the service may take to become healthy; default "20s". */
  startTimeout?: Duration;
  /** SIGTERM, then SIGKILL after this grace; default "5s". */
  stopGrace?: Duration;
  /** The service's data directory (e.g. a model cache): where disk faults fill, on a bounded filesystem. */
  dataDir?: string;
  /** Log files the service writes (collected into run.log). */
  logFiles?: string[];
  /** Instances behind the service (e.g. the workers a hive spawned), for process and container faults. */
  instances?: () => Promise<InstanceInfo[]>;
  /** For `--target docker`: run this image instead of the command (host network). */
  docker?: DockerServiceDefinition;
  /**
   * Counters the service exposes (read through its own API), e.g. `retries`: a scenario reads one before and
   * after a fault to prove that the fault bit, instead of assuming it.
   */
  counters?: Record<string, () => Promise<number>>;
  /** APIs the service speaks, for scenarios written against one (e.g. the demo's "rbee-hive"). */
  apis?: string[];
}

/** A service as a container (`--target docker`); see sdk/system/docker-services.ts. */
export interface DockerServiceDefinition {
  image: string;
  cmd: string[];
  /**
   * The Docker engine that runs this service's containers and takes their faults, over TCP (`dockerd -H
   * tcp://HOST:PORT`); default DOCKER_HOST, else the local socket. Off loopback only with --allow-non-loopback.
   */
  host?: string;
  port?: number;
  /** The container's name; default `hivestorm-<service>-<port>`. */
  name?: string;
  /** Labels of its own, beside hivestorm's (which a reaper finds it by). */
  labels?: Record<string, string>;
  /**
   * Start the container again whenever it exits, a kill fault's included (as an orchestrator would); the
   * compose file's `restart: always | unless-stopped | on-failure` turns it on.
   */
  keepRunning?: boolean;
  memoryBytes?: number;
  /** Host path:container path[:ro]; the run's log directory is always mounted at its own path. */
  binds?: string[];
  /**
   * Containers the service owns, e.g. a hive's workers: `count` containers named `<name>-<slot>`, each started
   * again when it exits (as a replica set would), so that killing an instance is killing a container.
   */
  replicas?: { count: number; name: string; cmd: (slot: number) => string[]; memoryBytes?: number };
}

export interface InstanceInfo {
  id: string;
  pid?: number;
  url?: string;
  state?: string;
  container?: string;
  [key: string]: unknown;
}

/** The background traffic a scenario samples steady state with. */
export interface TrafficDefinition {
  /** The service to send it to (through its proxy when it has one). */
  service: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Requests per second; default 20. */
  rate?: number;
  /** A request slower than this counts as failed (status 0, "timeout"); default "10s". */
  timeout?: Duration;
  /**
   * Values to capture from each response, for checks such as expect.share: name → "header:<name>", "status",
   * "status-class" or "json:<dotted.path>", e.g. `{ backend: "header:x-backend" }`.
   */
  capture?: CaptureSpec;
  /**
   * How the traffic request streams: its framing ("sse" events, "ndjson" lines, "chunked" reads, read with the
   * load engine's defaults) and the body that asks for a stream (default: `body`). Scenarios that stream their
   * traffic (`trafficStream: true`) use it; with `always`, every scenario's traffic streams. Streaming samples
   * carry time to first token, tokens and cut streams, and a cut stream is a failed request.
   */
  stream?: { kind: "sse" | "ndjson" | "chunked"; body?: unknown; always?: boolean };
}

export interface SystemDefinition {
  name: string;
  /**
   * Roles the built-in scenarios ask for, mapped to services (`{ gateway: "lb", backend: "app-1" }`): gateway
   * (the public API), backend (a service behind it), workers (the service whose instances are a pool).
   */
  roles?: Record<string, string>;
  /** Started in declaration order, stopped in reverse. */
  services: Record<string, ServiceDefinition>;
  /** Scenarios of the system's own: folders, files or globs relative to the project root (added to --scenarios). */
  scenarios?: string[];
  traffic: TrafficDefinition;
  /**
   * Services taken from a compose file (relative to the project root), run as containers by hivestorm; a
   * service of `services` with the same name adds what compose cannot say (proxy, instances, counters, ...).
   * See docs/system.md, "A compose file".
   */
  compose?: string | ComposeSource;
}

export interface ComposeSource {
  file: string;
  /** Variables for the file's ${VAR} interpolation, over the environment's. */
  env?: Record<string, string>;
}

export type SystemConfig = SystemDefinition | ((options: SystemOptions) => SystemDefinition);

/** Declares the system; `export default defineSystem(...)` in hivestorm.config.ts. */
export function defineSystem(config: SystemConfig): SystemConfig {
  return config;
}

export function resolveSystem(config: SystemConfig, options: SystemOptions): SystemDefinition {
  return typeof config === "function" ? config(options) : config;
}

/** The address clients use: the proxy's when there is one. */
export function clientUrl(service: ServiceDefinition): string {
  return service.proxy ? `http://${service.proxy.listen}` : service.url;
}
