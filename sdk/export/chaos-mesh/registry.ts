// Every fault kind's Chaos Mesh mapping, keyed by the kebab-case kind: adding a kind is adding an entry to its
// family's table. A kind missing here is refused by name.
import type { Mapper } from "./mapping.ts";
import { NETWORK_MAPPERS } from "./network.ts";
import { PROCESS_MAPPERS } from "./process.ts";
import { RESOURCE_MAPPERS } from "./resource.ts";

export const CHAOS_MESH_MAPPERS: Readonly<Record<string, Mapper>> = {
  ...NETWORK_MAPPERS,
  ...PROCESS_MAPPERS,
  ...RESOURCE_MAPPERS,
};
