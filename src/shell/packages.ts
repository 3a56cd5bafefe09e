import type { SimpleCommand, Word } from "./parser.js";
import { perObject } from "../memo.js";
import { invocation, positionals, type Invocation } from "./invocation.js";

export type SystemManager = "apt" | "apk" | "yum" | "dnf" | "microdnf" | "zypper";
export type PackageAction = "install" | "update" | "remove" | "clean" | "upgrade" | "other";

/** One system package manager call, e.g. `apt-get install -y --no-install-recommends gcc`. */
export interface SystemPackageOp {
  manager: SystemManager;
  action: PackageAction;
  /** The subcommand word ("install", "add", "in"). */
  verb?: Word;
  packages: Word[];
  args: Word[];
  inv: Invocation;
}

interface ManagerSpec {
  manager: SystemManager;
  verbs: Record<string, PackageAction>;
  flagsWithValue: Set<string>;
}

const APT: ManagerSpec = {
  manager: "apt",
  verbs: {
    install: "install", "build-dep": "install", reinstall: "install",
    update: "update",
    remove: "remove", purge: "remove", autoremove: "remove",
    clean: "clean", autoclean: "clean",
    upgrade: "upgrade", "dist-upgrade": "upgrade", "full-upgrade": "upgrade",
  },
  flagsWithValue: new Set(["-o", "-c", "-t", "--option", "--config-file", "--target-release", "--default-release"]),
};
const APK: ManagerSpec = {
  manager: "apk",
  verbs: { add: "install", update: "update", del: "remove", cache: "clean", upgrade: "upgrade" },
  flagsWithValue: new Set(["-t", "--virtual", "-X", "--repository", "--root", "-p", "--arch", "--cache-dir", "--keys-dir", "--repositories-file"]),
};
const YUM_VERBS: Record<string, PackageAction> = {
  install: "install", groupinstall: "install", localinstall: "install", reinstall: "install", builddep: "install",
  makecache: "update", "check-update": "update",
  remove: "remove", erase: "remove", autoremove: "remove", groupremove: "remove",
  clean: "clean",
  update: "upgrade", upgrade: "upgrade", "update-minimal": "upgrade", "upgrade-minimal": "upgrade", "distro-sync": "upgrade",
};
const RPM_FLAGS = new Set(["-x", "--exclude", "--setopt", "--enablerepo", "--disablerepo", "--installroot", "--releasever", "-c", "--config", "--repo", "--repoid", "--nodocs-x", "--forcearch", "--nobest-x"]);
const YUM: ManagerSpec = { manager: "yum", verbs: YUM_VERBS, flagsWithValue: RPM_FLAGS };
const DNF: ManagerSpec = { manager: "dnf", verbs: YUM_VERBS, flagsWithValue: RPM_FLAGS };
const MICRODNF: ManagerSpec = { manager: "microdnf", verbs: YUM_VERBS, flagsWithValue: RPM_FLAGS };
const ZYPPER: ManagerSpec = {
  manager: "zypper",
  verbs: {
    in: "install", install: "install", "source-install": "install", si: "install",
    ref: "update", refresh: "update",
    rm: "remove", remove: "remove",
    clean: "clean", cc: "clean",
    up: "upgrade", update: "upgrade", dup: "upgrade", "dist-upgrade": "upgrade", patch: "upgrade",
  },
  flagsWithValue: new Set(["-r", "--repo", "--root", "-R", "-D", "--reposd-dir", "-C", "--cache-dir", "--type", "-t"]),
};

const SPECS: Record<string, ManagerSpec> = {
  "apt-get": APT, apt: APT, aptitude: APT,
  apk: APK,
  yum: YUM, dnf: DNF, "dnf5": DNF, tdnf: DNF, microdnf: MICRODNF,
  zypper: ZYPPER,
};

export const systemPackageOp: (cmd: SimpleCommand) => SystemPackageOp | undefined = perObject(packageOp);

function packageOp(cmd: SimpleCommand): SystemPackageOp | undefined {
  const inv = invocation(cmd);
  const spec = SPECS[inv.tool];
  if (!spec) return undefined;
  const pos = positionals(inv.args, spec.flagsWithValue);
  const verb = pos[0];
  if (!verb) return { manager: spec.manager, action: "other", packages: [], args: inv.args, inv };
  const action = spec.verbs[verb.text] ?? "other";
  return { manager: spec.manager, action, verb, packages: pos.slice(1), args: inv.args, inv };
}

/** Where each manager keeps what a cleanup should remove, and what a cache mount may cover. */
export const CACHE_DIRS: Record<SystemManager, string[]> = {
  apt: ["/var/lib/apt/lists", "/var/cache/apt"],
  apk: ["/var/cache/apk"],
  yum: ["/var/cache/yum"],
  dnf: ["/var/cache/dnf", "/var/cache/yum"],
  microdnf: ["/var/cache/yum", "/var/cache/dnf"],
  zypper: ["/var/cache/zypp"],
};
