import { defineCheck } from "./types.js";

export default defineCheck({
  meta: {
    id: "syntax-error",
    title: "Dockerfile syntax error",
    category: "correctness",
    severity: "error",
    fix: "none",
    docs:
      "Docker refuses to build a Dockerfile with an unknown instruction, an instruction before the first FROM (other " +
      "than ARG), a FROM without an image or with extra words, a flag the instruction does not have (`COPY --chwon`: " +
      "whittle names the nearest one it has), a flag that needs a value written without one (`COPY --from builder`: " +
      "the value must be joined with =), an ONBUILD trigger BuildKit refuses (ONBUILD, FROM, MAINTAINER) or does not " +
      "know (every build FROM the image would fail), or a --target that names no stage. whittle reports each " +
      "such problem at its place and goes on linting the rest of the file, so one typo does not hide every other " +
      "finding; checks that depend on the broken instruction may miss things until it is fixed.",
  },
  check(ctx) {
    for (const problem of ctx.file.problems) ctx.report(problem.span, { message: problem.message });
  },
});
