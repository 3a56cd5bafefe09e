import { defineCheck } from "./types.js";

export default defineCheck({
  meta: {
    id: "shell-syntax",
    title: "RUN shell code that could not be parsed",
    category: "correctness",
    severity: "warning",
    fix: "none",
    docs:
      "whittle parses every RUN body as shell (bash grammar) to find package installs, caches and cleanups. When a body " +
      "does not parse (an unclosed quote, a stray `then`, a continuation that swallows the next instruction), the shell in " +
      "the build would most likely fail too, and the checks that read commands may miss problems in that RUN. The " +
      "finding points at the first place the parser gave up; one finding per RUN.",
  },
  check(ctx) {
    for (const ins of ctx.file.instructions) {
      const first = ins.keyword === "RUN" ? ins.shell?.errors[0] : undefined;
      if (!first) continue;
      // a missing closer is reported just past the end of the text; keep the span inside it
      const length = ctx.file.source.text.length;
      const span = { start: Math.min(first.start, length), end: Math.min(Math.max(first.end, first.start), length) };
      ctx.report(span, { message: "could not parse this shell code; other checks may miss problems in this RUN", instruction: ins });
    }
  },
});
