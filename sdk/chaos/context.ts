// The context faults are applied in: which Toxiproxy, which proxy stands in front of which service, which
// ledger records the change, who resolves process targets, and who listens (the runner records fault windows
// from these events). A testbed puts one into its run scope; faults find it there.
import { EventEmitter } from "node:events";
import { HivestormError } from "../core/errors.ts";
import { CleanupLedger, DEFAULT_LEDGER_FILE } from "../core/ledger.ts";
import { runScope } from "../core/run-scope.ts";
import { onShutdown } from "../core/shutdown.ts";
import type { FaultHandle, FaultSpec } from "./fault.ts";

export interface ChaosContext {
  /** Base URL of the Toxiproxy API (embedded or real). */
  toxiproxyUrl?: string;
  /** Service name → the Toxiproxy API in front of it, where it is not the one above (a remote host's). */
  toxiproxyFor?: Record<string, string>;
  /** Service name → name of the Toxiproxy proxy in front of it. */
  proxies: Record<string, string>;
  /** Role → service name, from the system definition ("@backend" in a fault resolves through it). */
  roles?: Record<string, string>;
  ledger: CleanupLedger;
  events: EventEmitter<ChaosEvents>;
  /** Resolves process/container targets by selector (a testbed sets it from its system). */
  targets?: TargetResolver;
  /** Where shell faults run their commands (the project folder). */
  cwd?: string;
  /** Aborted when the run is interrupted: no fault is applied after that. */
  signal?: AbortSignal;
}

export type TargetResolver = (selector: string) => Promise<unknown[]>;

export interface FaultEvent {
  /** The fault handle's id: apply and revert of one fault carry the same id. */
  id: string;
  spec: FaultSpec;
  appliedAt: number;
}

export interface ChaosEvents {
  /** `handle` reverts it: a scenario reverts every fault applied during it, however it was applied. */
  applied: [FaultEvent & { handle: FaultHandle }];
  reverted: [FaultEvent & { revertedAt: number }];
}

/** The key under which a run scope carries its chaos context. */
export const CHAOS_CONTEXT = Symbol("hivestorm.chaos-context");

let attached: ChaosContext | undefined;

/**
 * The context of the current run: its testbed's. Without a testbed, a Toxiproxy at TOXIPROXY_URL whose proxies
 * are named after the services; without that either, the error says how to make a testbed.
 */
export function chaosContext(): ChaosContext {
  const scoped = runScope()?.extras.get(CHAOS_CONTEXT) as ChaosContext | undefined;
  if (scoped) return scoped;
  if (attached) return attached;
  const url = process.env.TOXIPROXY_URL;
  if (!url)
    throw new HivestormError(
      "E_NO_TESTBED",
      "no testbed: nothing says which system and Toxiproxy to act on",
      {
        hint: 'start one before applying a fault: `await using bed = await testbed({ config: "hivestorm.config.ts" });` (it starts the Toxiproxy, the proxies and the services, and reverts everything at the end or on Ctrl-C); or set TOXIPROXY_URL to a running Toxiproxy whose proxies are named after your services',
      },
    );
  const ledger = new CleanupLedger({ file: process.env.HIVESTORM_LEDGER ?? DEFAULT_LEDGER_FILE });
  attached = createChaosContext({ toxiproxyUrl: url, ledger });
  // A script that drives a Toxiproxy of its own still reverts its faults on Ctrl-C, SIGTERM or a crash.
  onShutdown(async () => {
    await ledger.revertAll();
  });
  return attached;
}

export function createChaosContext(options: Partial<ChaosContext> & { ledger: CleanupLedger }): ChaosContext {
  return { proxies: {}, events: new EventEmitter<ChaosEvents>(), ...options };
}
