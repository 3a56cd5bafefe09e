import { InputError } from "../errors.js";
import { viewOf } from "./bytes.js";

/**
 * A push parser for tar streams (ustar, GNU long names, PAX) that hands entry contents over as
 * slices of the chunks it is given: no copies, no per-entry streams. Layers inside a `docker save`
 * archive run through two of these (the outer archive's entry feeding the layer's parser), which is
 * what keeps inspection close to the speed of `tar -t`.
 */

export type TarType = "file" | "hardlink" | "symlink" | "dir" | "char" | "block" | "fifo" | "other";

export interface TarHeader {
  name: string;
  type: TarType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkname: string;
  /**
   * For a name a rooted parser read from the header block itself (not a PAX record or GNU long name):
   * whether it is ASCII without "/." or "//" (no ".", ".." or empty component, not absolute: nothing
   * to normalize but a trailing "/"), where its directory ends (its last "/" but a trailing one), and
   * whether that directory is, byte for byte, the previous entry's. False, -1, false otherwise.
   */
  plain: boolean;
  dirLength: number;
  sameDir: boolean;
}

/** Receives the content of one entry. */
export interface EntrySink {
  /** Content bytes chunk[start, end), readable only during the call (the chunk's buffer is reused). */
  data(chunk: Buffer, start: number, end: number): void;
  end(): void;
}

/**
 * Called for each entry; returning undefined skips its content. May throw to reject the archive.
 * The header object is the parser's own, overwritten by the next entry: copy what is kept (mode, uid
 * and gid are read from the header block when asked for, so only during the call).
 */
export type EntryHandler = (header: TarHeader) => EntrySink | undefined;

const BLOCK = 512;
/** PAX and GNU long-name records are metadata; anything larger is not a real archive. */
const MAX_META_BYTES = 1024 * 1024;

function typeOf(code: number): TarType {
  switch (code) {
    case 0x30: // "0"
    case 0: // pre-POSIX
    case 0x37: // "7", contiguous
    case 0x53: // "S", GNU sparse
      return "file";
    case 0x31:
      return "hardlink";
    case 0x32:
      return "symlink";
    case 0x33:
      return "char";
    case 0x34:
      return "block";
    case 0x35:
      return "dir";
    case 0x36:
      return "fifo";
    default:
      return "other";
  }
}

/** The parser's header: mode, uid and gid are read from the block only when asked for (no hot path does). */
class Header implements TarHeader {
  name = "";
  type: TarType = "file";
  size = 0;
  linkname = "";
  plain = false;
  dirLength = -1;
  sameDir = false;
  /** The header block, valid while the entry's handler runs. */
  block: Buffer = Buffer.alloc(0);
  at = 0;
  paxUid: number | undefined = undefined;
  paxGid: number | undefined = undefined;

  get mode(): number {
    return readNumber(this.block, this.at + 100, 8) & 0o7777;
  }

  get uid(): number {
    return this.paxUid ?? readNumber(this.block, this.at + 108, 8);
  }

  get gid(): number {
    return this.paxGid ?? readNumber(this.block, this.at + 116, 8);
  }
}

type State = "header" | "content" | "padding" | "meta" | "ended";

export class TarParser {
  private state: State = "header";
  private scratch = Buffer.alloc(BLOCK);
  private scratchLen = 0;
  private remaining = 0;
  private padding = 0;
  private sink: EntrySink | undefined;
  private meta: Buffer[] = [];
  private metaType = "";
  private pax: Record<string, string> = {};
  private globalPax: Record<string, string> = {};
  /** Whether `pax` holds records for the next entry, and whether `globalPax` holds any. */
  private localPax = false;
  private hasGlobalPax = false;
  private readonly h = new Header();
  /** The names of this header and the previous one, read from their blocks, in turn. */
  private names = [Buffer.alloc(NAME_BYTES), Buffer.alloc(NAME_BYTES)];
  private nameIndex = 0;
  /** The previous entry's dirLength. */
  private lastDirLength = -1;
  private longName: string | undefined;
  private longLink: string | undefined;
  private offset = 0;
  /** Bytes of archive consumed so far (headers, contents and padding). */
  bytes = 0;

  /** Where the current entry's content starts in the archive (valid while its handler runs). */
  get contentOffset(): number {
    return this.offset + BLOCK;
  }

  constructor(
    private readonly onEntry: EntryHandler,
    private readonly where: string,
    /**
     * Names with a leading "/" ("/usr/bin/" for "usr/bin/"), decoded so in one string: a path built
     * by concatenation is two more strings per entry once something hashes it.
     */
    private readonly rooted = false,
  ) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    let pos = 0;
    const len = chunk.length;
    while (pos < len) {
      switch (this.state) {
        case "ended":
          return;
        case "header": {
          if (this.scratchLen === 0 && len - pos >= BLOCK) {
            this.header(chunk, pos);
            pos += BLOCK;
          } else {
            const take = Math.min(BLOCK - this.scratchLen, len - pos);
            chunk.copy(this.scratch, this.scratchLen, pos, pos + take);
            this.scratchLen += take;
            pos += take;
            if (this.scratchLen === BLOCK) {
              this.scratchLen = 0;
              this.header(this.scratch, 0);
            }
          }
          this.offset += BLOCK;
          break;
        }
        case "content":
        case "meta": {
          const take = Math.min(this.remaining, len - pos);
          if (this.state === "meta") this.meta.push(Buffer.from(chunk.subarray(pos, pos + take)));
          else this.sink?.data(chunk, pos, pos + take);
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) this.finishContent();
          break;
        }
        case "padding": {
          const take = Math.min(this.padding, len - pos);
          pos += take;
          this.padding -= take;
          if (this.padding === 0) this.state = "header";
          break;
        }
      }
    }
  }

  /** Ends the stream; throws when it stopped inside an entry. */
  end(): void {
    const atBoundary =
      this.state === "ended" ||
      this.state === "padding" ||
      (this.state === "header" && this.scratchLen === 0 && this.longName === undefined && this.longLink === undefined && !this.localPax);
    if (!atBoundary) throw new InputError(`${this.where}: truncated archive (data ends inside an entry)`);
  }

  private header(buf: Buffer, at: number): void {
    let sum = byteSum(buf, at);
    if (sum === 0) {
      this.state = "ended";
      return;
    }
    // The checksum is computed with its own field read as eight spaces.
    for (let i = at + 148; i < at + 156; i++) sum -= buf[i];
    sum += 8 * 32;
    if (readNumber(buf, at + 148, 8) !== sum) {
      throw new InputError(`${this.where}: not a valid tar archive (bad header checksum at byte ${this.offset})`);
    }
    const typeCode = buf[at + 156];
    const size = readNumber(buf, at + 124, 12);
    if (!Number.isSafeInteger(size) || size < 0) throw new InputError(`${this.where}: tar entry with an impossible size`);
    const padded = size % BLOCK === 0 ? 0 : BLOCK - (size % BLOCK);
    // "x" and "g" (PAX), "L" and "K" (GNU long name and link).
    if (typeCode === 0x78 || typeCode === 0x67 || typeCode === 0x4c || typeCode === 0x4b) {
      if (size > MAX_META_BYTES) throw new InputError(`${this.where}: tar metadata record of ${size} bytes is not plausible`);
      this.metaType = String.fromCharCode(typeCode);
      this.meta = [];
      this.beginContent("meta", size, padded);
      return;
    }
    const hasPax = this.localPax || this.hasGlobalPax;
    const paxPath = hasPax ? (this.pax.path ?? this.globalPax.path) : undefined;
    let name = this.longName ?? paxPath;
    const header = this.h;
    if (name !== undefined) {
      if (this.rooted) name = "/" + name;
      header.plain = false;
      header.dirLength = -1;
      header.sameDir = false;
      this.lastDirLength = -1;
    } else {
      // POSIX ustar has a prefix field; GNU's "ustar  " uses those bytes for times.
      const prefixed = buf[at + 262] === 0 && buf[at + 257] === 0x75 && buf[at + 261] === 0x72 && buf[at + 345] !== 0;
      name = this.readName(buf, at, prefixed ? at + 345 : -1);
    }
    const paxLink = hasPax ? (this.pax.linkpath ?? this.globalPax.linkpath) : undefined;
    header.name = name;
    header.type = typeOf(typeCode);
    header.linkname = this.longLink ?? paxLink ?? (buf[at + 157] === 0 ? "" : readString(buf, at + 157, 100));
    header.size = (hasPax ? this.paxNumber("size") : undefined) ?? size;
    header.block = buf;
    header.at = at;
    header.paxUid = hasPax ? this.paxNumber("uid") : undefined;
    header.paxGid = hasPax ? this.paxNumber("gid") : undefined;
    this.longName = undefined;
    this.longLink = undefined;
    if (this.localPax) {
      this.pax = {};
      this.localPax = false;
    }
    const contentSize = header.size;
    const contentPad = contentSize % BLOCK === 0 ? 0 : BLOCK - (contentSize % BLOCK);
    this.sink = this.onEntry(header);
    this.beginContent("content", contentSize, contentPad);
  }

  /**
   * The ustar name (100 bytes at `at`), after its prefix (155 bytes at `prefixAt`, if any) and "/", in
   * one string; sets the header's plain, dirLength and sameDir. The loop that copies the bytes looks
   * at them (a Buffer copy per field, and string searches and comparisons afterwards, measured slower).
   */
  private readName(buf: Buffer, at: number, prefixAt: number): string {
    const out = this.names[this.nameIndex];
    const previous = this.names[this.nameIndex ^ 1];
    this.nameIndex ^= 1;
    let n = 0;
    let high = 0;
    let odd = false;
    // The last two slashes, and where the name first differs from the previous one.
    let last = -1;
    let before = -1;
    let differs = -1;
    let p = 0;
    if (this.rooted) {
      out[n++] = p = 0x2f;
      last = 0;
      if (previous[0] !== 0x2f) differs = 0;
    }
    // One loop over the prefix field (if any), the "/" joining it to the name, and the name field.
    let inPrefix = prefixAt >= 0;
    let i = inPrefix ? prefixAt : at;
    let end = inPrefix ? prefixAt + 155 : at + 100;
    for (;;) {
      let c = i < end ? buf[i] : 0;
      if (c === 0) {
        if (!inPrefix) break;
        inPrefix = false;
        c = 0x2f;
        i = at - 1;
        end = at + 100;
      }
      i++;
      if (c === 0x2f) {
        if (p === 0x2f) odd = true;
        before = last;
        last = n;
      } else if (c === 0x2e && p === 0x2f) odd = true;
      if (differs < 0 && previous[n] !== c) differs = n;
      high |= c;
      out[n++] = p = c;
    }
    const dirLength = n > 1 && p === 0x2f ? before : last;
    const h = this.h;
    h.plain = this.rooted && !odd && (high & 0x80) === 0;
    h.dirLength = dirLength;
    h.sameDir = dirLength >= 0 && dirLength === this.lastDirLength && (differs < 0 || differs > dirLength);
    this.lastDirLength = dirLength;
    return out.toString(high & 0x80 ? "utf8" : "latin1", 0, n);
  }

  private paxNumber(key: string): number | undefined {
    const v = this.pax[key] ?? this.globalPax[key];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) throw new InputError(`${this.where}: PAX ${key}=${v} is not a valid number`);
    return n;
  }

  private beginContent(state: "content" | "meta", size: number, padded: number): void {
    this.remaining = size;
    this.padding = padded;
    this.state = state;
    this.offset += size + padded;
    if (size === 0) this.finishContent();
  }

  private finishContent(): void {
    if (this.state === "meta") {
      const body = Buffer.concat(this.meta);
      this.meta = [];
      if (this.metaType === "L") this.longName = readString(body, 0, body.length);
      else if (this.metaType === "K") this.longLink = readString(body, 0, body.length);
      else {
        const records = parsePax(body, this.where);
        Object.assign(this.metaType === "g" ? this.globalPax : this.pax, records);
        if (this.metaType === "g") this.hasGlobalPax = Object.keys(this.globalPax).length > 0;
        else this.localPax = Object.keys(this.pax).length > 0;
      }
      this.metaType = "";
    } else {
      const sink = this.sink;
      this.sink = undefined;
      sink?.end();
    }
    this.state = this.padding > 0 ? "padding" : "header";
  }
}

/** Sum of a block's 512 bytes, eight at a time (headers are the hot path of a 200k-file layer). */
function byteSum(buf: Buffer, at: number): number {
  const view = viewOf(buf);
  const start = at;
  // Two 16-bit lanes of byte sums: 128 words of at most 2 * 255 each cannot carry out of a lane.
  let lanes = 0;
  for (let i = start; i < start + BLOCK; i += 8) {
    const x = view.getUint32(i, true);
    const y = view.getUint32(i + 4, true);
    lanes = (lanes + (x & 0x00ff00ff) + ((x >>> 8) & 0x00ff00ff) + (y & 0x00ff00ff) + ((y >>> 8) & 0x00ff00ff)) >>> 0;
  }
  return (lanes & 0xffff) + (lanes >>> 16);
}

/** A NUL-terminated field; ASCII (the usual case) takes the cheaper latin1 decoder. */
function readString(buf: Buffer, at: number, len: number): string {
  let end = at;
  const max = at + len;
  let high = 0;
  while (end < max && buf[end] !== 0) high |= buf[end++];
  return buf.toString(high & 0x80 ? "utf8" : "latin1", at, end);
}

/** A name as read from a ustar block: "/", prefix, "/", name. */
const NAME_BYTES = 1 + 155 + 1 + 100;

/** Octal ASCII, or GNU base-256 when the high bit of the first byte is set. */
function readNumber(buf: Buffer, at: number, len: number): number {
  if (buf[at] & 0x80) {
    if (buf[at] === 0xff) return -1;
    let n = buf[at] & 0x7f;
    for (let i = at + 1; i < at + len; i++) n = n * 256 + buf[i];
    return n;
  }
  let n = 0;
  let i = at;
  const end = at + len;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0)) i++;
  for (; i < end; i++) {
    const c = buf[i];
    if (c < 0x30 || c > 0x37) break;
    n = n * 8 + (c - 0x30);
  }
  return n;
}

/** PAX extended header records: "<len> <key>=<value>\n". */
function parsePax(body: Buffer, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < body.length) {
    let sp = pos;
    while (sp < body.length && body[sp] !== 0x20) sp++;
    const len = Number(body.toString("latin1", pos, sp));
    if (!Number.isInteger(len) || len <= sp - pos || pos + len > body.length) {
      if (body[pos] === 0) break;
      throw new InputError(`${where}: malformed PAX header`);
    }
    const record = body.toString("utf8", sp + 1, pos + len - 1);
    const eq = record.indexOf("=");
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}
