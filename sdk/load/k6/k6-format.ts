// Small formatting helpers for the k6 exports.

/** ms → a k6 duration string: "300s" for whole seconds, "1500ms" otherwise. */
export function k6Duration(ms: number): string {
  const r = Math.round(ms);
  return r % 1000 === 0 ? `${r / 1000}s` : `${r}ms`;
}

/** A name usable as a k6 scenario name and a Kubernetes object name. */
export function k6Name(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return s.slice(0, 52) || "load";
}
