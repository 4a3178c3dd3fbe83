// The standalone Toxiproxy-compatible server under tsx (for development; `npx hivestorm-toxiproxy` runs the same
// main as plain JavaScript, about 30 MB lighter):
//   npx tsx scripts/toxiproxy-server.ts -host 127.0.0.1 -port 8474 [-config proxies.json] [-proxy-metrics]
import { runToxiproxyServer } from "../sdk/toxiproxy/main.ts";

await runToxiproxyServer(process.argv.slice(2));
