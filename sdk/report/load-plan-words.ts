// A load plan in words with the durations that actually ran: under --quick or --time-scale the engine's own
// description still holds the plan's full-length durations ("→1000 in 5m") for a load that took 48 s.
import type { LoadView } from "./analysis/load-view.ts";
import { fmtDuration, fmtNum } from "./format.ts";

/** "users 100, →2000 in 500ms, hold 3s, …, →3000 in 500ms, hold 3s (7.5s)", or null without stages. */
export function stagesAsRun(view: LoadView): string | null {
  if (!view.stages.length) return null;
  const closed = view.model !== "open";
  let level = view.startTarget ?? 0;
  const parts = [`${closed ? "users" : "rate"} ${fmtNum(level, 0)}${closed ? "" : " req/s"}`];
  let total = 0;
  for (const st of view.stages) {
    total += st.durationMs;
    parts.push(
      st.target === level
        ? `hold ${fmtDuration(st.durationMs)}`
        : `→${fmtNum(st.target, 0)} in ${fmtDuration(st.durationMs)}`,
    );
    level = st.target;
  }
  return `${parts.join(", ")} (${fmtDuration(total)})`;
}

/**
 * The plan line of a load section: the stages as run, then the engine's details (request, think time, checks,
 * thresholds), and the full-length plan when it differs.
 */
export function planWords(view: LoadView): string | null {
  const asRun = stagesAsRun(view);
  if (!view.description) return asRun;
  if (!asRun) return view.description;
  const [head, ...details] = view.description.split("; ");
  const name = /^([^:]+): /.exec(head)?.[1];
  const model = view.model ? `${view.model} model, ` : "";
  const line = [`${name ? `${name}: ` : ""}${model}${asRun}`, ...details].join("; ");
  const planned = /\(([^()]+)\)\s*$/.exec(head)?.[1];
  const total = /\(([^()]+)\)$/.exec(asRun)?.[1];
  return planned && planned !== total ? `${line} (the plan at full length: ${planned})` : line;
}
