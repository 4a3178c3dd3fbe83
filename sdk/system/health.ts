// Health probes: one bounded GET; anything but a 2xx answer in time is unhealthy, with the reason.
export interface ProbeResult {
  ok: boolean;
  status: number;
  latencyMs: number;
  error?: string;
}

export async function probeHealth(url: string, timeoutMs: number): Promise<ProbeResult> {
  const start = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return {
      ok: res.status >= 200 && res.status < 300,
      status: res.status,
      latencyMs: performance.now() - start,
    };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const reason =
      e.name === "TimeoutError" ? `no answer within ${timeoutMs}ms` : (e.cause?.code ?? e.message);
    return { ok: false, status: 0, latencyMs: performance.now() - start, error: reason };
  }
}
