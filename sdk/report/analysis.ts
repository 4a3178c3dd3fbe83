// The one analysis module (loading a run, percentiles, rates, windows, time to recover, run-to-run comparison)
// shared by the runner, the Markdown report and the notebooks. Browser pages import ./analysis/pure.ts instead,
// which is the same minus loadRun's file access.
export { loadRun, resultsFile } from "./analysis/load-run.ts";
export * from "./analysis/pure.ts";
