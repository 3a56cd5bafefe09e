import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { knownNativeDistributions, nativeNeed } from "../../src/project/native-deps.js";

describe("native dependency map", () => {
  it("source-only distributions need headers to build and libraries to run", () => {
    assert.deepEqual(nativeNeed("psycopg2", "debian"), {
      distribution: "psycopg2",
      compiles: true,
      build: ["libpq-dev"],
      runtime: ["libpq5"],
      note: "psycopg2 ships no Linux wheels: it compiles against libpq (psycopg2-binary is the prebuilt variant)",
    });
    assert.deepEqual(nativeNeed("MySQLclient", "alpine")?.runtime, ["mariadb-connector-c"]);
    assert.deepEqual(nativeNeed("python_ldap", "debian")?.build, ["libldap2-dev", "libsasl2-dev"]);
  });

  it("distributions with wheels need nothing, unless they load a library at run time", () => {
    for (const d of ["Pillow", "lxml", "cryptography", "PyYAML", "shapely", "cffi", "numpy", "psycopg2-binary"]) assert.equal(nativeNeed(d, "debian"), undefined, d);
    assert.deepEqual(nativeNeed("python-magic", "debian"), { distribution: "python-magic", compiles: false, build: [], runtime: ["libmagic1"], note: "python-magic loads libmagic with ctypes" });
    assert.deepEqual(nativeNeed("pyodbc", "alpine")?.runtime, ["unixodbc"]);
  });

  it("an extra that bundles the library removes the need", () => {
    assert.deepEqual(nativeNeed("psycopg", "debian")?.runtime, ["libpq5"]);
    assert.equal(nativeNeed("psycopg", "debian", ["binary"]), undefined);
  });

  it("every entry names valid package names for both distributions", () => {
    for (const d of knownNativeDistributions()) {
      for (const distro of ["debian", "alpine"] as const) {
        const need = nativeNeed(d, distro);
        for (const p of [...(need?.build ?? []), ...(need?.runtime ?? [])]) assert.match(p, /^[a-z0-9][a-z0-9+.-]*$/, `${d}: ${p}`);
      }
    }
  });
});
