/**
 * Reads the values of a Berkeley DB hash database held in memory: the format of rpm's `Packages` database up to
 * RHEL/UBI 8 and CentOS 7 (keys are package numbers, values rpm headers, most of them on overflow pages). Pages
 * are read in order and each overflow chain is followed with its length and pages checked, so a malformed file
 * ends in an error rather than a loop.
 */

import { malformed } from "./format-error.js";

const HASH_MAGIC = 0x061561;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_OFFPAGE = 3;
/** The fixed part of every page: LSN, page numbers, entry count, free offset, level, type. */
const PAGE_HEADER = 26;

/** Every data item of the hash database (keys skipped), in page order. */
export function hashValues(db: Buffer): Buffer[] {
  if (db.length < 512) malformed("too short for a Berkeley DB file");
  // The creator's byte order: the magic number reads right one way only.
  const little = db.readUInt32LE(12) === HASH_MAGIC;
  if (!little && db.readUInt32BE(12) !== HASH_MAGIC) malformed("not a Berkeley DB hash database");
  const u16 = (at: number) => (little ? db.readUInt16LE(at) : db.readUInt16BE(at));
  const u32 = (at: number) => (little ? db.readUInt32LE(at) : db.readUInt32BE(at));
  const pageSize = u32(20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) malformed(`page size ${pageSize} is not valid`);
  const pages = Math.floor(db.length / pageSize);

  /** The bytes of an item stored on overflow pages, `length` in all, from page `first` on. */
  const overflow = (first: number, length: number): Buffer => {
    const parts: Buffer[] = [];
    let got = 0;
    const seen = new Set<number>();
    for (let n = first; got < length; ) {
      if (n < 1 || n >= pages || seen.has(n)) malformed(`overflow chain reaches page ${n}`);
      seen.add(n);
      const base = n * pageSize;
      if (db[base + 25] !== P_OVERFLOW) malformed(`page ${n} is not an overflow page`);
      // On overflow pages the free-space offset holds the number of bytes the page carries.
      const take = Math.min(u16(base + 22), pageSize - PAGE_HEADER, length - got);
      if (take === 0) malformed(`overflow page ${n} is empty`);
      parts.push(db.subarray(base + PAGE_HEADER, base + PAGE_HEADER + take));
      got += take;
      n = u32(base + 16);
    }
    return Buffer.concat(parts, length);
  };

  const out: Buffer[] = [];
  for (let n = 1; n < pages; n++) {
    const base = n * pageSize;
    const type = db[base + 25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    const entries = u16(base + 20);
    if (PAGE_HEADER + 2 * entries > pageSize) malformed(`page ${n} claims more items than it holds`);
    // Items pair up as key, data; each item's offset is in the index after the header, its end the previous item's start.
    for (let i = 1; i < entries; i += 2) {
      const at = u16(base + PAGE_HEADER + 2 * i);
      const end = u16(base + PAGE_HEADER + 2 * (i - 1));
      if (at < PAGE_HEADER + 2 * entries || at >= end || end > pageSize) malformed(`item ${i} of page ${n} is out of place`);
      const item = base + at;
      if (db[item] === H_KEYDATA) out.push(db.subarray(item + 1, base + end));
      else if (db[item] === H_OFFPAGE) {
        if (at + 12 > end) malformed(`item ${i} of page ${n} is cut short`);
        out.push(overflow(u32(item + 4), u32(item + 8)));
      }
    }
  }
  return out;
}
