import type { SystemManager } from "../../shell/packages.js";

/**
 * A RUN instruction that installs system packages without prompting and leaves no package index or cache behind.
 * Continued lines use the file's escape character (`# escape=`) and line ending.
 */
export function installRun(manager: SystemManager, packages: string[], escape = "\\", eol = "\n"): string {
  const list = packages.join(" ");
  const next = ` ${escape}${eol} && `;
  if (manager === "apt") return `RUN apt-get update${next}apt-get install -y --no-install-recommends ${list}${next}rm -rf /var/lib/apt/lists/*`;
  if (manager === "apk") return `RUN apk add --no-cache ${list}`;
  if (manager === "microdnf") return `RUN microdnf install -y ${list} && microdnf clean all`;
  return `RUN ${manager} install -y ${list} && ${manager} clean all`;
}
