// The bytes of a feed to text, as an XML reader does it: a byte order mark wins, then the first
// bytes of `<?xml` in UTF-16 or UTF-32 without a mark, then the HTTP charset, then the XML
// declaration, then UTF-8. TextDecoder has no UTF-32: it is decoded here.

type Sniffed = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

const startsWith = (b: Uint8Array, ...bytes: number[]) => bytes.every((x, i) => b[i] === x);

/** The encoding the first bytes prove (a BOM, or `<?` in a wide encoding), with the BOM's length. */
function sniff(b: Uint8Array): { enc: Sniffed; bom: number } | null {
  if (startsWith(b, 0x00, 0x00, 0xfe, 0xff)) return { enc: 'utf-32be', bom: 4 };
  if (startsWith(b, 0xff, 0xfe, 0x00, 0x00)) return { enc: 'utf-32le', bom: 4 };
  if (startsWith(b, 0xef, 0xbb, 0xbf)) return { enc: 'utf-8', bom: 3 };
  if (startsWith(b, 0xfe, 0xff)) return { enc: 'utf-16be', bom: 2 };
  if (startsWith(b, 0xff, 0xfe)) return { enc: 'utf-16le', bom: 2 };
  if (startsWith(b, 0x00, 0x00, 0x00, 0x3c)) return { enc: 'utf-32be', bom: 0 };
  if (startsWith(b, 0x3c, 0x00, 0x00, 0x00)) return { enc: 'utf-32le', bom: 0 };
  if (startsWith(b, 0x00, 0x3c, 0x00, 0x3f)) return { enc: 'utf-16be', bom: 0 };
  if (startsWith(b, 0x3c, 0x00, 0x3f, 0x00)) return { enc: 'utf-16le', bom: 0 };
  return null;
}

function decodeUtf32(b: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength - (b.byteLength % 4));
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let i = 0; i < view.byteLength; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    // Out of range or a surrogate code point: the replacement character, as a decoder would.
    chunk.push(cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}

function declaredCharset(contentType: string | null, head: Uint8Array): string | null {
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (fromHeader) return fromHeader;
  // The XML declaration is ASCII, so it can be read before knowing the encoding.
  const decl = new TextDecoder('latin1').decode(head.subarray(0, 200));
  return /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(decl)?.[1] ?? null;
}

export function decodeFeedBytes(bytes: Uint8Array, contentType: string | null): string {
  const sniffed = sniff(bytes);
  if (sniffed) {
    const body = bytes.subarray(sniffed.bom);
    if (sniffed.enc === 'utf-32le' || sniffed.enc === 'utf-32be')
      return decodeUtf32(body, sniffed.enc === 'utf-32le');
    return new TextDecoder(sniffed.enc).decode(body);
  }
  const label = declaredCharset(contentType, bytes) ?? 'utf-8';
  // A wide encoding declared over bytes that are not wide (no mark, no `<?` in it) is a mislabel.
  const wide = /^(utf-?16|utf-?32|ucs-?2|ucs-?4)/i.test(label);
  try {
    return new TextDecoder(wide ? 'utf-8' : label).decode(bytes);
  } catch {
    // An unknown charset label: UTF-8 is what nearly every feed really is.
    return new TextDecoder('utf-8').decode(bytes);
  }
}
