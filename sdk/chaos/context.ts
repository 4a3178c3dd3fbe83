// The context faults are applied in: which Toxiproxy, which proxy stands in front of which service, which
// ledger records the change, and who listens (the runner records fault windows from these events).
import { EventEmitter } from "node:events";
import { HivestormError } from "../core/errors.ts";
import type { CleanupLedger } from "../core/ledger.ts";
import { defaultLedger } from "../core/ledger.ts";
import type { FaultSpec } from "./fault.ts";

export interface ChaosContext {
  /** Base URL of the Toxiproxy API (embedded or real). */
  toxiproxyUrl?: string;
  /** Service name → name of the Toxiproxy proxy in front of it. */
  proxies: Record<string, string>;
  ledger: CleanupLedger;
  events: EventEmitter<ChaosEvents>;
  /** Resolves process/container targets by service name (set by the runner when it has a system). */
  targets?: TargetResolver;
}

export type TargetResolver = (service: string) => Promise<unknown[]>;

export interface ChaosEvents {
  applied: [{ spec: FaultSpec; appliedAt: number }];
  reverted: [{ spec: FaultSpec; appliedAt: number; revertedAt: number }];
}

let current: ChaosContext | undefined;

/** Sets the context that `chaos.*` builders apply in (the runner calls this; so can a script). */
export function setChaosContext(ctx: ChaosContext | undefined): void {
  current = ctx;
}

/**
 * The current context. Without one, a Toxiproxy at TOXIPROXY_URL is used with proxies named after services;
 * without that either, the error says how to get one.
 */
export function chaosContext(): ChaosContext {
  if (current) return current;
  const url = process.env.TOXIPROXY_URL;
  if (!url)
    throw new HivestormError("E_NO_CONTEXT", "no chaos context: nothing says which Toxiproxy to drive", {
      hint: "run the scenario through `npx tsx scripts/run-all.ts` or run the scenario file itself (it starts the system), or set TOXIPROXY_URL to a running Toxiproxy whose proxies are named after your services",
    });
  current = createChaosContext({ toxiproxyUrl: url });
  return current;
}

export function createChaosContext(options: Partial<ChaosContext> = {}): ChaosContext {
  return {
    proxies: {},
    ledger: defaultLedger(),
    events: new EventEmitter<ChaosEvents>(),
    ...options,
  };
}
