// Python distributions and the system packages they need live in src/project/native-deps.ts; this module maps
// build packages to the runtime packages that carry their shared libraries.
import type { SystemManager } from "../../shell/packages.js";
import type { BaseImageFacts } from "./base-images.js";

/**
 * Build-time library packages (headers) and the runtime package that carries the shared library they link against.
 * Debian names are those of bookworm (the python:* images' default), Alpine those of 3.19-3.21, RPM those of EL 8/9.
 */
type Family = "apt" | "apk" | "rpm";

const RUNTIME_OF: Record<Family, Record<string, string[]>> = {
  apt: {
    "libpq-dev": ["libpq5"],
    "libffi-dev": ["libffi8"],
    "libjpeg-dev": ["libjpeg62-turbo"],
    "libjpeg62-turbo-dev": ["libjpeg62-turbo"],
    "zlib1g-dev": ["zlib1g"],
    "libxml2-dev": ["libxml2"],
    "libxslt1-dev": ["libxslt1.1"],
    "libxslt-dev": ["libxslt1.1"],
    "default-libmysqlclient-dev": ["libmariadb3"],
    "libmariadb-dev": ["libmariadb3"],
    "libmariadb-dev-compat": ["libmariadb3"],
    "libssl-dev": ["libssl3"],
    "libldap2-dev": ["libldap-2.5-0"],
    "libldap-dev": ["libldap-2.5-0"],
    "libsasl2-dev": ["libsasl2-2"],
    "libgeos-dev": ["libgeos-c1v5"],
    "libpng-dev": ["libpng16-16"],
    "libfreetype6-dev": ["libfreetype6"],
    "libfreetype-dev": ["libfreetype6"],
    "libyaml-dev": ["libyaml-0-2"],
    "libcurl4-openssl-dev": ["libcurl4"],
    "libsqlite3-dev": ["libsqlite3-0"],
    "libbz2-dev": ["libbz2-1.0"],
    "liblzma-dev": ["liblzma5"],
    "libzmq3-dev": ["libzmq5"],
    "libmagic-dev": ["libmagic1"],
    "libkrb5-dev": ["libkrb5-3"],
    "libgmp-dev": ["libgmp10"],
    "libwebp-dev": ["libwebp7"],
    "libtiff-dev": ["libtiff6"],
    "libtiff5-dev": ["libtiff6"],
    "libopenjp2-7-dev": ["libopenjp2-7"],
    "liblcms2-dev": ["liblcms2-2"],
    "libxmlsec1-dev": ["libxmlsec1", "libxmlsec1-openssl"],
    "libcairo2-dev": ["libcairo2"],
    "libsnappy-dev": ["libsnappy1v5"],
  },
  apk: {
    "postgresql-dev": ["libpq"],
    "libpq-dev": ["libpq"],
    "libffi-dev": ["libffi"],
    "jpeg-dev": ["libjpeg-turbo"],
    "libjpeg-turbo-dev": ["libjpeg-turbo"],
    "zlib-dev": ["zlib"],
    "libxml2-dev": ["libxml2"],
    "libxslt-dev": ["libxslt"],
    "mariadb-dev": ["mariadb-connector-c"],
    "mariadb-connector-c-dev": ["mariadb-connector-c"],
    "openssl-dev": ["libssl3", "libcrypto3"],
    "openldap-dev": ["libldap"],
    "cyrus-sasl-dev": ["libsasl"],
    "geos-dev": ["geos"],
    "libpng-dev": ["libpng"],
    "freetype-dev": ["freetype"],
    "yaml-dev": ["yaml"],
    "curl-dev": ["libcurl"],
    "sqlite-dev": ["sqlite-libs"],
    "bzip2-dev": ["libbz2"],
    "xz-dev": ["xz-libs"],
    "zeromq-dev": ["libzmq"],
    "krb5-dev": ["krb5-libs"],
    "gmp-dev": ["gmp"],
    "libwebp-dev": ["libwebp"],
    "tiff-dev": ["tiff"],
    "lcms2-dev": ["lcms2"],
    "openjpeg-dev": ["openjpeg"],
    "xmlsec-dev": ["xmlsec"],
    "cairo-dev": ["cairo"],
  },
  rpm: {
    "postgresql-devel": ["libpq"],
    "libpq-devel": ["libpq"],
    "libffi-devel": ["libffi"],
    "libjpeg-turbo-devel": ["libjpeg-turbo"],
    "zlib-devel": ["zlib"],
    "libxml2-devel": ["libxml2"],
    "libxslt-devel": ["libxslt"],
    "mariadb-connector-c-devel": ["mariadb-connector-c"],
    "mariadb-devel": ["mariadb-connector-c"],
    "mysql-devel": ["mariadb-connector-c"],
    "openssl-devel": ["openssl-libs"],
    "openldap-devel": ["openldap"],
    "cyrus-sasl-devel": ["cyrus-sasl-lib"],
    "geos-devel": ["geos"],
    "libpng-devel": ["libpng"],
    "freetype-devel": ["freetype"],
    "libyaml-devel": ["libyaml"],
    "libcurl-devel": ["libcurl"],
    "krb5-devel": ["krb5-libs"],
  },
};

function familyOf(manager: SystemManager): Family | undefined {
  if (manager === "apt" || manager === "apk") return manager;
  if (manager === "yum" || manager === "dnf" || manager === "microdnf") return "rpm";
  return undefined;
}

/** The runtime package(s) a build-time library package needs at run time, e.g. libpq-dev -> libpq5 (apt). */
export function runtimePackagesFor(buildPkg: string, manager: SystemManager): string[] {
  const family = familyOf(manager);
  return family ? (RUNTIME_OF[family][buildPkg] ?? []) : [];
}

/** The first runtime package for a build package, e.g. `runtimePackageFor("libpq-dev", "apt")` is "libpq5". */
export function runtimePackageFor(buildPkg: string, manager: SystemManager): string | undefined {
  return runtimePackagesFor(buildPkg, manager)[0];
}

const PYTHON_SLIM_LIBS = ["libssl3", "libffi8", "zlib1g", "libsqlite3-0", "libbz2-1.0", "liblzma5", "libuuid1", "libexpat1"];
const PYTHON_ALPINE_LIBS = ["libssl3", "libcrypto3", "libffi", "zlib", "sqlite-libs", "libbz2", "xz-libs", "expat"];

/**
 * Does a base image ship a runtime package? True/false for images whose contents are known, undefined otherwise.
 * The full python:* and buildpack-deps images carry the common -dev packages and so their libraries.
 */
export function baseShipsPackage(facts: BaseImageFacts, pkg: string): boolean | undefined {
  switch (facts.family) {
    case "python":
      if (facts.variant === "full") return true;
      return (facts.variant === "alpine" ? PYTHON_ALPINE_LIBS : PYTHON_SLIM_LIBS).includes(pkg);
    case "buildpack-deps":
      return true;
    case "debian":
    case "ubuntu":
      return pkg === "zlib1g";
    case "alpine":
      return ["zlib", "libssl3", "libcrypto3"].includes(pkg);
    default:
      return undefined;
  }
}
