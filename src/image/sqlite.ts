/**
 * Reads the rows of one table from an SQLite database file held in memory: as much of the file format as a table
 * scan needs (table b-trees, overflow pages, records), for the rpm database of RHEL-family images
 * (`/var/lib/rpm/rpmdb.sqlite`). The file comes from an image and may be hostile: every page number, offset and
 * length is checked, each page is visited once, and a malformed file ends in an error rather than a loop.
 */

import { malformed } from "./format-error.js";

export type SqlValue = null | number | string | Buffer;

const MAGIC = "SQLite format 3\0";

/** The varint at `at` (1 to 9 bytes, big-endian groups of 7 bits, all 8 in the ninth): its value and what follows. */
function varint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (at + i >= buf.length) malformed("varint runs past its end");
    const b = buf[at + i];
    if (i === 8) return [value * 256 + b, at + 9];
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) return [value, at + i + 1];
  }
  return malformed("varint too long");
}

export function readTable(db: Buffer, table: string): SqlValue[][] {
  if (db.length < 100 || db.toString("latin1", 0, 16) !== MAGIC) malformed("not an SQLite database");
  const raw = db.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) malformed(`page size ${raw} is not valid`);
  const usable = pageSize - db[20];
  if (usable < 480) malformed("reserved space leaves pages too small");
  const pages = Math.floor(db.length / pageSize);

  const pageStart = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > pages) malformed(`page ${n} is outside the file`);
    return (n - 1) * pageSize;
  };

  /** A cell's payload: the part on the page and the rest along its chain of overflow pages. */
  const payload = (at: number, length: number, end: number): Buffer => {
    const maxLocal = usable - 35;
    let local = length;
    if (length > maxLocal) {
      const minLocal = Math.floor(((usable - 12) * 32) / 255) - 23;
      const k = minLocal + ((length - minLocal) % (usable - 4));
      local = k <= maxLocal ? k : minLocal;
    }
    if (at + local > end) malformed("cell runs past its page");
    if (local === length) return db.subarray(at, at + length);
    const parts = [db.subarray(at, at + local)];
    let got = local;
    let next = db.readUInt32BE(at + local);
    const seen = new Set<number>();
    while (got < length) {
      if (seen.has(next)) malformed("overflow pages form a loop");
      seen.add(next);
      const start = pageStart(next);
      const take = Math.min(usable - 4, length - got);
      parts.push(db.subarray(start + 4, start + 4 + take));
      got += take;
      next = db.readUInt32BE(start);
    }
    return Buffer.concat(parts, length);
  };

  /** Every row of the table b-tree rooted at `root`, as record payloads. */
  const rows = (root: number): Buffer[] => {
    const out: Buffer[] = [];
    const todo = [root];
    const seen = new Set<number>();
    while (todo.length > 0) {
      const n = todo.pop()!;
      if (seen.has(n)) malformed("b-tree pages form a loop");
      seen.add(n);
      const base = pageStart(n);
      const header = base + (n === 1 ? 100 : 0);
      const end = base + pageSize;
      const type = db[header];
      const cells = db.readUInt16BE(header + 3);
      if (header + 12 + 2 * cells > end) malformed(`page ${n} claims more cells than it holds`);
      if (type === 0x05) {
        // Children left to right, then the right-most pointer: pushed in reverse, so rows come out in rowid order.
        todo.push(db.readUInt32BE(header + 8));
        for (let i = cells - 1; i >= 0; i--) {
          const cell = base + db.readUInt16BE(header + 12 + 2 * i);
          if (cell + 4 > end) malformed("cell pointer outside its page");
          todo.push(db.readUInt32BE(cell));
        }
      } else if (type === 0x0d) {
        for (let i = 0; i < cells; i++) {
          const cell = base + db.readUInt16BE(header + 8 + 2 * i);
          if (cell >= end) malformed("cell pointer outside its page");
          const [length, afterLength] = varint(db, cell);
          const [, afterRowid] = varint(db, afterLength);
          out.push(payload(afterRowid, length, end));
        }
      } else malformed(`page ${n} is not a table page (type ${type})`);
    }
    return out;
  };

  /** A record's values, by its header of serial types. */
  const record = (bytes: Buffer): SqlValue[] => {
    const values: SqlValue[] = [];
    const [headerSize, first] = varint(bytes, 0);
    let at = first;
    let body = headerSize;
    while (at < headerSize) {
      const [type, next] = varint(bytes, at);
      at = next;
      const size = type >= 12 ? Math.floor((type - 12) / 2) : [0, 1, 2, 3, 4, 6, 8, 8, 0, 0][type] ?? malformed(`serial type ${type} is reserved`);
      if (body + size > bytes.length) malformed("record value runs past the record");
      if (type === 0) values.push(null);
      else if (type === 8 || type === 9) values.push(type - 8);
      else if (type === 7) values.push(bytes.readDoubleBE(body));
      else if (type < 7) values.push(size === 8 ? Number(bytes.readBigInt64BE(body)) : bytes.readIntBE(body, size));
      else if (type % 2 === 0) values.push(bytes.subarray(body, body + size));
      else values.push(bytes.toString("utf8", body, body + size));
      body += size;
    }
    return values;
  };

  // sqlite_master (page 1): type, name, tbl_name, rootpage, sql.
  const entry = rows(1).map(record).find((r) => r[0] === "table" && r[1] === table);
  if (!entry) malformed(`no table ${table}`);
  return rows(Number(entry![3])).map(record);
}
