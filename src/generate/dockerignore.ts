import { memoryFiles, projectContext } from "../project/context.js";
import type { ProjectFacts } from "../project/facts.js";

const SECTIONS: Array<[string, string[]]> = [
  ["Version control and editors", [".git", ".github", ".gitlab", ".hg", ".svn", ".idea", ".vscode", "**/*.swp", "**/.DS_Store"]],
  [
    "Python caches, test and build output",
    ["**/__pycache__", "**/*.py[cod]", "**/*.egg-info", ".eggs", "build", "dist", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox", ".nox", ".hypothesis", ".coverage", ".coverage.*", "htmlcov", "**/.ipynb_checkpoints"],
  ],
  ["Virtual environments and local tool state (the image builds its own)", [".venv", "venv", "__pypackages__", ".pdm-python", ".pdm-build", "node_modules"]],
  ["Secrets: environment files, keys, credentials", [".env", ".env.*", "**/*.pem", "**/*.key", "**/id_rsa*", "**/id_dsa*", "**/id_ecdsa*", "**/id_ed25519*", "**/.netrc", "**/.pypirc"]],
  ["Local data and logs", ["**/*.sqlite3", "**/*.log"]],
  ["The container files themselves: editing them does not invalidate COPY . .", ["Dockerfile*", ".dockerignore", "docker-compose*.yml", "compose*.yaml"]],
];

/**
 * The .dockerignore for a project: bulk, caches and secrets out of the build context, and never a file the build
 * needs (the manifests the Dockerfile copies, README/LICENSE the build backend reads, the app's directory).
 */
export function generateDockerignore(facts: ProjectFacts): string {
  const sections = SECTIONS.map(([title, patterns]) => [title, [...patterns]] as [string, string[]]);
  const extraVenvs = facts.venvDirs.filter((d) => !sections[2][1].includes(d));
  sections[2][1].push(...extraVenvs);
  let text = "# Build context for docker build, written by `whittle init`: what the image never needs.\n";
  text += sections.map(([title, patterns]) => `\n# ${title}\n${patterns.join("\n")}\n`).join("");

  const keep = [...new Set([...facts.dependencies.value.manifests, ...facts.package.backendFiles, ...(facts.appDir === "." ? [] : [facts.appDir])])].sort();
  const ignored = projectContext(undefined, memoryFiles({ ".dockerignore": text })).dockerignore()!;
  const rescued = keep.filter((f) => ignored.ignores(f));
  if (rescued.length) text += `\n# Needed by the build\n${rescued.map((f) => `!${f}`).join("\n")}\n`;
  return text;
}
