import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { load } from "../../../sdk/load/load.ts";

interface Added {
  output_tokens: number[];
  streams_cut: boolean[];
}

/** Runs a generated script's default function once, with k6's modules stubbed to answer `body`. */
async function runOnce(script: string, body: string, status = 200): Promise<Added> {
  const dir = mkdtempSync(join(tmpdir(), "hivestorm-k6-stream-"));
  try {
    const g = globalThis as unknown as { __added: Added; __reply: unknown };
    g.__added = { output_tokens: [], streams_cut: [] };
    g.__reply = { status, body, error: "" };
    writeFileSync(join(dir, "http.mjs"), "export default { request: () => globalThis.__reply };");
    writeFileSync(join(dir, "k6.mjs"), "export const check = () => true; export const sleep = () => {};");
    writeFileSync(
      join(dir, "metrics.mjs"),
      "class M { constructor(n) { this.n = n; } add(v) { globalThis.__added[this.n].push(v); } }\n" +
        "export const Counter = M; export const Rate = M;",
    );
    const stubbed = script
      .replace('from "k6/http"', 'from "./http.mjs"')
      .replace('from "k6/metrics"', 'from "./metrics.mjs"')
      .replace('from "k6"', 'from "./k6.mjs"')
      .replace("__ENV.BASE_URL", "undefined");
    const file = join(dir, "script.mjs");
    writeFileSync(file, stubbed);
    const mod = (await import(pathToFileURL(file).href)) as { default: () => void };
    mod.default();
    return g.__added;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("k6 export of a streaming plan", () => {
  const plan = load
    .constant(2, "10s")
    .target("http://127.0.0.1:8080")
    .request({ method: "POST", url: "/v1/inference", body: { prompt: "hi", stream: true } })
    .stream("sse")
    .thresholds({
      time_to_first_token: ["p(95)<300"],
      inter_token_latency: ["p(95)<100"],
      output_tokens: ["count>0"],
      streams_cut: ["rate<0.01"],
    });

  it("keeps the thresholds k6 can judge and names the ones it cannot", () => {
    const script = plan.toK6Script();
    const m = /export const options = (\{[\s\S]*?\n\});/.exec(script);
    assert.ok(m);
    assert.deepEqual(Object.keys(JSON.parse(m[1]).thresholds).sort(), ["output_tokens", "streams_cut"]);
    assert.match(script, /time_to_first_token, inter_token_latency, time_per_output_token are left out/);
  });

  it("counts the tokens of a whole SSE stream and tells a cut one", async () => {
    const script = plan.toK6Script();
    const whole = await runOnce(script, 'data: {"t":1}\n\ndata: {"t":2}\n\nevent: done\ndata: {}\n\n');
    assert.deepEqual(whole, { output_tokens: [2], streams_cut: [false] });
    const cut = await runOnce(script, 'data: {"t":1}\n\nevent: error\ndata: {"reason":"x"}\n\n');
    assert.deepEqual(cut, { output_tokens: [1], streams_cut: [true] });
    const eof = await runOnce(script, 'data: {"t":1}\n\n');
    assert.deepEqual(eof, { output_tokens: [1], streams_cut: [true] });
    assert.deepEqual(await runOnce(script, "busy", 503), { output_tokens: [], streams_cut: [] });
  });

  it("writes a custom extractor into the script (NDJSON)", async () => {
    const nd = load
      .constant(1, "1s")
      .target("http://127.0.0.1:8080")
      .stream("ndjson", { tokens: (e) => (e.data.includes("tok") ? 3 : 0) });
    const added = await runOnce(nd.toK6Script(), '{"tok":"a"}\n{"tok":"b"}\n{"done":true}\n');
    assert.deepEqual(added, { output_tokens: [6], streams_cut: [false] });
  });
});
