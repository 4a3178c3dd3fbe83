// Live progress: on a terminal, a block redrawn in place (scenarios with their states, the current phase,
// requests/s and errors); otherwise plain lines, one per event, for CI logs.
import type { Verdict } from "../core/journal.ts";

type State = "pending" | "running" | Verdict;

export interface Progress {
  plan(items: { id: string; name: string; suite: string }[]): void;
  start(id: string): void;
  phase(id: string, phase: string): void;
  traffic(id: string, rps: number, errors: number): void;
  done(id: string, verdict: Verdict, reason: string): void;
  log(line: string): void;
  close(): void;
}

const MARK: Record<State, string> = {
  pending: "·",
  running: "▶",
  passed: "✔",
  failed: "✘",
  error: "!",
  skipped: "-",
  interrupted: "^",
};

export function createProgress(stream: NodeJS.WriteStream = process.stdout): Progress {
  return stream.isTTY ? new TtyProgress(stream) : new PlainProgress(stream);
}

class PlainProgress implements Progress {
  constructor(private readonly out: NodeJS.WritableStream) {}
  #last = 0;
  plan(items: { id: string; name: string; suite: string }[]) {
    this.out.write(`plan: ${items.length} scenario(s): ${items.map((i) => i.id).join(", ")}\n`);
  }
  start(id: string) {
    this.out.write(`[${stamp()}] ${id} started\n`);
  }
  phase(id: string, phase: string) {
    this.out.write(`[${stamp()}] ${id} phase ${phase}\n`);
  }
  traffic(id: string, rps: number, errors: number) {
    // One line every 5 s is enough for a log.
    if (Date.now() - this.#last < 5000) return;
    this.#last = Date.now();
    this.out.write(`[${stamp()}] ${id} ${rps} req/s, ${errors} errors\n`);
  }
  done(id: string, verdict: Verdict, reason: string) {
    this.out.write(`[${stamp()}] ${id} ${verdict.toUpperCase()}: ${reason}\n`);
  }
  log(line: string) {
    this.out.write(`[${stamp()}] ${line}\n`);
  }
  close() {}
}

class TtyProgress implements Progress {
  #items: {
    id: string;
    name: string;
    suite: string;
    state: State;
    phase: string;
    rps: number;
    errors: number;
    reason: string;
  }[] = [];
  #drawn = 0;
  #timer: NodeJS.Timeout;
  constructor(private readonly out: NodeJS.WriteStream) {
    this.#timer = setInterval(() => this.#draw(), 250);
    this.#timer.unref();
  }
  plan(items: { id: string; name: string; suite: string }[]) {
    this.#items = items.map((i) => ({ ...i, state: "pending", phase: "", rps: 0, errors: 0, reason: "" }));
    this.#draw();
  }
  #item(id: string) {
    return this.#items.find((i) => i.id === id);
  }
  start(id: string) {
    const i = this.#item(id);
    if (i) i.state = "running";
  }
  phase(id: string, phase: string) {
    const i = this.#item(id);
    if (i) i.phase = phase;
  }
  traffic(id: string, rps: number, errors: number) {
    const i = this.#item(id);
    if (i) Object.assign(i, { rps, errors });
  }
  done(id: string, verdict: Verdict, reason: string) {
    const i = this.#item(id);
    if (i) Object.assign(i, { state: verdict, reason, phase: "" });
    this.#draw();
  }
  log(line: string) {
    this.#clear();
    this.out.write(`${line}\n`);
    this.#drawn = 0;
    this.#draw();
  }
  close() {
    clearInterval(this.#timer);
    this.#draw();
  }
  #clear() {
    if (this.#drawn) this.out.write(`\x1b[${this.#drawn}A\x1b[0J`);
  }
  #draw() {
    this.#clear();
    const width = this.out.columns || 100;
    const lines = this.#items.map((i) => {
      const live =
        i.state === "running"
          ? ` ${i.phase} · ${i.rps} req/s · ${i.errors} err`
          : i.reason
            ? ` ${i.reason}`
            : "";
      return `${MARK[i.state]} ${i.id.padEnd(8)} ${i.name.slice(0, 36).padEnd(36)} ${i.state.padEnd(8)}${live}`.slice(
        0,
        width - 1,
      );
    });
    if (lines.length) this.out.write(`${lines.join("\n")}\n`);
    this.#drawn = lines.length;
  }
}

function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}
