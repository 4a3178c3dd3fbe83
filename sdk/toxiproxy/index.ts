// The embedded Toxiproxy 2.12-compatible server. Its deliberate deviations from upstream (no crash on bad slicer
// attributes, toxicity 0 never touching a connection, prompt toxic removal, the loopback guard, …) are listed in
// README.md beside this file and noted where each happens.
export type { ToxiproxyOptions, ToxiproxyServer } from "./server.ts";
export { startToxiproxy, TOXIPROXY_VERSION } from "./server.ts";
export { builtinRegistry, builtinToxics } from "./toxics/builtin.ts";
export { ToxicRegistry } from "./toxics/registry.ts";
export type { AttributeSpec, Attributes, Chunk, PipeOutput, ToxicKind, ToxicPipe } from "./toxics/toxic.ts";
