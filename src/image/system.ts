import type { FsNode } from "./path-index.js";
import type { ImageConfig } from "./sources/types.js";
import { readPath, type ImageView } from "./view.js";

/** Who the container runs as, and whether a C toolchain ships with it. */

export interface UserInfo {
  /** As configured (empty: the engine's default, root). */
  configured: string;
  uid?: number;
  root: boolean;
  note?: string;
}

export function runUser(config: ImageConfig, view: ImageView): UserInfo {
  const configured = config.config?.User ?? "";
  const user = configured.split(":")[0];
  if (user === "") return { configured, uid: 0, root: true };
  if (/^\d+$/.test(user)) return { configured, uid: Number(user), root: Number(user) === 0 };
  const passwd = readPath(view, "/etc/passwd")?.toString("utf8");
  for (const line of passwd?.split(/\r?\n/) ?? []) {
    const fields = line.split(":");
    if (fields[0] === user && /^\d+$/.test(fields[2] ?? "")) {
      const uid = Number(fields[2]);
      return { configured, uid, root: uid === 0 };
    }
  }
  if (user === "root") return { configured, uid: 0, root: true };
  return { configured, root: false, note: `user ${user} is not in /etc/passwd (the container will not start)` };
}

export interface Compiler {
  /** The name as found on a bin path. */
  path: string;
  /** The file it resolves to. */
  target: string;
}

const BIN_DIRS = ["/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin"];
const COMPILER = /^(?:[a-z0-9_]+-linux-gnu[a-z]*-)?(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+|gfortran|tcc)(?:-\d+(?:\.\d+)*)?$/;

/** C/C++/Fortran compiler drivers below a bin directory that resolve to a real file. */
export function compilers(view: ImageView): Compiler[] {
  const { index } = view;
  // The bin directories' subtrees only: a walk of every path of a large image costs more than the rest.
  const dirs = BIN_DIRS.map((d) => index.get(d));
  for (const opt of index.get("/opt")?.children?.values() ?? []) dirs.push(index.child(opt, "bin"));
  const out: Compiler[] = [];
  for (const dir of dirs) {
    if (!dir?.children) continue;
    for (const node of index.walk(dir)) {
      if (node.kind === "dir" || !COMPILER.test(node.path.slice(node.path.lastIndexOf("/") + 1))) continue;
      const target: FsNode | undefined = node.kind === "symlink" ? index.resolve(node.path) : node;
      if (target?.kind === "file" && (target.blob?.size ?? 0) > 0) out.push({ path: node.path, target: target.path });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Every symlink must resolve without looping: a loop is a broken (or hostile) image. */
export function checkSymlinks(view: ImageView): number {
  const links = view.index.symlinks();
  for (const node of links) view.index.resolveLink(node);
  return links.length;
}
