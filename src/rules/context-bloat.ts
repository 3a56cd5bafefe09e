import { BULKY, dockerignoreEdit, missingEntries, wholeContextCopy } from "./lib/dockerignore.js";
import { estimates } from "./lib/estimates.js";
import { defineCheck } from "./types.js";

export default defineCheck({
  meta: {
    id: "context-bloat",
    title: "Whole build context copied without excluding bulky entries",
    category: "size",
    severity: "warning",
    fix: "safe",
    docs:
      "`COPY . .` copies everything .dockerignore lets through: the git history (often tens of MB), __pycache__ and " +
      ".pyc files, a local .venv/venv (hundreds of MB, and built for another machine), node_modules, build/ and dist/ " +
      "output, tool caches (.mypy_cache, .pytest_cache, .tox, .ruff_cache). They bloat the image, slow every build's " +
      "context transfer and make the COPY miss the cache on changes that do not matter. The fix creates or extends " +
      ".dockerignore with the entries the context holds (the standard set when the context is unknown); it never " +
      "excludes a path the Dockerfile uses, files the build backend reads (README, LICENSE named in pyproject), nor " +
      ".git when the version comes from git (setuptools-scm, hatch-vcs) or a RUN asks git about the checkout. " +
      "Secrets are the context-secrets check's concern.",
  },
  check(ctx) {
    const found = wholeContextCopy(ctx.file);
    if (!found) return;
    const copy = found.ins;
    const missing = missingEntries(ctx.file, ctx.project, BULKY);
    if (missing.length === 0) return;
    const di = ctx.project.dockerignore();
    const labels = missing.map((e) => e.label).join(", ");
    ctx.report(found.word, {
      message: di
        ? `.dockerignore does not exclude ${labels}: \`${copy.keyword} .\` brings them into the image`
        : `no .dockerignore: \`${copy.keyword} .\` brings ${labels} into the image`,
      impact: estimates.contextEntries(missing, copy.stage?.shipped === true),
      fix: {
        kind: "safe",
        description: `${di ? "extend" : "create"} .dockerignore: ${labels}`,
        edits: [dockerignoreEdit(ctx.project, missing, "Not needed in the image: VCS data, bytecode, virtualenvs, build output, tool caches")],
      },
      instruction: copy,
    });
  },
});
