import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ImageReport } from "../../src/image/analyze.js";
import { bytes, type FileSpec } from "../helpers/image-archive.js";
import { analyzeLayers } from "../helpers/analyze.js";

const report = async (layers: FileSpec[][]): Promise<ImageReport> => (await analyzeLayers(layers)).report;

const SITE = "opt/venv/lib/python3.11/site-packages";
const RECORD = [
  "flask/__init__.py,sha256=abc,1200",
  "flask/app.py,sha256=def,3400",
  '"flask/we,ird.py",sha256=x,10',
  "flask-3.1.0.dist-info/METADATA,,",
  "flask-3.1.0.dist-info/RECORD,,",
  "../../../bin/flask,sha256=y,200",
].join("\n");

const PKG_INFO = "Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\n";
const system: FileSpec[] = [
  { path: "usr/bin/python3.11", content: bytes(6000, 1) },
  { path: "usr/bin/python3", type: "symlink", linkname: "python3.11" },
  { path: "usr/bin/python", type: "symlink", linkname: "/usr/bin/python3" },
  { path: "usr/lib/python3/dist-packages/six.py", content: bytes(900, 2) },
  { path: "usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO", content: PKG_INFO },
  { path: "usr/lib/python3/dist-packages/six-1.16.0.egg-info/top_level.txt", content: "six\n" },
  { path: "var/lib/dpkg/status", content: "Package: libc6\nStatus: install ok installed\nInstalled-Size: 12000\nVersion: 2.36-9\nDescription: libc\n continued\n\nPackage: gone\nStatus: deinstall ok config-files\nInstalled-Size: 5\n\nPackage: gcc-12\nStatus: install ok installed\nInstalled-Size: 70000\n" },
  { path: "usr/lib/os-release", content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' },
  { path: "etc/os-release", type: "symlink", linkname: "../usr/lib/os-release" },
];

const CFG = "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n";
const venv: FileSpec[] = [
  { path: "opt/venv/pyvenv.cfg", content: CFG },
  { path: "opt/venv/bin/python", type: "symlink", linkname: "/usr/bin/python3.11" },
  { path: "opt/venv/bin/flask", content: bytes(200, 3) },
  { path: `${SITE}/flask/__init__.py`, content: bytes(1200, 4) },
  { path: `${SITE}/flask/app.py`, content: bytes(3400, 5) },
  { path: `${SITE}/flask/we,ird.py`, content: bytes(10, 6) },
  { path: `${SITE}/flask-3.1.0.dist-info/METADATA`, content: "Metadata-Version: 2.1\nName: Flask\nVersion: 3.1.0\n\nName: not-this\n" },
  { path: `${SITE}/flask-3.1.0.dist-info/RECORD`, content: RECORD },
];

describe("Python and OS awareness", () => {
  it("finds interpreters, venvs and distributions with their sizes", async () => {
    const r = await report([system, venv]);
    assert.deepEqual(r.python.interpreters, [{ path: "/usr/bin/python3.11", version: "3.11", links: ["/usr/bin/python", "/usr/bin/python3"], bytes: 6000 }]);
    const metaBytes = Buffer.byteLength("Metadata-Version: 2.1\nName: Flask\nVersion: 3.1.0\n\nName: not-this\n");
    assert.deepEqual(r.python.venvs, [
      { path: "/opt/venv", version: "3.11.2", home: "/usr/bin", systemSitePackages: false, bytes: 1200 + 3400 + 10 + 200 + metaBytes + RECORD.length + CFG.length },
    ]);
    const dists = r.python.distributions.map((d) => [d.name, d.version, d.location, d.bytes, d.files, d.basis]);
    assert.deepEqual(dists, [
      ["Flask", "3.1.0", `/${SITE}`, 1200 + 3400 + 10 + 200 + metaBytes + RECORD.length, 6, "RECORD"],
      ["six", "1.16.0", "/usr/lib/python3/dist-packages", 900 + PKG_INFO.length + "six\n".length, 3, "top-level"],
    ]);
  });

  it("reads dpkg status and os-release through its symlink", async () => {
    const r = await report([system]);
    assert.deepEqual(r.os, { id: "debian", versionId: "12", prettyName: "Debian GNU/Linux 12 (bookworm)" });
    assert.deepEqual(r.packages, [
      {
        manager: "dpkg",
        count: 2,
        bytes: (12000 + 70000) * 1024,
        packages: [
          { name: "gcc-12", version: undefined, bytes: 70000 * 1024 },
          { name: "libc6", version: "2.36-9", bytes: 12000 * 1024 },
        ],
      },
    ]);
  });

  it("reads apk's database", async () => {
    const r = await report([[{ path: "lib/apk/db/installed", content: "C:Q1abc\nP:musl\nV:1.2.4-r2\nI:647168\n\nP:python3\nV:3.11.8-r0\nI:71000000\n" }]]);
    assert.deepEqual(r.packages.map((p) => [p.manager, p.count, p.bytes, p.packages.map((x) => x.name)]), [["apk", 2, 71_647_168, ["python3", "musl"]]]);
  });
});
