// Just enough DER (ASN.1) to build an RFC 3161 request and read the answer, its CMS signature and
// the signer's X.509 certificate: definite lengths, single-byte tags (every tag RFC 3161, CMS and
// X.509 use here).

export interface Tlv {
  tag: number;
  /** The content bytes. */
  value: Uint8Array;
  /** The whole element (tag, length, content). */
  raw: Uint8Array;
}

export function encode(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  let len: number[];
  if (n < 0x80) len = [n];
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    len = [0x80 | bytes.length, ...bytes];
  }
  const out = new Uint8Array(1 + len.length + n);
  out[0] = tag;
  out.set(len, 1);
  out.set(content, 1 + len.length);
  return out;
}

export const seq = (...items: Uint8Array[]) => encode(0x30, concat(items));
export const int = (bytes: Uint8Array) =>
  encode(0x02, bytes[0]! & 0x80 ? concat([new Uint8Array([0]), bytes]) : bytes);
export const octets = (bytes: Uint8Array) => encode(0x04, bytes);
export const bool = (v: boolean) => encode(0x01, new Uint8Array([v ? 0xff : 0]));
export const nul = () => new Uint8Array([0x05, 0x00]);

export function oid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map(Number);
  const out = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) stack.unshift((v & 0x7f) | 0x80);
    out.push(...stack);
  }
  return encode(0x06, new Uint8Array(out));
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Reads one element at `offset`. Throws on malformed input. */
export function read(buf: Uint8Array, offset = 0): Tlv & { end: number } {
  if (offset + 2 > buf.length) throw new Error('DER: truncated');
  const tag = buf[offset]!;
  let len = buf[offset + 1]!;
  let at = offset + 2;
  if (len & 0x80) {
    const k = len & 0x7f;
    if (k === 0 || k > 4) throw new Error('DER: unsupported length');
    len = 0;
    for (let i = 0; i < k; i++) len = len * 256 + buf[at + i]!;
    at += k;
  }
  const end = at + len;
  if (end > buf.length) throw new Error('DER: truncated');
  return { tag, value: buf.subarray(at, end), raw: buf.subarray(offset, end), end };
}

/** The elements inside a constructed element's content. */
export function children(value: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < value.length;) {
    const t = read(value, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

export function oidToString(value: Uint8Array): string {
  const parts = [Math.floor(value[0]! / 40), value[0]! % 40];
  let v = 0;
  for (const b of value.subarray(1)) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** A UTCTime or GeneralizedTime (as X.509 and RFC 3161 write them: UTC, "Z") in epoch milliseconds. */
export function readTime(t: Tlv): number {
  const s = Buffer.from(t.value).toString('latin1');
  const m =
    t.tag === 0x17
      ? s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})()Z$/)
      : t.tag === 0x18
        ? s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/)
        : null;
  if (!m) throw new Error('DER: not a UTC time');
  let year = Number(m[1]);
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900; // RFC 5280 4.1.2.5.1
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
}
