import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TarParser, type TarHeader } from "../../src/image/tar.js";
import { BLOCK, ustarHeader } from "../helpers/ustar.js";

/** A ustar header block owned by uid/gid 1000; `prefix` fills POSIX's prefix field. */
const header = (name: string, size: number, type: string, prefix = "") => ustarHeader(name, size, type, { uid: 1000, gid: 1000, prefix });

function record(name: string, type: string, body: Buffer, prefix = ""): Buffer {
  const pad = (BLOCK - (body.length % BLOCK)) % BLOCK;
  return Buffer.concat([header(name, body.length, type, prefix), body, Buffer.alloc(pad)]);
}

function pax(fields: Record<string, string>): Buffer {
  return Buffer.from(
    Object.entries(fields)
      .map(([k, v]) => {
        const line = ` ${k}=${v}\n`;
        let len = Buffer.byteLength(line);
        len += String(len + String(len).length).length;
        return `${len}${line}`;
      })
      .join(""),
  );
}

const longDir = `${"d".repeat(60)}/${"e".repeat(60)}`;
const archive = Buffer.concat([
  record("plain/file", "0", Buffer.from("abc")),
  record("file-in-prefix", "0", Buffer.from("x"), longDir),
  record("././@LongLink", "L", Buffer.from(`${longDir}/${"f".repeat(90)}\0`)),
  record("truncated-by-gnu", "0", Buffer.alloc(0)),
  record("PaxHeaders/x", "x", pax({ path: "päx/ünïcode name", uid: "4000000000" })),
  record("ignored", "0", Buffer.from("12")),
  record("caf\u00e9/dir/", "5", Buffer.alloc(0)),
  Buffer.alloc(BLOCK * 2),
]);

function parse(rooted: boolean, chunk: number): Array<Pick<TarHeader, "name" | "type" | "size" | "uid"> & { content: string }> {
  const out: Array<Pick<TarHeader, "name" | "type" | "size" | "uid"> & { content: string }> = [];
  const parser = new TarParser((h) => {
    // The header object is reused: copy what is kept.
    const entry = { name: h.name, type: h.type, size: h.size, uid: h.uid, content: "" };
    out.push(entry);
    return { data: (buf, start, end) => void (entry.content += buf.toString("latin1", start, end)), end: () => undefined };
  }, "t", rooted);
  for (let at = 0; at < archive.length; at += chunk) parser.push(archive.subarray(at, at + chunk));
  parser.end();
  return out;
}

describe("tar parser", () => {
  const expected = (root: string) => [
    { name: `${root}plain/file`, type: "file", size: 3, uid: 1000, content: "abc" },
    { name: `${root}${longDir}/file-in-prefix`, type: "file", size: 1, uid: 1000, content: "x" },
    { name: `${root}${longDir}/${"f".repeat(90)}`, type: "file", size: 0, uid: 1000, content: "" },
    { name: `${root}päx/ünïcode name`, type: "file", size: 2, uid: 4000000000, content: "12" },
    { name: `${root}café/dir/`, type: "dir", size: 0, uid: 1000, content: "" },
  ];

  it("reads ustar prefixes, GNU long names, PAX records and UTF-8 names, whatever the chunking", () => {
    for (const chunk of [archive.length, 512, 100, 7]) {
      assert.deepEqual(parse(false, chunk), expected(""), `chunks of ${chunk}`);
    }
  });

  it("gives every name a leading slash when asked to", () => {
    for (const chunk of [archive.length, 7]) assert.deepEqual(parse(true, chunk), expected("/"), `chunks of ${chunk}`);
  });

  it("tells which names need no normalizing and which share the previous entry's directory", () => {
    const names = Buffer.concat([
      record("usr/", "5", Buffer.alloc(0)),
      record("usr/lib/", "5", Buffer.alloc(0)),
      record("usr/lib/a", "0", Buffer.alloc(0)),
      record("usr/lib/b", "0", Buffer.alloc(0)),
      record("usr/lix/c", "0", Buffer.alloc(0)),
      record("d", "0", Buffer.alloc(0), "usr/lix"),
      record("./usr/lix/e", "0", Buffer.alloc(0)),
      record("usr//f", "0", Buffer.alloc(0)),
      record("usr/.wh.g", "0", Buffer.alloc(0)),
      record("caf\u00e9/h", "0", Buffer.alloc(0)),
      record("././@LongLink", "L", Buffer.from(`usr/lix/${"i".repeat(100)}\0`)),
      record("truncated-by-gnu", "0", Buffer.alloc(0)),
      record("usr/lix/j", "0", Buffer.alloc(0)),
      record("usr/lix/k", "0", Buffer.alloc(0)),
      Buffer.alloc(BLOCK * 2),
    ]);
    const seen = (rooted: boolean) => {
      const out: Array<[string, boolean, number, boolean]> = [];
      const parser = new TarParser((h) => void out.push([h.name, h.plain, h.dirLength, h.sameDir]), "t", rooted);
      parser.push(names);
      parser.end();
      return out;
    };
    assert.deepEqual(seen(true), [
      ["/usr/", true, 0, false],
      ["/usr/lib/", true, 4, false],
      ["/usr/lib/a", true, 8, false],
      ["/usr/lib/b", true, 8, true],
      ["/usr/lix/c", true, 8, false],
      ["/usr/lix/d", true, 8, true],
      ["/./usr/lix/e", false, 10, false],
      ["/usr//f", false, 5, false],
      ["/usr/.wh.g", false, 4, false],
      ["/café/h", false, 6, false],
      [`/usr/lix/${"i".repeat(100)}`, false, -1, false],
      ["/usr/lix/j", true, 8, false],
      ["/usr/lix/k", true, 8, true],
    ]);
    assert.ok(seen(false).every(([, plain]) => !plain), "names without the leading slash are never plain");
  });
});
