export type { ToxiproxyOptions, ToxiproxyServer } from "./server.ts";
export { startToxiproxy, TOXIPROXY_VERSION } from "./server.ts";
export { builtinRegistry, builtinToxics } from "./toxics/builtin.ts";
export { ToxicRegistry } from "./toxics/registry.ts";
export type { AttributeSpec, Attributes, Chunk, PipeOutput, ToxicKind, ToxicPipe } from "./toxics/toxic.ts";
