import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { ImageReport } from "../../src/image/analyze.js";
import { hashValues } from "../../src/image/berkeley-db.js";
import { FormatError } from "../../src/image/format-error.js";
import { rpmPackage } from "../../src/image/rpm.js";
import { ndbBlobs } from "../../src/image/rpm-ndb.js";
import { readTable } from "../../src/image/sqlite.js";
import type { FileSpec } from "../helpers/image-archive.js";
import { analyzeLayers } from "../helpers/analyze.js";

/** An rpm header as rpm stores it in its database: entry count, data length, 16-byte entries, then the data. */
function rpmHeader(tags: Array<{ tag: number; type: 4 | 5 | 6; value: number | string }>): Buffer {
  const entries: Buffer[] = [];
  const data: Buffer[] = [];
  let length = 0;
  for (const { tag, type, value } of tags) {
    // Numbers sit on their natural alignment in the data store, as rpm writes them.
    const align = type === 4 ? 4 : type === 5 ? 8 : 1;
    const pad = (align - (length % align)) % align;
    if (pad) data.push(Buffer.alloc(pad)), (length += pad);
    const bytes = type === 6 ? Buffer.from(`${value}\0`) : type === 4 ? Buffer.alloc(4) : Buffer.alloc(8);
    if (type === 4) bytes.writeUInt32BE(value as number);
    if (type === 5) bytes.writeBigUInt64BE(BigInt(value));
    const entry = Buffer.alloc(16);
    entry.writeUInt32BE(tag, 0);
    entry.writeUInt32BE(type, 4);
    entry.writeInt32BE(length, 8);
    entry.writeUInt32BE(1, 12);
    entries.push(entry);
    data.push(bytes);
    length += bytes.length;
  }
  const head = Buffer.alloc(8);
  head.writeUInt32BE(tags.length, 0);
  head.writeUInt32BE(length, 4);
  return Buffer.concat([head, ...entries, ...data]);
}

interface Pkg {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  size: number;
  long?: boolean;
}

const pkg = (p: Pkg, filler: number) =>
  rpmHeader([
    { tag: 1000, type: 6, value: p.name },
    { tag: 1001, type: 6, value: p.version },
    { tag: 1002, type: 6, value: p.release },
    ...(p.epoch !== undefined ? [{ tag: 1003, type: 4 as const, value: p.epoch }] : []),
    // A long description: real headers run to several KB, so rows spill onto overflow pages.
    { tag: 1005, type: 6, value: "x".repeat(filler) },
    p.long ? { tag: 5009, type: 5 as const, value: p.size } : { tag: 1009, type: 4 as const, value: p.size },
    { tag: 1022, type: 6, value: "x86_64" },
  ]);

/** rpm's own schema (Packages plus an index table), written by Python's sqlite3; undefined where it is missing. */
function rpmdb(blobs: Buffer[], pageSize = 4096): Buffer | undefined {
  const script = `
import sqlite3, sys, json, os, tempfile
blobs = [bytes.fromhex(h) for h in json.load(sys.stdin)]
path = os.path.join(tempfile.mkdtemp(), "rpmdb.sqlite")
db = sqlite3.connect(path)
db.execute("PRAGMA page_size = ${pageSize}")
db.execute("CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
db.execute("CREATE TABLE 'Name' (key TEXT NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY(key, hnum, idx)) WITHOUT ROWID")
for b in blobs:
    db.execute("INSERT INTO Packages (blob) VALUES (?)", (b,))
db.commit()
db.close()
sys.stdout.buffer.write(open(path, "rb").read())
`;
  const r = spawnSync("python3", ["-c", script], { input: JSON.stringify(blobs.map((b) => b.toString("hex"))), maxBuffer: 1 << 28 });
  return r.status === 0 && !r.error ? r.stdout : undefined;
}

/**
 * rpm's Berkeley DB `Packages` (RHEL 8 and older): a hash database keyed by package number (key 0 holds the last
 * number), written by Berkeley DB's own db_load; undefined where db5.3-util is missing.
 */
function berkeleyDb(blobs: Buffer[], dir: string): Buffer | undefined {
  const hex = (b: Buffer) => [...b].map((c) => `\\${c.toString(16).padStart(2, "0")}`).join("");
  const key = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const lines = [hex(key(0)), hex(key(blobs.length)), ...blobs.flatMap((b, i) => [hex(key(i + 1)), hex(b)])];
  // db_load adds to a database that exists: each call writes a new one.
  const file = join(mkdtempSync(join(dir, "db-")), "Packages");
  const r = spawnSync("db5.3_load", ["-T", "-t", "hash", file], { input: lines.join("\n") + "\n" });
  return r.status === 0 && !r.error ? readFileSync(file) : undefined;
}

const report = async (files: FileSpec[]): Promise<ImageReport> => (await analyzeLayers([files])).report;

describe("rpm database (SQLite)", () => {
  const pkgs: Pkg[] = Array.from({ length: 400 }, (_, i) => ({ name: `pkg${i}`, version: `1.${i}`, release: `${i % 7}.el9`, size: 1000 + i * 37 }));
  pkgs[3].epoch = 2;
  pkgs[5] = { ...pkgs[5], size: 5_000_000_000, long: true };

  it("reads every row of a table spread over interior, leaf and overflow pages", (t) => {
    const db = rpmdb(pkgs.map((p, i) => pkg(p, (i * 131) % 9000)));
    if (!db) return t.skip("python3 with sqlite3 is not installed");
    const rows = readTable(db, "Packages");
    assert.equal(rows.length, 400);
    const got = rows.map((r) => rpmPackage(r[1] as Buffer));
    assert.deepEqual(got[0], { name: "pkg0", version: "1.0-0.el9", bytes: 1000 });
    assert.deepEqual(got[3], { name: "pkg3", version: "2:1.3-3.el9", bytes: 1111 });
    assert.deepEqual(got[5], { name: "pkg5", version: "1.5-5.el9", bytes: 5_000_000_000 });
    assert.deepEqual(got.map((p) => p?.name).sort(), pkgs.map((p) => p.name).sort());
    // A 64 KiB page size is stored as 1.
    const big = rpmdb(pkgs.slice(0, 50).map((p) => pkg(p, 70_000)), 65536)!;
    assert.equal(readTable(big, "Packages").length, 50);
  });

  it("lists the packages of an image whose rpm database is SQLite, largest first", async (t) => {
    const db = rpmdb([pkg({ name: "glibc", version: "2.34", release: "100.el9", size: 6_000_000 }, 500), pkg({ name: "python3", version: "3.9.18", release: "1.el9", size: 30_000 }, 20)]);
    if (!db) return t.skip("python3 with sqlite3 is not installed");
    const r = await report([{ path: "var/lib/rpm/rpmdb.sqlite", content: db }]);
    assert.deepEqual(r.packages, [
      {
        manager: "rpm",
        count: 2,
        bytes: 6_030_000,
        packages: [
          { name: "glibc", version: "2.34-100.el9", bytes: 6_000_000 },
          { name: "python3", version: "3.9.18-1.el9", bytes: 30_000 },
        ],
      },
    ]);
  });

  it("a damaged or foreign database is noted, not listed and never a crash", async (t) => {
    const db = rpmdb(pkgs.slice(0, 100).map((p) => pkg(p, 3000)));
    if (!db) return t.skip("python3 with sqlite3 is not installed");
    assert.throws(() => readTable(Buffer.from("not a database at all, just text: ".repeat(10)), "Packages"), FormatError);
    assert.throws(() => readTable(db, "Nope"), /no table Nope/);
    // Cut short: pages the b-tree points to are missing.
    const cut = await report([{ path: "var/lib/rpm/rpmdb.sqlite", content: db.subarray(0, 4096 * 3) }]);
    assert.equal(cut.packages[0].count, null);
    assert.match(cut.packages[0].note ?? "", /^rpm database at \/var\/lib\/rpm\/rpmdb\.sqlite could not be read \(page \d+ is outside the file\)$/);
    // Random bytes over the pages after the header.
    const garbled = Buffer.from(db);
    for (let i = 100; i < garbled.length; i += 7) garbled[i] = (i * 31) & 0xff;
    const g = await report([{ path: "var/lib/rpm/rpmdb.sqlite", content: garbled }]);
    assert.equal(g.packages[0].count, null);
  });
});

describe("rpm database (Berkeley DB)", () => {
  const dir = mkdtempSync(join(tmpdir(), "whittle-bdb-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const pkgs: Pkg[] = Array.from({ length: 300 }, (_, i) => ({ name: `rpm${i}`, version: `2.${i}`, release: "1.el8", size: 500 + i }));

  it("reads every value of a hash database, inline and on overflow pages", (t) => {
    // Small headers stay on the hash pages, large ones go to chains of overflow pages.
    const db = berkeleyDb(pkgs.map((p, i) => pkg(p, i % 3 === 0 ? 10 : 2000 + ((i * 977) % 12000))), dir);
    if (!db) return t.skip("db5.3-util (db5.3_load) is not installed");
    const values = hashValues(db);
    assert.equal(values.length, 301);
    const got = values.map(rpmPackage).filter((p) => p !== undefined);
    assert.deepEqual(got.map((p) => p!.name).sort(), pkgs.map((p) => p.name).sort());
    assert.deepEqual(got.find((p) => p!.name === "rpm7"), { name: "rpm7", version: "2.7-1.el8", bytes: 507 });
  });

  it("lists the packages of an image with a Berkeley DB rpm database; a damaged one is noted", async (t) => {
    const db = berkeleyDb([pkg({ name: "platform-python", version: "3.6.8", release: "56.el8", size: 40_000 }, 4000), pkg({ name: "bash", version: "4.4.20", release: "4.el8", size: 7_000_000 }, 30)], dir);
    if (!db) return t.skip("db5.3-util (db5.3_load) is not installed");
    const r = await report([{ path: "var/lib/rpm/Packages", content: db }]);
    assert.deepEqual(r.packages.map((p) => [p.manager, p.count, p.bytes, p.packages.map((x) => `${x.name} ${x.version}`)]), [["rpm", 2, 7_040_000, ["bash 4.4.20-4.el8", "platform-python 3.6.8-56.el8"]]]);
    assert.throws(() => hashValues(Buffer.alloc(8192)), FormatError);
    const garbled = Buffer.from(db);
    for (let i = 4096; i < garbled.length; i += 5) garbled[i] = (i * 13) & 0xff;
    const g = await report([{ path: "var/lib/rpm/Packages", content: garbled }]);
    assert.equal(g.packages[0].manager, "rpm");
    assert.ok(g.packages[0].count === null || g.packages[0].count <= 2);
  });
});

/**
 * Packages built by rpmbuild and recorded by rpm itself (`--justdb`) in a root of its own: real headers, with
 * rpm's region tags, signatures' digests and dozens of tags the synthetic ones lack. Undefined where rpm is missing.
 */
function rpmWrittenDatabase(dir: string, count: number): { db: Buffer; expected: Array<{ name: string; version: string; bytes: number }> } | undefined {
  const lines = ["Name: base-tool", "Version: 1.2.3", "Release: 4.el9", "Summary: base", "License: MIT", "BuildArch: noarch", "%description", "base"];
  const install = ["%install", "mkdir -p %{buildroot}/usr/share/base && head -c 12345 /dev/zero > %{buildroot}/usr/share/base/data"];
  const files = ["%files", "/usr/share/base/data"];
  for (let i = 0; i < count; i++) {
    // Every third package has an epoch; sizes differ so the listing's order is fixed.
    lines.push(`%package -n demo${i}`, `Summary: demo ${i}`, `Version: 0.${i}`, "Release: 1", ...(i % 3 === 0 ? [`Epoch: ${i + 1}`] : []), `%description -n demo${i}`, "demo");
    install.push(`mkdir -p %{buildroot}/usr/share/demo${i} && head -c ${1000 + i * 997} /dev/zero > %{buildroot}/usr/share/demo${i}/data`);
    files.push(`%files -n demo${i}`, `/usr/share/demo${i}/data`);
  }
  mkdirSync(join(dir, "SPECS"), { recursive: true });
  writeFileSync(join(dir, "SPECS", "demo.spec"), [...lines, ...install, ...files].join("\n") + "\n");
  const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8" });
  const built = run("rpmbuild", ["--define", `_topdir ${dir}`, "--define", "_build_id_links none", "-bb", join(dir, "SPECS", "demo.spec")]);
  if (built.error) return undefined;
  assert.equal(built.status, 0, built.stderr);
  const root = join(dir, "root");
  const rpms = readdirSync(join(dir, "RPMS", "noarch")).map((f) => join(dir, "RPMS", "noarch", f));
  const installed = run("rpm", ["--root", root, "--dbpath", "/var/lib/rpm", "--justdb", "--nodeps", "--noscripts", "-i", ...rpms]);
  assert.equal(installed.status, 0, installed.stderr);
  // What rpm itself says is installed: the expected listing, independent of whittle's readers.
  const query = run("rpm", ["--root", root, "--dbpath", "/var/lib/rpm", "-qa", "--qf", "%{NAME}\\t%{EPOCH}\\t%{VERSION}-%{RELEASE}\\t%{SIZE}\\n"]);
  assert.equal(query.status, 0, query.stderr);
  const expected = query.stdout
    .trim()
    .split("\n")
    .map((line) => {
      const [name, epoch, version, size] = line.split("\t");
      return { name, version: epoch === "(none)" ? version : `${epoch}:${version}`, bytes: Number(size) };
    });
  return { db: readFileSync(join(root, "var", "lib", "rpm", "rpmdb.sqlite")), expected };
}

describe("rpm database written by rpm itself", () => {
  const dir = mkdtempSync(join(tmpdir(), "whittle-rpm-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("lists exactly what `rpm -qa` lists: names, epochs, versions, installed sizes", async (t) => {
    const written = rpmWrittenDatabase(dir, 60);
    if (!written) return t.skip("rpm (rpmbuild) is not installed");
    assert.equal(written.expected.length, 61);
    const r = await report([{ path: "var/lib/rpm/rpmdb.sqlite", content: written.db }]);
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
    assert.equal(r.packages.length, 1);
    assert.equal(r.packages[0].count, 61);
    assert.deepEqual([...r.packages[0].packages].sort(byName), [...written.expected].sort(byName));
    assert.equal(r.packages[0].bytes, written.expected.reduce((s, p) => s + p.bytes, 0));
    assert.ok(written.expected.some((p) => /^\d+:/.test(p.version)) && written.expected.some((p) => !p.version.includes(":")));
  });
});

/**
 * rpm's ndb `Packages.db` laid out as rpm's backend writes it: the "RpmP" header, pages of 16-byte "Slot" records
 * (the first page's first two taken by the header), then each header in a "BlbS" ... "BlbE" frame padded to 16-byte
 * blocks. A zero slot in `free` positions is left free, as a removed package leaves it.
 */
function ndbFile(blobs: Buffer[], free: number[] = []): Buffer {
  const adler32 = (b: Buffer) => {
    let a = 1;
    let c = 0;
    for (const x of b) {
      a = (a + x) % 65521;
      c = (c + a) % 65521;
    }
    return ((c << 16) | a) >>> 0;
  };
  const slots = blobs.length + free.length;
  const slotPages = Math.ceil((slots + 2) / 256);
  const u32 = (...xs: number[]) => {
    const b = Buffer.alloc(4 * xs.length);
    xs.forEach((x, i) => b.writeUInt32LE(x >>> 0, 4 * i));
    return b;
  };
  const head = Buffer.alloc(slotPages * 4096);
  u32(0x506d7052, 0, 1, slotPages, blobs.length + 1).copy(head, 0);
  for (let at = 32; at < head.length; at += 16) u32(0x746f6c53).copy(head, at);
  const body: Buffer[] = [];
  let block = (slotPages * 4096) / 16;
  let slot = 0;
  blobs.forEach((blob, i) => {
    while (free.includes(slot)) slot++;
    const framed = Buffer.concat([u32(0x53626c42, i + 1, 1_700_000_000, blob.length), blob, u32(adler32(blob), blob.length, 0x45626c42)]);
    const padded = Buffer.concat([framed, Buffer.alloc((16 - (framed.length % 16)) % 16)]);
    u32(0x746f6c53, i + 1, block, padded.length / 16).copy(head, 32 + 16 * slot++);
    body.push(padded);
    block += padded.length / 16;
  });
  return Buffer.concat([head, ...body]);
}

describe("rpm database (ndb, SUSE)", () => {
  const dir = mkdtempSync(join(tmpdir(), "whittle-ndb-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const pkgs: Pkg[] = Array.from({ length: 300 }, (_, i) => ({ name: `suse${i}`, version: `15.${i}`, release: "150500.1", size: 700 + i }));

  it("reads every package over several slot pages, free slots skipped", async () => {
    const db = ndbFile(pkgs.map((p, i) => pkg(p, (i * 37) % 3000)), [3, 100]);
    const blobs = ndbBlobs(db);
    assert.equal(blobs.length, 300);
    assert.deepEqual(rpmPackage(blobs[7]), { name: "suse7", version: "15.7-150500.1", bytes: 707 });
    const r = await report([{ path: "usr/lib/sysimage/rpm/Packages.db", content: db }]);
    assert.deepEqual([r.packages[0].manager, r.packages[0].count, r.packages[0].packages[0]], ["rpm", 300, { name: "suse299", version: "15.299-150500.1", bytes: 999 }]);
  });

  it("lists what `rpm -qa` lists when the headers are rpm's own", async (t) => {
    const written = rpmWrittenDatabase(dir, 20);
    if (!written) return t.skip("rpm (rpmbuild) is not installed");
    const headers = readTable(written.db, "Packages").map((row) => row[1] as Buffer);
    const r = await report([{ path: "var/lib/rpm/Packages.db", content: ndbFile(headers) }]);
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
    assert.deepEqual([...r.packages[0].packages].sort(byName), [...written.expected].sort(byName));
  });

  it("a damaged database is noted, never read past its end", async () => {
    const db = ndbFile(pkgs.slice(0, 40).map((p) => pkg(p, 500)));
    assert.throws(() => ndbBlobs(Buffer.from("RpmQ".padEnd(64, "x"))), /not an rpm ndb database/);
    assert.throws(() => ndbBlobs(db.subarray(0, db.length - 100)), /points outside the blob area/);
    const slot = Buffer.from(db);
    slot.write("Slit", 48);
    assert.throws(() => ndbBlobs(slot), /slot at byte 48 is damaged/);
    const long = Buffer.from(db);
    // The first blob claims more bytes than its blocks hold.
    long.writeUInt32LE(1 << 20, 4096 + 12);
    assert.throws(() => ndbBlobs(long), /package 1: a blob of 1048576 bytes does not fit/);
    const r = await report([{ path: "usr/lib/sysimage/rpm/Packages.db", content: long }]);
    assert.equal(r.packages[0].count, null);
    assert.match(r.packages[0].note ?? "", /^rpm database at \/usr\/lib\/sysimage\/rpm\/Packages\.db could not be read \(package 1: /);
  });
});
