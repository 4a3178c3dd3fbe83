// Upstream tags each response with an xid: 12 bytes (time, machine, pid, counter) in 20 base32hex characters.
const ALPHABET = "0123456789abcdefghijklmnopqrstuv";
// Random machine bytes and counter start, drawn with Math.random: node:crypto would cost the standalone server
// about a megabyte of resident memory for OpenSSL, and these ids need to be unique, not unpredictable.
const machine = Buffer.from(Array.from({ length: 5 }, () => Math.floor(Math.random() * 256)));
let counter = Math.floor(Math.random() * 0x1000000);

export function requestId(): string {
  const raw = Buffer.alloc(12);
  raw.writeUInt32BE(Math.floor(Date.now() / 1000) >>> 0, 0);
  machine.copy(raw, 4);
  counter = (counter + 1) & 0xffffff;
  raw.writeUIntBE(counter, 9, 3);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of raw) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out + ALPHABET[(value << (5 - bits)) & 31];
}
