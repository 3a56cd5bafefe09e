import { dockerignoreEdit, missingEntries, SECRETS, wholeContextCopy } from "./lib/dockerignore.js";
import { defineCheck } from "./types.js";

export default defineCheck({
  meta: {
    id: "context-secrets",
    title: "Whole build context copied without excluding secrets",
    category: "security",
    severity: "warning",
    fix: "safe",
    docs:
      "`COPY . .` copies every file .dockerignore lets through, and whatever reaches a layer can be read by anyone who " +
      "pulls the image, even when a later RUN deletes it. Local secrets live next to the code: .env files, TLS and " +
      "signing keys (*.pem, *.key), SSH keys (id_rsa, id_ed25519...), credentials (.pypirc, .netrc, .aws), and the git " +
      "history, which keeps every secret ever committed. The fix creates or extends .dockerignore with the entries " +
      "the context holds (the standard set when the context is unknown), naming secret .env files one by one so " +
      "templates such as .env.example stay available; it never excludes a path the Dockerfile uses. An error when a " +
      "secret file is known to be in the context, a warning otherwise.",
  },
  check(ctx) {
    const found = wholeContextCopy(ctx.file);
    if (!found) return;
    const copy = found.ins;
    const missing = missingEntries(ctx.file, ctx.project, SECRETS);
    if (missing.length === 0) return;
    const known = ctx.project.entries().length > 0;
    const labels = missing.map((e) => (e.label === ".env files" && known ? e.patterns.join(", ") : e.label)).join(", ");
    const di = ctx.project.dockerignore();
    ctx.report(found.word, {
      message: di
        ? `.dockerignore does not exclude ${labels}: \`${copy.keyword} .\` puts them in a layer`
        : `no .dockerignore: \`${copy.keyword} .\` puts ${labels} in a layer`,
      severity: known && missing.some((e) => e.label !== ".git") ? "error" : undefined,
      fix: {
        kind: "safe",
        description: `${di ? "extend" : "create"} .dockerignore: ${labels}`,
        edits: [dockerignoreEdit(ctx.project, missing, "Secrets and keys: never send them to the builder")],
      },
      instruction: copy,
    });
  },
});
