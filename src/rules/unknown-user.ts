import type { Instruction, Stage, Word } from "../dockerfile/model.js";
import { expandVars, flag, inheritedInstructions } from "../dockerfile/query.js";
import { invocation, positionals } from "../shell/invocation.js";
import { baseImageFacts } from "./lib/base-images.js";
import { defineCheck, type CheckContext } from "./types.js";
import type { Span } from "../text/source.js";

interface Accounts {
  users: ReadonlySet<string>;
  groups: ReadonlySet<string>;
}

const accounts = (users: string, groups: string): Accounts => ({ users: new Set(users.split(" ")), groups: new Set(groups.split(" ")) });

const DEBIAN = accounts(
  "root daemon bin sys sync games man lp mail news uucp proxy www-data backup list irc gnats nobody _apt",
  "root daemon bin sys adm tty disk lp mail news uucp man proxy kmem dialout fax voice cdrom floppy tape sudo audio dip www-data backup operator list irc src gnats shadow utmp video sasl plugdev staff games users nogroup",
);
const ALPINE = accounts(
  "root bin daemon adm lp sync shutdown halt mail news uucp operator man postmaster cron ftp sshd at squid xfs games cyrus vpopmail ntp smmsp guest nobody",
  "root bin daemon sys adm tty disk lp mem kmem wheel floppy mail news uucp man cron console audio cdrom dialout ftp sshd input at tape video netdev readproc squid xfs kvm games shadow cdrw www-data usb vpopmail users ntp nofiles smmsp locate abuild utmp ping nogroup nobody",
);
const DISTROLESS = accounts("root nonroot nobody", "root nonroot nobody tty");
const SCRATCH: Accounts = { users: new Set(), groups: new Set() };

/** Accounts the base image defines; undefined when the base is not one whose /etc/passwd is known. */
function baseAccounts(stage: Stage): { accounts: Accounts; extra: readonly string[] } | undefined {
  const facts = baseImageFacts(stage.image);
  let accounts: Accounts;
  switch (facts.family) {
    case "python":
    case "debian":
    case "ubuntu":
    case "buildpack-deps":
      accounts = facts.libc === "musl" ? ALPINE : DEBIAN;
      break;
    case "alpine":
      accounts = ALPINE;
      break;
    case "distroless":
    case "chainguard":
      accounts = DISTROLESS;
      break;
    case "scratch":
      accounts = SCRATCH;
      break;
    default:
      return undefined;
  }
  // Images that add their own account (a known base's "nonroot", say) name it in facts.users: as user and as group.
  return { accounts, extra: facts.users };
}

const ACCOUNT_FLAGS = new Set([
  "-u", "-g", "-G", "-d", "-s", "-c", "-k", "-e", "-f", "-K", "-p", "-R", "-P", "-Z", "-b", "-h",
  "--uid", "--gid", "--groups", "--home-dir", "--home", "--shell", "--comment", "--gecos", "--skel", "--expiredate",
  "--inactive", "--key", "--password", "--root", "--prefix", "--selinux-user", "--base-dir", "--ingroup", "--firstuid",
  "--lastuid", "--conf", "--firstgid", "--lastgid",
]);

/** An account a RUN creates, and where: a name is usable only after the command that creates it. */
interface Created {
  name: string;
  kind: "user" | "group";
  at: number;
}

/**
 * Accounts the stage and its FROM ancestors create. Undefined when they may create accounts we cannot name
 * (names in variables, /etc/passwd edited or copied in).
 */
function createdAccounts(ctx: CheckContext, stage: Stage): Created[] | undefined {
  const out: Created[] = [];
  for (const ins of inheritedInstructions(stage)) {
    if ((ins.keyword === "COPY" || ins.keyword === "ADD") && /\/etc\/(passwd|group)\b/.test(ctx.file.source.slice(ins.span))) return undefined;
    if (ins.keyword !== "RUN" || !ins.shell) continue;
    if (/\/etc\/(passwd|group)\b/.test(ctx.file.source.slice(ins.span))) return undefined;
    for (const cmd of ins.shell.commands) {
      const at = cmd.span.start;
      const inv = invocation(cmd);
      if (!["useradd", "adduser", "groupadd", "addgroup"].includes(inv.tool)) continue;
      // values of bundled flags (`adduser -Ds /bin/sh app`) show up as positionals; account names hold no slash
      const pos = positionals(inv.args, ACCOUNT_FLAGS).filter((w) => !w.text.includes("/"));
      if (pos.length === 0) continue;
      const names = pos.map((w) => expandVars(ins.stage ?? stage, ins, w.text));
      if (names.some((n) => n.includes("$"))) return undefined;
      const name = names.at(-1)!;
      if (inv.tool === "useradd") out.push({ name, kind: "user", at }, { name, kind: "group", at });
      else if (inv.tool === "groupadd") out.push({ name, kind: "group", at });
      else if (names.length === 1) {
        // adduser NAME creates the user and its group; addgroup NAME a group; with two names they add a member
        if (inv.tool === "adduser") out.push({ name, kind: "user", at });
        out.push({ name, kind: "group", at });
      }
    }
  }
  return out;
}

/** `user:group` at an offset, each part with its own span. */
function spec(text: string, start: number): Array<{ name: string; kind: "user" | "group"; span: Span }> {
  const [user, group] = text.split(":");
  const out: Array<{ name: string; kind: "user" | "group"; span: Span }> = [];
  if (user) out.push({ name: user, kind: "user", span: { start, end: start + user.length } });
  if (group) out.push({ name: group, kind: "group", span: { start: start + user.length + 1, end: start + user.length + 1 + group.length } });
  return out;
}

function references(ctx: CheckContext, stage: Stage): Array<{ name: string; kind: "user" | "group"; span: Span; ins: Instruction; what: string }> {
  const out: ReturnType<typeof references> = [];
  const exact = (w: Word) => ctx.file.source.slice(w.span) === w.text;
  for (const ins of stage.instructions) {
    if (ins.keyword === "USER" && ins.args[0] && exact(ins.args[0])) {
      out.push(...spec(ins.args[0].text, ins.args[0].span.start).map((r) => ({ ...r, ins, what: "USER" })));
    } else if (ins.keyword === "COPY" || ins.keyword === "ADD") {
      const chown = flag(ins, "chown");
      if (chown?.value && chown.valueSpan) out.push(...spec(chown.value, chown.valueSpan.start).map((r) => ({ ...r, ins, what: `${ins.keyword} --chown` })));
    } else if (ins.keyword === "RUN" && ins.shell) {
      for (const cmd of ins.shell.commands) {
        const inv = invocation(cmd);
        if ((inv.tool !== "chown" && inv.tool !== "chgrp") || inv.args.some((w) => w.text.startsWith("--reference"))) continue;
        const owner = positionals(inv.args, new Set(["--from"]))[0];
        if (!owner || !owner.literal || !exact(owner)) continue;
        const parts = inv.tool === "chgrp" ? [{ name: owner.text, kind: "group" as const, span: owner.span }] : spec(owner.text, owner.span.start);
        out.push(...parts.map((r) => ({ ...r, ins, what: inv.tool })));
      }
    }
  }
  // the name must sit where its span says (flag values of malformed lines may not)
  return out.filter((r) => r.name !== "" && !/^\d+$/.test(r.name) && !r.name.includes("$") && ctx.file.source.slice(r.span) === r.name);
}

export default defineCheck({
  meta: {
    id: "unknown-user",
    title: "user or group that does not exist in the image",
    category: "correctness",
    severity: "error",
    fix: "none",
    docs:
      "`USER app`, `COPY --chown=app:app` and `RUN chown app ...` look the name up in the image's /etc/passwd and " +
      "/etc/group. When no earlier step created it (useradd/adduser/groupadd/addgroup in the stage or a stage it builds " +
      "on) and the base image does not define it, COPY and RUN fail the build, and USER fails only when the container " +
      "starts (\"unable to find user app: no matching entries in passwd file\"). Create the account first, or use a " +
      "numeric uid:gid, which needs no entry. Checked against what Debian, Ubuntu, Alpine, python:*, distroless and " +
      "Chainguard images define; silent for other bases, and when the Dockerfile writes /etc/passwd itself or creates " +
      "accounts from variables.",
  },
  check(ctx) {
    for (const stage of ctx.file.stages) {
      let root = stage;
      while (root.parent) root = root.parent;
      const base = baseAccounts(root);
      if (!base) continue;
      const refs = references(ctx, stage);
      if (refs.length === 0) continue;
      const created = createdAccounts(ctx, stage);
      if (!created) continue;
      for (const r of refs) {
        const known =
          (r.kind === "user" ? base.accounts.users : base.accounts.groups).has(r.name) ||
          base.extra.includes(r.name) ||
          created.some((c) => c.kind === r.kind && c.name === r.name && c.at < r.span.start);
        if (known) continue;
        ctx.report(r.span, {
          message: `${r.what} names the ${r.kind} "${r.name}", which ${root.image.raw} does not define and no earlier step creates`,
          instruction: r.ins,
        });
      }
    }
  },
});
