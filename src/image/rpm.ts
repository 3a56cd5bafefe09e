import type { OsPackage } from "./packages.js";

/**
 * An installed package from an rpm database entry: the package's header as rpm stores it (big-endian counts of
 * index entries and data bytes, 16-byte entries of tag, type, offset and count, then the data they point into).
 */

const NAME = 1000;
const VERSION = 1001;
const RELEASE = 1002;
const EPOCH = 1003;
const SIZE = 1009;
const LONGSIZE = 5009;

const INT32 = 4;
const INT64 = 5;
const STRING = 6;

export function rpmPackage(blob: Buffer): OsPackage | undefined {
  if (blob.length < 8) return undefined;
  const count = blob.readUInt32BE(0);
  const dataLength = blob.readUInt32BE(4);
  const data = 8 + count * 16;
  if (data + dataLength > blob.length) return undefined;
  const found = new Map<number, string | number>();
  for (let i = 0; i < count; i++) {
    const at = 8 + i * 16;
    const tag = blob.readUInt32BE(at);
    if (tag !== NAME && tag !== VERSION && tag !== RELEASE && tag !== EPOCH && tag !== SIZE && tag !== LONGSIZE) continue;
    const type = blob.readUInt32BE(at + 4);
    const offset = blob.readInt32BE(at + 8);
    if (offset < 0 || offset >= dataLength) continue;
    const start = data + offset;
    if (type === STRING) {
      const end = blob.indexOf(0, start);
      if (end < 0 || end > data + dataLength) continue;
      found.set(tag, blob.toString("utf8", start, end));
    } else if (type === INT32 && start + 4 <= data + dataLength) found.set(tag, blob.readUInt32BE(start));
    else if (type === INT64 && start + 8 <= data + dataLength) found.set(tag, Number(blob.readBigUInt64BE(start)));
  }
  const name = found.get(NAME);
  if (typeof name !== "string") return undefined;
  const version = [found.get(EPOCH) !== undefined ? `${found.get(EPOCH)}:` : "", found.get(VERSION) ?? "", found.get(RELEASE) !== undefined ? `-${found.get(RELEASE)}` : ""].join("");
  const bytes = found.get(LONGSIZE) ?? found.get(SIZE);
  return { name, version: version || undefined, bytes: typeof bytes === "number" ? bytes : undefined };
}
