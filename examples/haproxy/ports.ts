// The example's addresses, in one place: the config, the generated environment of haproxy.cfg and the
// scenarios' stats reads all use these. All on loopback.
export const HOST = "127.0.0.1";
export const PORTS = {
  /** HAProxy's frontend: where clients (and the background traffic) go. */
  haproxy: 19080,
  /** HAProxy's stats page (CSV at /stats;csv). */
  stats: 19090,
  /** Backend A itself, and the Toxiproxy proxy in front of it that HAProxy uses. */
  appA: 19101,
  appAProxy: 19201,
  /** Backend B itself, and its proxy. */
  appB: 19102,
  appBProxy: 19202,
} as const;

export const address = (port: number): string => `${HOST}:${port}`;
