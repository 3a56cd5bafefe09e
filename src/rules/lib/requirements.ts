import { posix } from "node:path";
import type { ProjectContext } from "../../project/context.js";

/**
 * A requirements file and every file it includes (`-r`, `-c`), context-relative, the file itself first. Undefined
 * when one of them installs a local path (`.`, `-e .`, `./pkg`, `file:`): installing it then needs the source tree,
 * not just the manifests. Files the context lacks are listed as they are named.
 */
export function requirementsClosure(project: ProjectContext, file: string): string[] | undefined {
  const out: string[] = [];
  const visit = (f: string): boolean => {
    if (out.includes(f) || out.length > 20) return true;
    out.push(f);
    for (const raw of (project.read(f) ?? "").split(/\r?\n/)) {
      const line = raw.replace(/(^|\s)#.*$/, "").trim();
      const include = /^(?:-r|--requirement|-c|--constraint)\s*=?\s*(\S+)$/.exec(line);
      if (include) {
        if (!visit(posix.join(posix.dirname(f), include[1]))) return false;
        continue;
      }
      if (/^(-e\s+|--editable\s*=?\s*)?(\.|\.\/|\.\.\/|\/|file:)/.test(line)) return false;
    }
    return true;
  };
  return visit(file) ? out : undefined;
}
