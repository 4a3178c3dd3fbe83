// Small fakes for the runner's unit tests: a Testbed exposing what the phases read, a fault that records its
// applies and reverts, checks with a fixed outcome, and a tiny HTTP server standing in for a service.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createChaosContext } from "../../sdk/chaos/context.ts";
import type { FaultSpec } from "../../sdk/chaos/fault.ts";
import { CleanupLedger } from "../../sdk/core/ledger.ts";
import type { Check } from "../../sdk/runner/expect.ts";
import type { ScenarioDefinition } from "../../sdk/runner/scenario.ts";
import { ScenarioRun } from "../../sdk/runner/scenario-run.ts";
import type { SystemDefinition } from "../../sdk/system/definition.ts";
import type { ServiceStatus } from "../../sdk/testbed/services.ts";
import type { ServiceHandle, Testbed } from "../../sdk/testbed/testbed.ts";

/** A fault that pushes "apply NAME" / "revert NAME" onto `events`; `hooks` may delay or fail either step. */
export function fakeFault(
  name: string,
  events: string[],
  hooks: { onApply?: () => Promise<void> | void; onRevert?: () => Promise<void> | void } = {},
): FaultSpec {
  return {
    kind: "fake",
    validate: () => [],
    describe: () => `fake ${name}`,
    target: () => name,
    toJSON: () => ({ kind: "fake", name }),
    applyRaw: async () => {
      events.push(`apply ${name}`);
      await hooks.onApply?.();
      return {
        revert: async () => {
          await hooks.onRevert?.();
          events.push(`revert ${name}`);
        },
      };
    },
  };
}

export function systemAt(url: string, traffic: Partial<SystemDefinition["traffic"]> = {}): SystemDefinition {
  return {
    name: "fake",
    services: { app: { url } },
    traffic: { service: "app", path: "/work", method: "GET", rate: 20, ...traffic },
  };
}

/** A Testbed as the phases see it: a real chaos context (file-less ledger), health and restore faked. */
export function fakeBed(
  o: {
    system?: SystemDefinition;
    health?: () => Promise<ServiceStatus[]>;
    extra?: Record<string, unknown>;
  } = {},
): Testbed {
  const chaos = createChaosContext({ ledger: new CleanupLedger() });
  const bed = {
    system: o.system ?? systemAt("http://127.0.0.1:9"),
    source: "the fake system",
    chaos,
    target: "process",
    // Nothing logs there: the fault window's log lines are empty.
    logDir: join(tmpdir(), "hivestorm-fake-bed-no-logs"),
    down: new Map(),
    services: {} as Record<string, ServiceHandle>,
    instances: async () => [],
    service(ref: string): ServiceHandle {
      const s = bed.services[ref];
      if (!s) throw new Error(`no service "${ref}" in the fake system`);
      return s;
    },
    health: o.health ?? (async () => []),
    ...o.extra,
  };
  return bed as unknown as Testbed;
}

export function newRun(
  def: ScenarioDefinition,
  o: { bed?: Testbed; signal?: AbortSignal; logs?: string[] } = {},
): ScenarioRun {
  return new ScenarioRun(def, {
    bed: o.bed ?? fakeBed(),
    file: "scenarios/fake.ts",
    signal: o.signal ?? new AbortController().signal,
    log: (m) => o.logs?.push(m),
  });
}

export function check(name: string, ok: boolean, observed = ok ? "fine" : "bad"): Check {
  return () => ({ name, expected: "fine", observed, ok });
}

export const base = {
  id: "T-001",
  name: "fake scenario",
  suite: "chaos" as const,
  category: "test",
  expected: "it holds",
  expect: [check("holds", true)],
};

/** A local HTTP service: /health answers `health()` (default 200), any other path answers `status()`. */
export async function tinyService(
  o: { status?: () => number; health?: () => number; delayMs?: () => number } = {},
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === "/health") {
      res.writeHead(o.health?.() ?? 200).end("ok");
      return;
    }
    hits++;
    const answer = () => res.writeHead(o.status?.() ?? 200).end("served");
    const d = o.delayMs?.() ?? 0;
    if (d > 0) setTimeout(answer, d);
    else answer();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
