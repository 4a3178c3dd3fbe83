// The report's SVG charts, pure functions of the journal: per scenario, per load, and across the run.
export { renderLatencyHistogram, renderLoadChart } from "./chart-load.ts";
export { renderRecoveryOverview } from "./chart-recovery.ts";
export { renderScenarioChart } from "./chart-scenario.ts";
export { renderLoadTokenChart, renderTrafficTokenChart } from "./chart-tokens.ts";
