import { isDevTarget } from "../lint/engine.js";
import { defineCheck } from "./types.js";

export default defineCheck({
  meta: {
    id: "dev-target",
    title: "the target stage is a development or test image",
    category: "correctness",
    severity: "info",
    fix: "none",
    docs:
      "`docker build` builds the last stage unless --target says otherwise. When that stage is evidently a development, " +
      "test or CI image (named dev, test, ci, debug, local, lint and the like), the image built by default carries " +
      "toolchains, development dependencies and development servers that production images must not. whittle says so " +
      "once and then does not flag what such a stage plainly intends (those checks are production-only). Put the " +
      "production stage last, or lint and build it with --target.",
  },
  check(ctx) {
    const target = ctx.target;
    if (!target || !isDevTarget(target)) return;
    const last = ctx.file.stages.at(-1) === target;
    ctx.report(target.nameSpan ?? target.from.keywordSpan, {
      message: `${last ? "the default target (the last stage)" : "the target"} "${target.name}" looks like a development or test image: production-only checks are skipped; put the production stage last or lint it with --target`,
      instruction: target.from,
    });
  },
});
