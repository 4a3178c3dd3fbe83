// GET /metrics in Prometheus text format 0.0.4, as upstream's client_golang registry prints it: families sorted by
// name, labels sorted by name, "# HELP name " even when the help is empty, values in Go's %g.
//
// -proxy-metrics: toxiproxy_proxy_received_bytes_total and toxiproxy_proxy_sent_bytes_total, labelled direction,
// listener, proxy and upstream, added to when a link ends (as upstream: a live connection is not counted yet).
// -runtime-metrics: upstream exports Go's runtime (go_*) and process (process_*) collectors; this server exports
// the process_* family, which means the same for any runtime, and nothing for go_* (there is no Go runtime).
import { readdirSync, readFileSync } from "node:fs";

export interface MetricsOptions {
  proxy: boolean;
  runtime: boolean;
}

export interface LinkLabels {
  direction: string;
  proxy: string;
  listener: string;
  upstream: string;
}

/** Where a link reports its byte counts when it ends. */
export interface LinkMetrics {
  linkEnded(labels: LinkLabels, received: number, sent: number): void;
}

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Go's strconv.FormatFloat(f, 'g', -1, 64), as client_golang writes sample values. */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mantissa, exponent] = f.toExponential().split("e");
  const exp = Number(exponent);
  if (exp < -4 || exp >= 21) {
    return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp >= 6) return `${mantissa}e+${String(exp).padStart(2, "0")}`;
  return String(f);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function family(name: string, help: string, type: string, samples: [string, number][]): string {
  const head = `# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}\n# TYPE ${name} ${type}\n`;
  return head + samples.map(([labels, v]) => `${name}${labels} ${formatGoFloat(v)}\n`).join("");
}

export class MetricsRegistry implements LinkMetrics {
  private readonly received = new Map<string, number>();
  private readonly sent = new Map<string, number>();

  constructor(readonly options: MetricsOptions) {}

  get enabled(): boolean {
    return this.options.proxy || this.options.runtime;
  }

  linkEnded(labels: LinkLabels, received: number, sent: number): void {
    if (!this.options.proxy) return;
    const key =
      `{direction="${escapeLabel(labels.direction)}",listener="${escapeLabel(labels.listener)}",` +
      `proxy="${escapeLabel(labels.proxy)}",upstream="${escapeLabel(labels.upstream)}"}`;
    this.received.set(key, (this.received.get(key) ?? 0) + received);
    // Upstream counts what a link wrote only when its writes all succeeded; a link here never fails a write
    // silently, so what it handed to the socket is what it sent.
    this.sent.set(key, (this.sent.get(key) ?? 0) + sent);
  }

  render(): string {
    const families: [string, string][] = [];
    if (this.options.runtime) families.push(...processFamilies());
    const errors: [string, number][] = [
      ['{cause="encoding"}', 0],
      ['{cause="gathering"}', 0],
    ];
    families.push([
      "promhttp_metric_handler_errors_total",
      family(
        "promhttp_metric_handler_errors_total",
        "Total number of internal errors encountered by the promhttp metric handler.",
        "counter",
        errors,
      ),
    ]);
    if (this.options.proxy) {
      const sorted = (m: Map<string, number>) =>
        [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (this.received.size > 0) {
        const name = "toxiproxy_proxy_received_bytes_total";
        families.push([name, family(name, "", "counter", sorted(this.received))]);
      }
      if (this.sent.size > 0) {
        const name = "toxiproxy_proxy_sent_bytes_total";
        families.push([name, family(name, "", "counter", sorted(this.sent))]);
      }
    }
    families.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return families.map(([, text]) => text).join("");
  }
}

/** The process collector's families, read from /proc on Linux as client_golang does. */
function processFamilies(): [string, string][] {
  const out: [string, string][] = [];
  const add = (name: string, help: string, type: string, value: number) =>
    out.push([name, family(name, help, type, [["", value]])]);
  const usage = process.cpuUsage();
  add(
    "process_cpu_seconds_total",
    "Total user and system CPU time spent in seconds.",
    "counter",
    (usage.user + usage.system) / 1e6,
  );
  add("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge", process.memoryUsage.rss());
  add(
    "process_start_time_seconds",
    "Start time of the process since unix epoch in seconds.",
    "gauge",
    Math.round((Date.now() - process.uptime() * 1000) / 10) / 100,
  );
  try {
    const vm = /VmSize:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"));
    if (vm)
      add("process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge", Number(vm[1]) * 1024);
    add("process_open_fds", "Number of open file descriptors.", "gauge", readdirSync("/proc/self/fd").length);
    const limits = /Max open files\s+(\d+)/.exec(readFileSync("/proc/self/limits", "utf8"));
    if (limits)
      add("process_max_fds", "Maximum number of open file descriptors.", "gauge", Number(limits[1]));
  } catch {
    // not Linux: the portable ones above are still there
  }
  return out;
}
