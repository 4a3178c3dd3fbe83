// The master runner: starts the Toxiproxy and the system, runs the suites in order, writes the journal and the
// reports, and stops everything it started. On SIGINT, SIGTERM or an exception it reverts every fault, stops
// what it started and writes the journal with status "interrupted".
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createChaosContext, setChaosContext } from "../chaos/context.ts";
import { faultPlan, scenarioPlanProblems } from "../chaos/process/plan.ts";
import { systemCandidates } from "../chaos/process/system-candidates.ts";
import { ensureProxies, toxiproxyVersion } from "../chaos/toxiproxy-client.ts";
import { formatDuration, setTimeScale } from "../core/duration.ts";
import { HivestormError, ValidationError } from "../core/errors.ts";
import { JOURNAL_SCHEMA, type RunJournal, type ScenarioResult, writeJournal } from "../core/journal.ts";
import { CleanupLedger, DEFAULT_LEDGER_FILE, setDefaultLedger } from "../core/ledger.ts";
import { onShutdown } from "../core/shutdown.ts";
import { updateLatestLink, writeReports } from "../report/write-reports.ts";
import { clientUrl, resolveSystem, type SystemConfig, type SystemDefinition } from "../system/definition.ts";
import { startDockerService } from "../system/docker-services.ts";
import { type RunningService, startService } from "../system/running-service.ts";
import { validateSystem } from "../system/validate-system.ts";
import type { RunAllArgs } from "./args.ts";
import { type DiscoveredScenario, discoverScenarios } from "./discover.ts";
import { createProgress, type Progress } from "./progress.ts";
import { faultDurationMs, runScenario } from "./run-scenario.ts";
import type { SystemHandle } from "./scenario-context.ts";
import { startToxiproxyProcess } from "./toxiproxy-process.ts";

export interface RunAllResult {
  exitCode: number;
  runDir?: string;
  journal?: RunJournal;
}

export async function runAll(
  args: RunAllArgs,
  options: { root?: string; scenarios?: DiscoveredScenario[]; progress?: Progress } = {},
): Promise<RunAllResult> {
  const root = resolve(options.root ?? process.cwd());
  setTimeScale(args.timeScale);
  const progress = options.progress ?? createProgress();
  const runId = new Date().toISOString().replace(/[:.]/g, "-");
  const runDir = resolve(root, args.reportDir, runId);
  const logDir = join(runDir, "logs");

  // Resolve everything before starting anything: the system, the scenarios, the filters.
  const system = await loadSystem(root, args, logDir);
  const all = options.scenarios ?? (await discoverScenarios(root));
  const selected = selectScenarios(all, args);
  // A process fault whose selector names nothing in this system is refused before anything starts.
  const planProblems = scenarioPlanProblems(
    selected.map((s) => s.definition),
    system,
  );
  if (planProblems.length) throw new ValidationError("scenario faults", planProblems);
  if (args.dryRun) {
    printPlan(system, selected, args);
    return { exitCode: 0 };
  }

  mkdirSync(logDir, { recursive: true });
  const runLog = join(runDir, "run.log");
  const log = (line: string) => {
    appendFileSync(runLog, `${new Date().toISOString()} ${line}\n`);
    progress.log(line);
  };
  const journal: RunJournal = {
    schema: JOURNAL_SCHEMA,
    runId,
    status: "running",
    startedAt: Date.now(),
    options: {
      suites: args.suites,
      only: args.only,
      timeScale: args.timeScale,
      quick: args.quick,
      dryRun: false,
      strict: args.strict,
      target: args.target,
      demoBugs: args.demoBugs,
      config: args.config,
    },
    environment: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpus().length,
      memoryBytes: totalmem(),
    },
    services: [],
    scenarios: [],
    artifacts: [],
  };
  const resultsFile = join(runDir, "results.json");
  writeJournal(resultsFile, journal);

  const controller = new AbortController();
  const ledger = new CleanupLedger({
    file: resolve(root, process.env.HIVESTORM_LEDGER ?? DEFAULT_LEDGER_FILE),
  });
  setDefaultLedger(ledger);
  const started: RunningService[] = [];
  let closeToxiproxy: (() => Promise<void>) | undefined;
  let interrupted: string | undefined;
  let finished: Promise<void> = Promise.resolve();
  const unregister = onShutdown(async (reason) => {
    interrupted = reason;
    controller.abort();
    // Let the main flow revert, stop and write the journal; bounded so that a stuck step cannot hold us.
    await Promise.race([finished, new Promise((r) => setTimeout(r, 30_000))]);
  });

  let done!: () => void;
  finished = new Promise<void>((r) => {
    done = r;
  });
  try {
    log(
      `run ${runId}: ${selected.length} scenario(s), time scale ${args.timeScale}, report in ${relative(root, runDir)}`,
    );
    // The Toxiproxy: a real one at TOXIPROXY_URL, or the embedded server.
    let toxiproxyUrl = process.env.TOXIPROXY_URL;
    if (toxiproxyUrl) journal.environment.toxiproxy = { url: toxiproxyUrl, embedded: false };
    else {
      const server = await startToxiproxyProcess();
      toxiproxyUrl = server.url;
      closeToxiproxy = () => server.close();
      journal.environment.toxiproxy = { url: toxiproxyUrl, embedded: true };
    }
    journal.environment.toxiproxy.version = await toxiproxyVersion(toxiproxyUrl);
    log(`toxiproxy ${journal.environment.toxiproxy.embedded ? "embedded" : "external"} at ${toxiproxyUrl}`);

    const proxied = Object.entries(system.services).filter(([, s]) => s.proxy);
    await ensureProxies(
      toxiproxyUrl,
      proxied.map(([name, s]) => {
        const u = new URL(s.url);
        return { name, listen: s.proxy!.listen, upstream: `${u.hostname}:${u.port}` };
      }),
    );
    for (const [name, def] of Object.entries(system.services)) {
      if (controller.signal.aborted) break;
      const inDocker = args.target === "docker" && def.docker; // --target docker (sdk/system/docker-services.ts)
      log(
        `starting ${name}${inDocker ? ` in docker: ${def.docker!.image} ${def.docker!.cmd.join(" ")}` : def.command ? `: ${def.command.join(" ")}` : ` (already running at ${def.url})`}`,
      );
      const svc = inDocker
        ? await startDockerService(name, def, { logDir, runId, log })
        : await startService(name, def, { cwd: root, logDir });
      started.push(svc);
      journal.services.push({
        name,
        url: def.url,
        pid: svc.pid,
        proxiedUrl: def.proxy ? clientUrl(def) : undefined,
      });
    }
    const handle: SystemHandle = {
      definition: system,
      target: args.target,
      services: Object.fromEntries(
        Object.entries(system.services).map(([name, s]) => [
          name,
          { name, url: s.url, clientUrl: clientUrl(s), pid: started.find((x) => x.name === name)?.pid },
        ]),
      ),
      instances: async (name) => (await system.services[name]?.instances?.()) ?? [],
    };
    const chaos = createChaosContext({
      toxiproxyUrl,
      proxies: Object.fromEntries(proxied.map(([name]) => [name, name])),
      ledger,
      // chaos.process: selectors resolve to the processes (or containers) started here and their instances.
      targets: systemCandidates({
        target: args.target,
        services: system.services,
        running: Object.fromEntries(started.map((s) => [s.name, s])),
        ledger,
      }),
    });
    setChaosContext(chaos);

    progress.plan(
      selected.map((s) => ({ id: s.definition.id, name: s.definition.name, suite: s.definition.suite })),
    );
    for (const s of selected) {
      if (controller.signal.aborted) break;
      const id = s.definition.id;
      progress.start(id);
      log(`${id} ${s.definition.name}: ${s.definition.expected}`);
      const result = await runScenario(s.definition, {
        system: handle,
        chaos,
        file: s.file,
        signal: controller.signal,
        log,
        onPhase: (p) => progress.phase(id, p),
        onTraffic: ({ rps, errors }) => progress.traffic(id, rps, errors),
      });
      journal.scenarios.push(result);
      progress.done(id, result.verdict, result.reason);
      appendFileSync(runLog, `${new Date().toISOString()} ${id} ${result.verdict}: ${result.reason}\n`);
      writeJournal(resultsFile, journal);
    }
    journal.status = interrupted ? "interrupted" : runStatus(journal.scenarios, args.strict);
    if (interrupted) journal.statusReason = `${interrupted} received`;
  } catch (error) {
    journal.status = interrupted ? "interrupted" : "error";
    journal.statusReason = interrupted ? `${interrupted} received` : (error as Error).message;
    log(`run ${journal.status}: ${(error as Error).message}`);
  } finally {
    const failures = await ledger.revertAll();
    for (const f of failures)
      log(`could not revert ${f.description}: ${String(f.error)}; run npx tsx scripts/reap.ts`);
    setChaosContext(undefined);
    for (const svc of [...started].reverse())
      await svc.stop().catch((e) => log(`stopping ${svc.name}: ${String(e)}`));
    await closeToxiproxy?.().catch(() => {});
    collectServiceLogs(runLog, logDir);
    journal.endedAt = Date.now();
    journal.artifacts = ["results.json", "run.log"];
    writeJournal(resultsFile, journal);
    try {
      journal.artifacts.push(...writeReports(runDir, journal));
      writeJournal(resultsFile, journal);
      updateLatestLink(resolve(root, args.reportDir), runDir);
    } catch (error) {
      log(`could not write the reports: ${(error as Error).message}`);
    }
    progress.close();
    unregister();
    done();
  }
  printSummary(journal, root, runDir);
  const exitCode = journal.status === "passed" ? 0 : journal.status === "interrupted" ? 130 : 1;
  return { exitCode, runDir, journal };
}

function runStatus(results: ScenarioResult[], strict: boolean): RunJournal["status"] {
  const bad = results.some(
    (r) => r.verdict === "failed" || r.verdict === "error" || (strict && r.verdict === "skipped"),
  );
  return bad ? "failed" : "passed";
}

async function loadSystem(root: string, args: RunAllArgs, logDir: string): Promise<SystemDefinition> {
  const file = resolve(root, args.config);
  if (!existsSync(file))
    throw new HivestormError("E_CONFIG", `config file ${args.config} not found`, {
      hint: "pass --config FILE, or create hivestorm.config.ts (see docs/system.md)",
    });
  const mod = (await import(pathToFileURL(file).href)) as { default?: SystemConfig };
  if (!mod.default)
    throw new ValidationError(args.config, [
      { path: "default", message: "export default defineSystem({...})" },
    ]);
  const system = resolveSystem(mod.default, { demoBugs: args.demoBugs, target: args.target, logDir, root });
  validateSystem(args.config, system, args.allowNonLoopback);
  return system;
}

function selectScenarios(all: DiscoveredScenario[], args: RunAllArgs): DiscoveredScenario[] {
  const order = (s: DiscoveredScenario) => args.suites.indexOf(s.definition.suite);
  if (args.only.length) {
    const known = new Set(all.map((s) => s.definition.id));
    const unknown = args.only.filter((id) => !known.has(id));
    if (unknown.length)
      throw new ValidationError(
        "--only",
        unknown.map((id) => ({
          path: id,
          message: `no such scenario; known: ${[...known].sort().join(", ")}`,
        })),
      );
  }
  return all
    .filter((s) => args.suites.includes(s.definition.suite))
    .filter((s) => args.only.length === 0 || args.only.includes(s.definition.id))
    .sort((a, b) => order(a) - order(b) || a.definition.id.localeCompare(b.definition.id));
}

function printPlan(system: SystemDefinition, selected: DiscoveredScenario[], args: RunAllArgs): void {
  const out: string[] = [`Plan (dry run: nothing is started or applied), time scale ${args.timeScale}`, ""];
  out.push(`System ${system.name}:`);
  for (const [name, s] of Object.entries(system.services))
    out.push(
      `  ${name}: ${s.command ? s.command.join(" ") : "already running"} at ${s.url}${s.proxy ? ` behind proxy ${s.proxy.listen}` : ""}`,
    );
  out.push(`Toxiproxy: ${process.env.TOXIPROXY_URL ?? "embedded, started on 127.0.0.1"}`);
  if (args.demoBugs.length) out.push(`Demo bugs: ${args.demoBugs.join(", ")}`);
  out.push("", `${selected.length} scenario(s):`);
  for (const { definition: d, file } of selected) {
    out.push(`  ${d.id} [${d.suite}/${d.category}] ${d.name}  (${file})`);
    out.push(`    expected: ${d.expected}`);
    const faults = d.fault ? (Array.isArray(d.fault) ? d.fault : [d.fault]) : [];
    for (const f of faults) {
      const target = faultPlan(f, system).text; // e.g. "worker → the instances of hive"
      out.push(
        `    fault: ${f.describe()}${target ? ` (${target})` : ""} for ${formatDuration(faultDurationMs(d))}`,
      );
    }
    if (d.during) out.push("    fault: scenario steps (see the file)");
    if (d.run) out.push("    body: scenario steps (load)");
    out.push(`    checks: ${d.expect.length}`);
  }
  process.stdout.write(`${out.join("\n")}\n`);
}

function collectServiceLogs(runLog: string, logDir: string): void {
  if (!existsSync(logDir)) return;
  for (const name of readdirSync(logDir).sort()) {
    const text = readFileSync(join(logDir, name), "utf8");
    appendFileSync(runLog, `\n===== ${name} =====\n${text}`);
  }
}

function printSummary(journal: RunJournal, root: string, runDir: string): void {
  const count = (v: string) => journal.scenarios.filter((s) => s.verdict === v).length;
  const rel = relative(root, runDir);
  const lines = [
    "",
    `Run ${journal.status.toUpperCase()}${journal.statusReason ? ` (${journal.statusReason})` : ""}: ${count("passed")} passed, ${count("failed")} failed, ${count("error")} errored, ${count("skipped")} skipped`,
  ];
  for (const s of journal.scenarios.filter((x) => x.verdict === "skipped"))
    lines.push(`  skipped ${s.id}: ${s.reason}${s.enable ? ` (enable: ${s.enable})` : ""}`);
  lines.push(`Report:    ${rel}/REPORT.md`, `Journal:   ${rel}/results.json`);
  lines.push(`Notebooks: npm run notebooks:open -- --run ${rel}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}
