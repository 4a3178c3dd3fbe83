import { isFetchBlockedPort } from "../core/bad-ports.ts";
import { captureProblems } from "../core/capture.ts";
import { durationProblem } from "../core/duration.ts";
import { type Problem, ValidationError } from "../core/errors.ts";
import { hostOf, isLoopbackHost } from "../core/loopback.ts";
import type { SystemDefinition } from "./definition.ts";
import { dockerEngineProblems, dockerHostProblem } from "./targets/docker-engine.ts";

/** Checks a system definition; every problem at once, naming the config file. */
export function validateSystem(
  file: string,
  system: SystemDefinition,
  allowNonLoopback = false,
  target: "process" | "docker" = "process",
): void {
  const problems: Problem[] = [];
  if (!system || typeof system !== "object")
    throw new ValidationError(file, [
      { path: "", message: "expected a system definition (defineSystem({...}))" },
    ]);
  if (typeof system.name !== "string" || !system.name)
    problems.push({ path: "name", message: "expected a non-empty string" });
  const services = system.services ?? {};
  if (Object.keys(services).length === 0)
    problems.push({ path: "services", message: "declare at least one service" });
  for (const [name, s] of Object.entries(services)) {
    const at = `services.${name}`;
    let url: URL | undefined;
    try {
      url = new URL(s.url);
    } catch {
      problems.push({ path: `${at}.url`, message: `expected an http URL, found ${JSON.stringify(s.url)}` });
    }
    if (url && isFetchBlockedPort(Number(url.port)))
      problems.push({ path: `${at}.url`, message: blockedPort(Number(url.port)) });
    if (url && !allowNonLoopback && !isLoopbackHost(url.hostname))
      problems.push({
        path: `${at}.url`,
        message: `${url.hostname} is not loopback (pass --allow-non-loopback to allow it)`,
      });
    if (
      s.command !== undefined &&
      (!Array.isArray(s.command) || s.command.length === 0 || s.command.some((c) => typeof c !== "string"))
    )
      problems.push({ path: `${at}.command`, message: "expected a non-empty array of strings (argv)" });
    if (s.proxy) {
      if (typeof s.proxy.listen !== "string" || !/:\d+$/.test(s.proxy.listen))
        problems.push({
          path: `${at}.proxy.listen`,
          message: `expected host:port, found ${JSON.stringify(s.proxy.listen)}`,
        });
      else if (isFetchBlockedPort(Number(s.proxy.listen.split(":").at(-1))))
        problems.push({
          path: `${at}.proxy.listen`,
          message: blockedPort(Number(s.proxy.listen.split(":").at(-1))),
        });
      else if (!allowNonLoopback && !isLoopbackHost(hostOf(s.proxy.listen)))
        problems.push({ path: `${at}.proxy.listen`, message: "must be a loopback address" });
    }
    if (s.toxiproxy !== undefined) {
      let t: URL | undefined;
      try {
        t = new URL(s.toxiproxy);
      } catch {
        problems.push({
          path: `${at}.toxiproxy`,
          message: `expected the http URL of a Toxiproxy API, found ${JSON.stringify(s.toxiproxy)}`,
        });
      }
      if (t && !s.proxy)
        problems.push({
          path: `${at}.toxiproxy`,
          message: "names a Toxiproxy but declares no proxy { listen } on it",
        });
      if (t && !allowNonLoopback && !isLoopbackHost(t.hostname))
        problems.push({
          path: `${at}.toxiproxy`,
          message: `${t.hostname} is not loopback (pass --allow-non-loopback to allow a Toxiproxy on another host)`,
        });
    }
    if (s.docker !== undefined)
      problems.push(...dockerEngineProblems(s.docker, `${at}.docker`, allowNonLoopback));
    for (const key of ["startTimeout", "stopGrace"] as const) {
      const p = s[key] === undefined ? undefined : durationProblem(s[key], { positive: true });
      if (p) problems.push({ path: `${at}.${key}`, message: p });
    }
  }
  // The default engine serves every container service that names none of its own.
  const onDefaultEngine = Object.values(services).some((s) => s.docker && s.docker.host === undefined);
  const dockerHost = target === "docker" && onDefaultEngine ? process.env.DOCKER_HOST : undefined;
  const hostProblem = dockerHostProblem(dockerHost, allowNonLoopback);
  if (hostProblem) problems.push(hostProblem);
  const t = system.traffic;
  if (!t) problems.push({ path: "traffic", message: "declare the background traffic: { service, path }" });
  else {
    if (!services[t.service])
      problems.push({
        path: "traffic.service",
        message: `unknown service ${JSON.stringify(t.service)}; declared: ${Object.keys(services).join(", ")}`,
      });
    if (typeof t.path !== "string" || !t.path.startsWith("/"))
      problems.push({ path: "traffic.path", message: 'expected a path starting with "/"' });
    if (t.rate !== undefined && !(t.rate > 0 && t.rate <= 1000))
      problems.push({ path: "traffic.rate", message: "expected requests per second in (0, 1000]" });
    const p = t.timeout === undefined ? undefined : durationProblem(t.timeout, { positive: true });
    if (p) problems.push({ path: "traffic.timeout", message: p });
    if (t.capture !== undefined) problems.push(...captureProblems(t.capture, "traffic.capture"));
    if (t.stream !== undefined) {
      if (t.stream === null || typeof t.stream !== "object")
        problems.push({
          path: "traffic.stream",
          message: 'expected { kind: "sse" | "ndjson" | "chunked", body? }',
        });
      else if (!["sse", "ndjson", "chunked"].includes(t.stream.kind))
        problems.push({
          path: "traffic.stream.kind",
          message: `expected "sse", "ndjson" or "chunked", found ${JSON.stringify(t.stream.kind)}`,
        });
    }
  }
  if (problems.length) throw new ValidationError(file, problems);
}

function blockedPort(port: number): string {
  return `port ${port} is one that fetch refuses to connect to (a "bad port" of the Fetch standard): pick another (with the demo, another HIVESTORM_PORT_OFFSET)`;
}
