// One JSON line per event, per service: {"ts","service","event",...}. Synchronous writes on one open
// descriptor, so that the last line before a crash is on disk; a full disk drops lines, never the service.
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

export type Fields = Record<string, unknown>;

export class Logger {
  readonly service: string;
  readonly file: string | undefined;
  private fd: number | undefined;
  private base: Fields;
  dropped = 0;

  /** Without a file the lines go to stderr. */
  constructor(service: string, file?: string, base: Fields = {}) {
    this.service = service;
    this.file = file || undefined;
    this.base = base;
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true });
      this.fd = openSync(this.file, "a");
    }
  }

  /** Adds fields to every later line (e.g. the worker's id once registered). */
  extend(fields: Fields): void {
    this.base = { ...this.base, ...fields };
  }

  event(event: string, fields: Fields = {}): void {
    const line = `${JSON.stringify({ ts: new Date().toISOString(), service: this.service, event, ...this.base, ...fields })}\n`;
    try {
      if (this.fd === undefined) process.stderr.write(line);
      else writeSync(this.fd, line);
    } catch {
      this.dropped++;
    }
  }

  /**
   * An event that can fire thousands of times a second under load (queue_full, emfile): logged at most once
   * per interval, with the number of occurrences since the last line.
   */
  sampled(event: string, intervalMs = 1000): (fields?: Fields) => void {
    let last = 0;
    let count = 0;
    return (fields = {}) => {
      count++;
      const now = Date.now();
      if (now - last < intervalMs) return;
      this.event(event, { ...fields, count });
      last = now;
      count = 0;
    };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
