import type { Impact } from "../types.js";

const MB = 1024 * 1024;

/**
 * Typical costs, measured on Debian bookworm / Alpine 3.19 / UBI 9 images; every estimate says its basis so a
 * reader can judge it. `whittle inspect --dockerfile` replaces them with what a built image really holds.
 */
export const estimates = {
  aptLists: (): Impact => ({ bytes: 19 * MB, basis: "size of /var/lib/apt/lists after apt-get update on Debian bookworm (main + updates + security)" }),
  apkCache: (): Impact => ({ bytes: 2.5 * MB, basis: "APKINDEX files and cached .apk archives in /var/cache/apk on Alpine 3.19" }),
  rpmCache: (): Impact => ({ bytes: 120 * MB, basis: "repository metadata and downloaded RPMs in /var/cache/yum|dnf on UBI 9 / Rocky 9 after one install" }),
  zypperCache: (): Impact => ({ bytes: 40 * MB, basis: "repository metadata in /var/cache/zypp on openSUSE Leap 15" }),
  /** pip's HTTP and wheel cache roughly equals the downloaded wheels: about a third of the installed size. */
  pipCache: (packages: number): Impact => ({
    bytes: Math.max(1, packages) * 8 * MB,
    basis: `~8 MB of cached downloads per requested distribution (${Math.max(1, packages)} named or from a requirements file); the cache holds every wheel pip fetched`,
  }),
  recommends: (packages: number): Impact => ({
    bytes: Math.max(1, packages) * 15 * MB,
    basis: `recommended packages Debian pulls in average ~15 MB per requested package (${packages} requested)`,
  }),
  /** A Python tool's download cache left in a layer; `distributions` is 0 when the project's manifests are unknown. */
  toolCache: (tool: "uv" | "poetry" | "pipenv", distributions: number, hardlinked = false): Impact => {
    const n = distributions > 0 ? distributions : 15;
    const counted = distributions > 0 ? `${n} in the project's manifests` : `${n}, a typical web app`;
    if (hardlinked) {
      return { bytes: n * 2 * MB, basis: `uv hardlinks the wheels it unpacks into the environment, so the layer stores them once; the index metadata and wheels built from source remain, ~2 MB per distribution (${counted})` };
    }
    return { bytes: n * 8 * MB, basis: `${tool}'s cache holds every wheel it downloaded, ~8 MB per distribution (${counted})` };
  },
  /** Test suites and bytecode pip installs into site-packages. */
  testsAndBytecode: (): Impact => ({
    bytes: 15 * MB,
    basis: "tests/ directories of installed distributions (numpy, pandas, scipy ship 10-40 MB each; a typical web stack a few MB); .pyc files add ~25% to pure-Python packages",
  }),
  condaCache: (): Impact => ({ bytes: 300 * MB, basis: "conda's pkgs/ cache of tarballs and extracted packages for a typical scientific stack" }),
  toolchain: (): Impact => ({ bytes: 250 * MB, basis: "gcc, binutils, libc6-dev and headers on Debian bookworm (build-essential with its dependencies)" }),
  /** Build tools shipped in a layer: compilers, other build tools, header packages, git. */
  buildTools: (parts: { compilers: number; tools: number; headers: number; git: boolean }): Impact => {
    const mb = (parts.compilers > 0 ? 250 : 0) + parts.tools * 15 + parts.headers * 4 + (parts.git ? 45 : 0);
    const basis = [
      parts.compilers > 0 ? "a compiler toolchain ~250 MB (gcc, binutils, libc6-dev: build-essential on Debian bookworm, build-base on Alpine)" : "",
      parts.tools > 0 ? `~15 MB per other build tool (${parts.tools}: make, cmake, autotools)` : "",
      parts.headers > 0 ? `~4 MB per header package with its -dev dependencies (${parts.headers})` : "",
      parts.git ? "git with its perl and curl dependencies ~45 MB" : "",
    ].filter(Boolean);
    return { bytes: mb * MB, basis: basis.join("; ") };
  },
  fullPythonBase: (): Impact => ({ bytes: 880 * MB, basis: "python:3.x (bookworm) is ~1.0 GB against ~125 MB for python:3.x-slim" }),
  /** Base images that carry a build toolchain or a distribution the runtime does not need, against a slim runtime. */
  heavyBase: (kind: "buildpack-deps" | "s2i" | "miniconda" | "anaconda" | "distro-toolchain"): Impact =>
    ({
      "buildpack-deps": { bytes: 770 * MB, basis: "buildpack-deps:bookworm (~850 MB: compilers, headers, VCS tools) against debian:bookworm-slim (~75 MB)" },
      s2i: { bytes: 800 * MB, basis: "the UBI 9 s2i python-311 builder image (~1 GB with gcc and headers) against a UBI minimal runtime with python3.11 (~200 MB)" },
      miniconda: { bytes: 330 * MB, basis: "continuumio/miniconda3 (~450 MB) against python:3.x-slim (~125 MB)" },
      anaconda: { bytes: 2900 * MB, basis: "continuumio/anaconda3 (~3 GB) against python:3.x-slim (~125 MB)" },
      "distro-toolchain": { bytes: 330 * MB, basis: "ubuntu/debian with python3, pip and build-essential from apt (~450 MB) against python:3.x-slim (~125 MB)" },
    })[kind],
  /** Build-context entries a whole-context COPY brings in, with their typical sizes. */
  contextEntries: (entries: Array<{ label: string; mb?: number }>, shipped: boolean): Impact => {
    const sized = entries.filter((e) => (e.mb ?? 0) > 0);
    const what = sized.map((e) => `${e.label} ~${e.mb} MB`).join(", ");
    return shipped
      ? { bytes: sized.reduce((n, e) => n + (e.mb ?? 0), 0) * MB, basis: `typical sizes in a Python project: ${what}` }
      : { basis: `sent to the builder on every build and a reason for the COPY to miss the cache (${what}); the stage does not ship` };
  },
  pipSetuptools: (withSetuptools = true): Impact =>
    withSetuptools
      ? { bytes: 22 * MB, basis: "pip (~13 MB) and setuptools (~9 MB) installed in a venv" }
      : { bytes: 13 * MB, basis: "pip (~13 MB) installed in a venv (Python 3.12+ venvs no longer get setuptools)" },
  /** What one more package-installing layer rewrites, by package manager family. */
  splitInstall: (family: "apt" | "apk" | "rpm" | "zypper"): Impact => {
    const per = { apt: [2, 10, "dpkg's status database, debconf caches and logs (~2 MB on Debian bookworm) plus another `apt-get update`"], apk: [0.5, 3, "apk's installed database and index (~0.5 MB on Alpine 3.19)"], rpm: [10, 20, "the rpm database and dnf history (~10 MB on UBI 9) plus another metadata refresh"], zypper: [5, 10, "the rpm database and zypper's state (~5 MB on openSUSE Leap 15)"] } as const;
    const [mb, seconds, what] = per[family];
    return { bytes: mb * MB, seconds, basis: `each extra install layer stores a new copy of ${what}` };
  },
  dependencyReinstall: (): Impact => ({ seconds: 60, basis: "a typical web app's dependency install (download + build) that reruns on every source change" }),
  /** A Python dependency install from an index; 0 distributions means the count is unknown. */
  dependencyInstall: (distributions: number): Impact =>
    distributions > 0
      ? { seconds: Math.max(10, Math.round(distributions * 1.5)), basis: `~1.5 s per distribution to resolve, download and install wheels (${distributions} in the project's manifests); source builds take far longer` }
      : { seconds: 60, basis: "a typical web app's dependency install (download + build), the manifests being unknown" },
  /** A system package install with the index refresh it needs. */
  systemPackages: (packages: number): Impact => ({
    seconds: 8 + 2 * Math.max(1, packages),
    basis: `an index refresh (~8 s) plus ~2 s per requested package with its dependencies (${packages} requested) from Debian or Alpine mirrors`,
  }),
  /** Downloads a warm BuildKit cache mount saves on a rebuild that reruns the step. */
  cacheMountDownloads: (packages: number): Impact => ({
    seconds: Math.max(5, Math.max(1, packages)),
    basis: `re-downloading ~1 s per package (${Math.max(1, packages)} named or from a manifest) when the step reruns without a warm cache`,
  }),
};
