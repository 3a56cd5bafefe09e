/**
 * Reads rpm's own "ndb" package database (`Packages.db`, the default of SUSE Linux Enterprise 15 and openSUSE):
 * a 32-byte header, pages of 16-byte slots naming each package's blob by block offset and count, and blobs framed
 * by a head (magic, package number, time, length) and a tail (checksum, length, magic). Every slot and frame is
 * checked against the file's bounds, so a damaged file ends in an error, never a read past its end.
 */

import { malformed } from "./format-error.js";

const DB_MAGIC = 0x506d7052; // "RpmP", little-endian
const SLOT_MAGIC = 0x746f6c53; // "Slot"
const BLOB_HEAD = 0x53626c42; // "BlbS"
const BLOB_TAIL = 0x45626c42; // "BlbE"
const HEADER_SIZE = 32;
const SLOT_SIZE = 16;
const BLOCK = 16;
const PAGE = 4096;
const HEAD_SIZE = 16;
const TAIL_SIZE = 12;

/** The rpm header of every package the database holds, in slot order. */
export function ndbBlobs(db: Buffer): Buffer[] {
  if (db.length < HEADER_SIZE) malformed("too short for an rpm ndb database");
  if (db.readUInt32LE(0) !== DB_MAGIC) malformed("not an rpm ndb database");
  const version = db.readUInt32LE(4);
  if (version !== 0) malformed(`ndb version ${version} is not known`);
  const slotPages = db.readUInt32LE(12);
  if (slotPages === 0 || slotPages * PAGE > db.length) malformed(`${slotPages} slot pages do not fit in the file`);
  const firstBlob = (slotPages * PAGE) / BLOCK;
  const blocks = Math.floor(db.length / BLOCK);
  const out: Buffer[] = [];
  // The header takes the first slots of the first page.
  for (let at = HEADER_SIZE; at < slotPages * PAGE; at += SLOT_SIZE) {
    if (db.readUInt32LE(at) !== SLOT_MAGIC) malformed(`slot at byte ${at} is damaged`);
    const pkg = db.readUInt32LE(at + 4);
    const offset = db.readUInt32LE(at + 8);
    const count = db.readUInt32LE(at + 12);
    if (offset === 0) continue; // a free slot
    if (pkg === 0 || count === 0 || offset < firstBlob || offset + count > blocks) malformed(`slot at byte ${at} points outside the blob area`);
    out.push(blob(db, pkg, offset * BLOCK, count * BLOCK));
  }
  return out;
}

/** A blob's rpm header, its frame checked: both magics, the package number, and the length within its blocks. */
function blob(db: Buffer, pkg: number, start: number, room: number): Buffer {
  if (room < HEAD_SIZE + TAIL_SIZE) malformed(`package ${pkg}: its blob has no room for its frame`);
  if (db.readUInt32LE(start) !== BLOB_HEAD || db.readUInt32LE(start + 4) !== pkg) malformed(`package ${pkg}: its blob does not start where its slot says`);
  const length = db.readUInt32LE(start + 12);
  if (length > room - HEAD_SIZE - TAIL_SIZE) malformed(`package ${pkg}: a blob of ${length} bytes does not fit in its ${room}`);
  const tail = start + HEAD_SIZE + length;
  if (db.readUInt32LE(tail + 4) !== length || db.readUInt32LE(tail + 8) !== BLOB_TAIL) malformed(`package ${pkg}: its blob's end is damaged`);
  return db.subarray(start + HEAD_SIZE, tail);
}
