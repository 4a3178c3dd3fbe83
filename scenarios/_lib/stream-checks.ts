// Checks on streaming background traffic that worker-crash scenarios share. Each one reads the samples' stream
// columns and says "n/a" (and holds) when the system's traffic does not stream.
import { expect, type Observations } from "../../sdk/index.ts";

const streaming = (o: Observations) => Array.isArray(o.samples?.cut);
const NA = { ok: true, observed: "n/a: the system's traffic does not stream (traffic.stream)" };

export const streamChecks = {
  /**
   * A crash shows on the client as cut streams (counted by kind), and cuts no more than the streams the dead
   * instance carried (recorded under `inflightKey`): the others end whole.
   */
  cutOnlyWhatTheCrashCarried(inflightKey: string) {
    return expect.custom(
      "the client sees the crash as cut streams, and only the dead worker's",
      `cut streams during the fault <= the streams in flight on it at the kill`,
      (o) => {
        if (!streaming(o)) return NA;
        const carried = Number(o.data[inflightKey] ?? 0);
        const w = o.windows.during;
        const s = o.samples;
        // the streams the crash caught began before it: count every stream still open in the window
        const kinds = new Map<string, number>();
        let open = 0;
        for (let i = 0; w && i < s.t.length; i++) {
          if (s.t[i] >= w.end || s.t[i] + s.latencyMs[i] < w.start) continue;
          if (s.status[i] >= 200 && s.status[i] < 300) open++;
          const cut = s.cut?.[i];
          if (cut) kinds.set(cut, (kinds.get(cut) ?? 0) + 1);
        }
        const n = [...kinds.values()].reduce((a, b) => a + b, 0);
        const by = [...kinds].map(([k, c]) => `${k}: ${c}`).join(", ");
        return {
          ok: n <= carried,
          observed: `${n} of ${open} streams open in the fault window cut${by ? ` (${by})` : ""}; ${carried} in flight on the dead worker`,
        };
      },
    );
  },

  /**
   * Retries are made before the first token only: a retried stream comes whole, so no whole stream during the
   * fault has more tokens than the most any whole stream had before it.
   */
  noDuplicateTokens() {
    return expect.custom(
      "retried streams do not repeat tokens",
      "whole streams during the fault: no more tokens than before it",
      (o) => {
        if (!streaming(o)) return NA;
        const s = o.samples;
        const whole = (w: "before" | "during") => {
          const win = o.windows[w];
          const out: number[] = [];
          if (!win) return out;
          for (let i = 0; i < s.t.length; i++)
            if (s.t[i] >= win.start && s.t[i] < win.end && s.ok[i] && s.cut?.[i] === null)
              out.push(s.tokens?.[i] ?? 0);
          return out;
        };
        const before = whole("before");
        const during = whole("during");
        if (before.length === 0 || during.length === 0)
          return { ok: false, observed: `whole streams: ${before.length} before, ${during.length} during` };
        const most = Math.max(...before);
        const over = during.filter((n) => n > most).length;
        return {
          ok: over === 0,
          observed: `${over} of ${during.length} whole streams over ${most} tokens (the most before the fault)`,
        };
      },
    );
  },
};
