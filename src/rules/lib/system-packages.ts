import type { Instruction, SimpleCommand, Stage } from "../../dockerfile/model.js";
import { cacheMountCovers, runCommands, type RunCommand } from "../../dockerfile/query.js";
import { flagValue, hasFlag, invocation } from "../../shell/invocation.js";
import { CACHE_DIRS, systemPackageOp, type SystemManager, type SystemPackageOp } from "../../shell/packages.js";
import { homeFor, laterInRun, removedLater } from "./cleanup.js";

/** One system package manager command of a RUN, recognised. */
export interface PackageCommand extends RunCommand {
  op: SystemPackageOp;
}

export function packageCommands(stage: Stage): PackageCommand[] {
  const out: PackageCommand[] = [];
  for (const rc of runCommands(stage)) {
    const op = systemPackageOp(rc.cmd);
    if (op) out.push({ ...rc, op });
  }
  return out;
}

/** yum, dnf and microdnf share their repositories, caches and `clean all`. */
export function managerFamily(m: SystemManager): "apt" | "apk" | "rpm" | "zypper" {
  return m === "yum" || m === "dnf" || m === "microdnf" ? "rpm" : m;
}

export const APT_LISTS = "/var/lib/apt/lists";

/** The directories whose content a manager's cache cleanup must remove (apt: the lists; the archives clean themselves on Debian images). */
export function cacheDirs(manager: SystemManager): string[] {
  return manager === "apt" ? [APT_LISTS] : CACHE_DIRS[manager];
}

/** Does the command download into the manager's cache? */
export function fillsCache(op: SystemPackageOp): boolean {
  switch (managerFamily(op.manager)) {
    case "apt":
      return op.action === "update";
    case "apk":
      return (op.action === "install" || op.action === "update" || op.action === "upgrade") && !hasFlag(op.args, "--no-cache");
    default:
      return op.action === "install" || op.action === "upgrade" || op.action === "update";
  }
}

/**
 * Does the same RUN take care of the cache this command fills: a cache mount over it, its removal later in the RUN,
 * or the manager's own cleanup (`yum|dnf clean all`, `zypper clean`, `apt-get distclean`)?
 */
export function cacheHandled(pc: PackageCommand): boolean {
  const dirs = cacheDirs(pc.op.manager);
  if (dirs.some((d) => cacheMountCovers(pc.ins, d, pc.stage))) return true;
  if (dirs.some((d) => removedLater(pc.ins, d, pc.cmd, homeFor(pc)))) return true;
  const family = managerFamily(pc.op.manager);
  return laterInRun(pc).some((c) => {
    const op = systemPackageOp(c);
    if (!op || managerFamily(op.manager) !== family) return false;
    if (family === "apt") return /^dist-?clean$/.test(op.verb?.text ?? "");
    if (family === "rpm") return op.action === "clean" && op.packages.some((w) => w.text === "all");
    return family === "zypper" && op.action === "clean";
  });
}

/** The package name without a version or architecture: `gcc=4:12.2.0-3` -> gcc, `libpq-dev:amd64` -> libpq-dev. */
export function packageName(word: string, manager: SystemManager): string {
  if (manager === "apt") return word.split("=")[0].replace(/:[a-z0-9]+$/, "");
  if (manager === "apk") return word.split(/[=~<>]/)[0];
  if (manager === "zypper") return word.split(/[=<>]/)[0];
  return word;
}

export function installedNames(op: SystemPackageOp): string[] {
  return op.packages.filter((w) => !w.text.startsWith("-")).map((w) => packageName(w.text, op.manager));
}

/** The name `apk add --virtual .name` groups its packages under. */
export function apkVirtual(op: SystemPackageOp): string | undefined {
  return op.manager === "apk" ? flagValue(op.args, "--virtual", "-t")?.value : undefined;
}

/** Packages a RUN fetches only to add a package repository (its key, its transport, the tools that write its list). */
const REPOSITORY_BOOTSTRAP = new Set([
  "curl", "wget", "gnupg", "gnupg2", "gpg", "gpg-agent", "dirmngr", "ca-certificates", "software-properties-common",
  "lsb-release", "apt-transport-https", "debian-archive-keyring", "ubuntu-keyring", "dnf-plugins-core", "yum-utils",
  "epel-release", "apt-utils",
]);

export function isRepositoryBootstrap(op: SystemPackageOp): boolean {
  const names = installedNames(op);
  return names.length > 0 && names.every((n) => REPOSITORY_BOOTSTRAP.has(n));
}

/** Does the RUN add a package repository or its signing key? */
export function addsRepository(file: { source: { slice(span: { start: number; end: number }): string } }, ins: Instruction): boolean {
  const text = file.source.slice(ins.span);
  return /sources\.list|add-apt-repository|apt-key|gpg\b|--dearmor|keyrings?\/|yum\.repos\.d|config-manager|rpm --import|\/etc\/apk\/repositories|zypper\s+(ar|addrepo)\b|epel-release|\.repo\b/.test(text);
}

export type ToolchainKind = "compiler" | "build-tool" | "headers" | "git";

const COMPILERS = /^(gcc|g\+\+|gcc-c\+\+|cpp|clang|gfortran|gcc-gfortran|build-essential|build-base|cargo|rust|rustc)(-\d+(\.\d+)*)?$/;
const BUILD_TOOLS = /^(make|cmake|autoconf|automake|libtool|ninja-build|meson)$/;

/** What a package brings to a build: a compiler, another build tool, headers (`-dev`/`-devel`), or git. */
export function toolchainKind(name: string): ToolchainKind | undefined {
  const n = name.toLowerCase();
  if (COMPILERS.test(n) || /^@?(development-tools|development tools)$/.test(n)) return "compiler";
  if (BUILD_TOOLS.test(n)) return "build-tool";
  if (/-dev$|-devel$/.test(n) || /^(linux-headers|kernel-headers|glibc-headers)$/.test(n)) return "headers";
  if (n === "git" || n === "git-core") return "git";
  return undefined;
}

/**
 * Does the same RUN remove this package after installing it? `apt-get purge`/`apk del`/`yum remove` naming it (or the
 * `--virtual` group it came in), or the official images' pattern: `apt-mark auto` followed by `apt-get purge
 * --auto-remove`/`autoremove`, which removes every package installed since the saved manual list.
 */
export function removedInSameRun(pc: PackageCommand, name: string): boolean {
  const later = laterInRun(pc);
  const family = managerFamily(pc.op.manager);
  const virtual = apkVirtual(pc.op);
  let autoMarked = false;
  for (const c of later) {
    if (family === "apt" && isAptMarkAuto(c)) autoMarked = true;
    const op = systemPackageOp(c);
    if (!op || managerFamily(op.manager) !== family || op.action !== "remove") continue;
    const removed = installedNames(op);
    if (removed.includes(name) || (virtual !== undefined && removed.includes(virtual))) return true;
    if (autoMarked && (op.verb?.text === "autoremove" || hasFlag(op.args, "--auto-remove", "--autoremove"))) return true;
  }
  return false;
}

function isAptMarkAuto(cmd: SimpleCommand): boolean {
  const inv = invocation(cmd);
  return inv.tool === "apt-mark" && inv.args[0]?.text === "auto";
}
