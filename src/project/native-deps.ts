import { normalizeDistName } from "./context.js";

/**
 * Python distributions that need system packages: to compile them when no binary wheel fits the platform, and at run
 * time for the libraries they link or load. Debian names are bookworm's, Alpine names those of Alpine 3.19+.
 *
 * "Wheels" means binary wheels for x86_64 and aarch64 of that libc (manylinux for glibc, musllinux for musl): pip then
 * installs a prebuilt file with its libraries bundled, and nothing needs compiling or installing.
 */

export type Distro = "debian" | "alpine";
export type Libc = "glibc" | "musl";

export interface SystemPackages {
  build: string[];
  runtime: string[];
}

export interface NativeDistribution {
  /** Binary wheels exist for this libc: no compiler, no -dev packages, libraries bundled. */
  wheels: Record<Libc, boolean>;
  /** Packages when the distribution compiles from source. */
  source: Record<Distro, SystemPackages>;
  /** Libraries loaded at run time even from a wheel or a pure-Python package (ctypes, libpq for psycopg 3). */
  always?: Record<Distro, string[]>;
  /** Why the entry looks the way it does, shown to users. */
  note: string;
  /** Extras that make the system packages unnecessary (psycopg[binary]). */
  bundledBy?: string[];
}

const none: SystemPackages = { build: [], runtime: [] };

/** Compilers and C library headers any source build needs, before the distribution's own headers. */
export const TOOLCHAIN: Record<Distro, string[]> = {
  debian: ["gcc", "libc6-dev"],
  alpine: ["build-base"],
};

const MAP: Record<string, NativeDistribution> = {
  psycopg2: {
    wheels: { glibc: false, musl: false },
    source: {
      debian: { build: ["libpq-dev"], runtime: ["libpq5"] },
      alpine: { build: ["libpq-dev"], runtime: ["libpq"] },
    },
    note: "psycopg2 ships no Linux wheels: it compiles against libpq (psycopg2-binary is the prebuilt variant)",
  },
  psycopg: {
    wheels: { glibc: true, musl: true },
    source: { debian: none, alpine: none },
    always: { debian: ["libpq5"], alpine: ["libpq"] },
    bundledBy: ["binary"],
    note: "psycopg 3 loads the system libpq at run time unless the [binary] extra is installed",
  },
  "psycopg-c": {
    wheels: { glibc: false, musl: false },
    source: {
      debian: { build: ["libpq-dev"], runtime: ["libpq5"] },
      alpine: { build: ["libpq-dev"], runtime: ["libpq"] },
    },
    note: "psycopg-c is the C speed-up of psycopg 3, built from source against libpq",
  },
  mysqlclient: {
    wheels: { glibc: false, musl: false },
    source: {
      debian: { build: ["default-libmysqlclient-dev", "pkg-config"], runtime: ["libmariadb3"] },
      alpine: { build: ["mariadb-connector-c-dev", "pkgconf"], runtime: ["mariadb-connector-c"] },
    },
    note: "mysqlclient ships no Linux wheels: it compiles against the MariaDB/MySQL client library",
  },
  mariadb: {
    wheels: { glibc: false, musl: false },
    source: {
      debian: { build: ["libmariadb-dev"], runtime: ["libmariadb3"] },
      alpine: { build: ["mariadb-connector-c-dev"], runtime: ["mariadb-connector-c"] },
    },
    note: "the MariaDB connector compiles against libmariadb",
  },
  "python-ldap": {
    wheels: { glibc: false, musl: false },
    source: {
      debian: { build: ["libldap2-dev", "libsasl2-dev"], runtime: ["libldap-2.5-0", "libsasl2-2"] },
      alpine: { build: ["openldap-dev", "cyrus-sasl-dev"], runtime: ["libldap", "libsasl"] },
    },
    note: "python-ldap ships no Linux wheels: it compiles against OpenLDAP and Cyrus SASL",
  },
  pillow: {
    wheels: { glibc: true, musl: true },
    source: {
      debian: { build: ["libjpeg62-turbo-dev", "zlib1g-dev"], runtime: ["libjpeg62-turbo"] },
      alpine: { build: ["jpeg-dev", "zlib-dev"], runtime: ["libjpeg-turbo"] },
    },
    note: "Pillow's wheels bundle libjpeg and zlib",
  },
  lxml: {
    wheels: { glibc: true, musl: true },
    source: {
      debian: { build: ["libxml2-dev", "libxslt1-dev"], runtime: ["libxml2", "libxslt1.1"] },
      alpine: { build: ["libxml2-dev", "libxslt-dev"], runtime: ["libxml2", "libxslt"] },
    },
    note: "lxml's wheels bundle libxml2 and libxslt",
  },
  cryptography: {
    wheels: { glibc: true, musl: true },
    source: {
      debian: { build: ["libssl-dev", "libffi-dev", "cargo"], runtime: ["libssl3"] },
      alpine: { build: ["openssl-dev", "libffi-dev", "cargo"], runtime: ["libssl3"] },
    },
    note: "cryptography's wheels bundle OpenSSL; a source build needs Rust",
  },
  cffi: {
    wheels: { glibc: true, musl: true },
    source: {
      debian: { build: ["libffi-dev"], runtime: ["libffi8"] },
      alpine: { build: ["libffi-dev"], runtime: ["libffi"] },
    },
    note: "cffi's wheels bundle libffi",
  },
  pyyaml: {
    wheels: { glibc: true, musl: true },
    source: {
      debian: { build: ["libyaml-dev"], runtime: ["libyaml-0-2"] },
      alpine: { build: ["yaml-dev"], runtime: ["yaml"] },
    },
    note: "PyYAML's wheels carry the libyaml-based C loader",
  },
  shapely: {
    wheels: { glibc: true, musl: true },
    source: {
      debian: { build: ["libgeos-dev"], runtime: ["libgeos-c1v5"] },
      alpine: { build: ["geos-dev"], runtime: ["geos"] },
    },
    note: "Shapely 2's wheels bundle GEOS",
  },
  gdal: {
    wheels: { glibc: false, musl: false },
    source: {
      debian: { build: ["libgdal-dev", "g++"], runtime: ["libgdal32"] },
      alpine: { build: ["gdal-dev"], runtime: ["gdal"] },
    },
    note: "the GDAL bindings compile against the system GDAL, whose version must match the pinned one",
  },
  pycairo: {
    wheels: { glibc: false, musl: false },
    source: {
      debian: { build: ["libcairo2-dev", "pkg-config"], runtime: ["libcairo2"] },
      alpine: { build: ["cairo-dev", "pkgconf"], runtime: ["cairo"] },
    },
    note: "pycairo ships no Linux wheels: it compiles against cairo",
  },
  "dbus-python": {
    wheels: { glibc: false, musl: false },
    source: {
      debian: { build: ["libdbus-1-dev", "libglib2.0-dev", "pkg-config"], runtime: ["libdbus-1-3", "libglib2.0-0"] },
      alpine: { build: ["dbus-dev", "glib-dev", "pkgconf"], runtime: ["dbus-libs", "glib"] },
    },
    note: "dbus-python compiles against libdbus and GLib",
  },
  xmlsec: {
    wheels: { glibc: false, musl: false },
    source: {
      debian: { build: ["libxmlsec1-dev", "libxml2-dev", "pkg-config"], runtime: ["libxmlsec1", "libxmlsec1-openssl", "libxml2"] },
      alpine: { build: ["xmlsec-dev", "pkgconf"], runtime: ["xmlsec"] },
    },
    note: "python-xmlsec compiles against libxmlsec1",
  },
  pycurl: {
    wheels: { glibc: false, musl: false },
    source: {
      debian: { build: ["libcurl4-openssl-dev", "libssl-dev"], runtime: ["libcurl4"] },
      alpine: { build: ["curl-dev"], runtime: ["libcurl"] },
    },
    note: "pycurl compiles against libcurl",
  },
  pylibmc: {
    wheels: { glibc: false, musl: false },
    source: {
      debian: { build: ["libmemcached-dev", "zlib1g-dev"], runtime: ["libmemcached11"] },
      alpine: { build: ["libmemcached-dev", "zlib-dev"], runtime: ["libmemcached-libs"] },
    },
    note: "pylibmc compiles against libmemcached",
  },
  pygraphviz: {
    wheels: { glibc: false, musl: false },
    source: {
      debian: { build: ["graphviz-dev", "pkg-config"], runtime: ["libgvc6", "libcgraph6"] },
      alpine: { build: ["graphviz-dev", "pkgconf"], runtime: ["graphviz-libs"] },
    },
    note: "pygraphviz compiles against Graphviz",
  },
  kerberos: {
    wheels: { glibc: false, musl: false },
    source: {
      debian: { build: ["libkrb5-dev"], runtime: ["libgssapi-krb5-2"] },
      alpine: { build: ["krb5-dev"], runtime: ["krb5-libs"] },
    },
    note: "pykerberos compiles against MIT Kerberos",
  },
  m2crypto: {
    wheels: { glibc: false, musl: false },
    source: {
      debian: { build: ["libssl-dev", "swig"], runtime: ["libssl3"] },
      alpine: { build: ["openssl-dev", "swig"], runtime: ["libssl3"] },
    },
    note: "M2Crypto compiles against OpenSSL with SWIG",
  },
  uwsgi: {
    wheels: { glibc: false, musl: false },
    source: { debian: none, alpine: { build: ["linux-headers"], runtime: [] } },
    note: "uWSGI ships no wheels: it compiles with the C toolchain",
  },
  netifaces: {
    wheels: { glibc: false, musl: false },
    source: { debian: none, alpine: { build: ["linux-headers"], runtime: [] } },
    note: "netifaces ships no wheels for current Pythons: it compiles with the C toolchain",
  },
  pyodbc: {
    wheels: { glibc: true, musl: true },
    source: {
      debian: { build: ["unixodbc-dev"], runtime: [] },
      alpine: { build: ["unixodbc-dev"], runtime: [] },
    },
    always: { debian: ["libodbc2"], alpine: ["unixodbc"] },
    note: "pyodbc links the unixODBC driver manager, which its wheels do not bundle",
  },
  "python-magic": {
    wheels: { glibc: true, musl: true },
    source: { debian: none, alpine: none },
    always: { debian: ["libmagic1"], alpine: ["libmagic"] },
    note: "python-magic loads libmagic with ctypes",
  },
  weasyprint: {
    wheels: { glibc: true, musl: true },
    source: { debian: none, alpine: none },
    always: { debian: ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"], alpine: ["pango"] },
    note: "WeasyPrint loads Pango and HarfBuzz with cffi",
  },
};

/** What one distribution of the project needs from the system, on one platform. */
export interface NativeNeed {
  distribution: string;
  /** Compiled from source on this platform. */
  compiles: boolean;
  build: string[];
  runtime: string[];
  note: string;
}

/** The system packages a distribution needs on a platform, or undefined when it needs none. */
export function nativeNeed(distribution: string, distro: Distro, extras: string[] = []): NativeNeed | undefined {
  const name = normalizeDistName(distribution);
  const entry = MAP[name];
  if (!entry) return undefined;
  if (entry.bundledBy?.some((e) => extras.map(normalizeDistName).includes(e))) return undefined;
  const libc: Libc = distro === "alpine" ? "musl" : "glibc";
  const compiles = !entry.wheels[libc];
  const build = compiles ? entry.source[distro].build : [];
  const runtime = [...(compiles ? entry.source[distro].runtime : []), ...(entry.always?.[distro] ?? [])];
  if (!compiles && runtime.length === 0) return undefined;
  return { distribution: name, compiles, build, runtime, note: entry.note };
}

/** Every distribution the map knows, for documentation and tests. */
export function knownNativeDistributions(): string[] {
  return Object.keys(MAP).sort();
}
