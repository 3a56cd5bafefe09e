import type { Instruction } from "../dockerfile/model.js";
import { commandsIn } from "../dockerfile/query.js";
import { invocation } from "../shell/invocation.js";
import { systemPackageOp, type SystemPackageOp } from "../shell/packages.js";
import { estimates } from "./lib/estimates.js";
import { appendToRun } from "./lib/run-edit.js";
import { APT_LISTS, cacheDirs, cacheHandled, fillsCache, managerFamily, type PackageCommand } from "./lib/system-packages.js";
import { defineCheck, type CheckContext, type Fix, type Impact } from "./types.js";

/** `sudo` in front of the install: the cleanup needs it too. */
function prefixOf(pc: PackageCommand): string {
  return invocation(pc.cmd).toolWord === pc.cmd.words[0] ? "" : pc.cmd.words[0].text === "sudo" ? "sudo " : "";
}

function appendFix(ctx: CheckContext, pc: PackageCommand, command: string): Fix {
  const edit = appendToRun(ctx.file, pc.ins, command, pc.cmd);
  return { kind: edit ? "safe" : "suggestion", description: `run \`${command}\` at the end of the same RUN`, edits: edit ? [edit] : [] };
}

function span(op: SystemPackageOp) {
  return { start: op.inv.toolWord.span.start, end: (op.verb ?? op.inv.toolWord).span.end };
}

function report(ctx: CheckContext, pc: PackageCommand, message: string, impact: Impact, fix: Fix): void {
  ctx.report(span(pc.op), { message, impact, fix, instruction: pc.ins });
}

/** apt: the lists `apt-get update` downloaded stay unless the same RUN removes them. */
function checkApt(ctx: CheckContext, run: PackageCommand[]): void {
  const update = run.find((pc) => pc.op.action === "update");
  if (!update) return; // lists not fetched in this RUN: an earlier layer holds them, removing them here frees nothing
  const install = run.find((pc) => (pc.op.action === "install" || pc.op.action === "upgrade") && pc.cmd.span.start > update.cmd.span.start);
  if (!install || cacheHandled(update)) return;
  const cleanup = `${prefixOf(install)}rm -rf ${APT_LISTS}/*`;
  report(ctx, install, `${install.op.inv.tool} ${install.op.verb!.text} leaves the package lists of \`apt-get update\` in the layer: remove ${APT_LISTS}/* in the same RUN`, estimates.aptLists(), appendFix(ctx, install, cleanup));
}

/** apk: `apk add` keeps the index it fetched in /var/cache/apk unless told --no-cache. */
function checkApk(ctx: CheckContext, run: PackageCommand[]): void {
  if (cacheHandled(run[0])) return;
  const update = run.find((pc) => pc.op.action === "update" && fillsCache(pc.op));
  const adds = run.filter((pc) => pc.op.action === "install" && fillsCache(pc.op));
  if (update) {
    // --no-cache on the adds would not drop the index `apk update` stored: remove the cache directory instead.
    const at = adds[0] ?? run.find((pc) => pc.op.action === "install");
    if (!at) return; // `apk update` alone: the update-without-install check's case
    report(ctx, at, "apk update stores the package index in /var/cache/apk: remove /var/cache/apk/* in the same RUN", estimates.apkCache(), appendFix(ctx, at, `${prefixOf(at)}rm -rf /var/cache/apk/*`));
    return;
  }
  for (const add of adds) {
    const verb = add.op.verb!;
    report(ctx, add, "apk add keeps the package index in /var/cache/apk: add --no-cache", estimates.apkCache(), {
      kind: "safe",
      description: "add --no-cache",
      edits: [{ start: verb.span.end, end: verb.span.end, text: " --no-cache" }],
    });
  }
}

/** yum/dnf/microdnf: repository metadata and downloaded RPMs stay until `clean all`. */
function checkRpm(ctx: CheckContext, run: PackageCommand[]): void {
  const first = run.find((pc) => fillsCache(pc.op));
  if (!first || cacheHandled(first)) return;
  const tool = first.op.inv.tool;
  const sudo = prefixOf(first);
  const cleanup = `${sudo}${tool} clean all${tool === "yum" ? ` && ${sudo}rm -rf /var/cache/yum` : ""}`;
  report(ctx, first, `${tool} ${first.op.verb?.text ?? ""} leaves repository metadata and packages in ${cacheDirs(first.op.manager)[0]}: run \`${cleanup}\` in the same RUN`, estimates.rpmCache(), appendFix(ctx, first, cleanup));
}

/** zypper: its cache in /var/cache/zypp stays until `zypper clean`. */
function checkZypper(ctx: CheckContext, run: PackageCommand[]): void {
  const first = run.find((pc) => pc.op.action === "install" || pc.op.action === "upgrade");
  if (!first || cacheHandled(first)) return;
  const cleanup = `${prefixOf(first)}zypper clean -a`;
  report(ctx, first, `zypper ${first.op.verb?.text ?? ""} leaves its cache in /var/cache/zypp: run \`${cleanup}\` in the same RUN`, estimates.zypperCache(), appendFix(ctx, first, cleanup));
}

export default defineCheck({
  meta: {
    id: "package-cache",
    title: "System package manager cache left in the layer",
    category: "size",
    severity: "warning",
    fix: "safe",
    hadolint: ["DL3009", "DL3019", "DL3032", "DL3036", "DL3040"],
    docs:
      "Package managers keep what they downloaded: apt the package lists of `apt-get update` in /var/lib/apt/lists " +
      "(~19 MB on Debian bookworm), apk its index in /var/cache/apk (~2.5 MB), yum/dnf repository metadata and RPMs in " +
      "/var/cache/yum|dnf (often 100 MB or more on UBI/Rocky), zypper its cache in /var/cache/zypp (~40 MB). A later RUN " +
      "cannot take those bytes back out of the layer, so the cleanup must run in the same RUN: `rm -rf " +
      "/var/lib/apt/lists/*`, `apk add --no-cache`, `yum|dnf clean all`, `zypper clean -a`. Silent when a BuildKit cache " +
      "mount covers the directory (the cache then never enters the layer), for an apt install whose RUN did not run " +
      "`apt-get update` itself (its lists live in an earlier layer), and in stages that do not reach the final image.",
  },
  check(ctx) {
    const byRun = new Map<Instruction, PackageCommand[]>();
    for (const rc of commandsIn(ctx.file, "shipped")) {
      const op = systemPackageOp(rc.cmd);
      if (!op) continue;
      byRun.set(rc.ins, [...(byRun.get(rc.ins) ?? []), { ...rc, op }]);
    }
    for (const run of byRun.values()) {
      const family = (f: string) => run.filter((pc) => managerFamily(pc.op.manager) === f);
      const apt = family("apt");
      if (apt.length > 0) checkApt(ctx, apt);
      const apk = family("apk");
      if (apk.length > 0) checkApk(ctx, apk);
      const rpm = family("rpm");
      if (rpm.length > 0) checkRpm(ctx, rpm);
      const zypper = family("zypper");
      if (zypper.length > 0) checkZypper(ctx, zypper);
    }
  },
});
