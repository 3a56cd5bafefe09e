import shellSyntax from "../../src/rules/shell-syntax.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(shellSyntax, {
  valid: [
    { name: "ordinary install", code: "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc \\\n    # a comment inside the continuation\n    && rm -rf /var/lib/apt/lists/*\n" },
    { name: "control flow, arithmetic, tests", code: "FROM python:3.12-slim\nRUN if [ \"$(uname -m)\" = x86_64 ]; then echo amd; elif [[ -n \"$X\" ]]; then echo $((1 + 2)); fi; for f in a b; do echo \"$f\"; done\n" },
    { name: "case, functions, subshells, here-string", code: "FROM python:3.12-slim\nRUN f() { echo \"$1\"; }; case \"$A\" in a|b) f x ;; *) (cd /tmp && f y) ;; esac; cat <<< 'hi'\n" },
    { name: "quotes and escapes", code: "FROM python:3.12-slim\nRUN echo 'it'\"'\"'s' \"a \\\"b\\\"\" && printf '%s\\n' $'tab\\t' > /tmp/x 2>&1\n" },
    { name: "heredoc body", code: "FROM python:3.12-slim\nRUN <<EOF\nset -e\nfor p in a b; do\n  echo \"$p\"\ndone\nEOF\n" },
    { name: "escape directive", code: "# escape=`\nFROM python:3.12-slim\nRUN pip install `\n    flask\n" },
    { name: "lone dollars, here-documents in a RUN line, arrays", code: "FROM python:3.12-slim\nRUN echo $ \"a $\" x$ && A=(1 2) && python3 - <<EOF\nprint('(unbalanced')\nEOF\n" },
    { name: "exec form", code: "FROM python:3.12-slim\nRUN [\"pip\", \"install\", \"flask\"]\n" },
  ],
  invalid: [
    {
      name: "unbalanced double quote",
      code: "FROM python:3.11-slim-bookworm\nRUN pip install \"django<5\nRUN pip install gunicorn\n",
      errors: [{ line: 2, message: "could not parse this shell code", severity: "warning" }],
    },
    {
      name: "one finding per RUN",
      code: "FROM python:3.12-slim\nRUN echo 'a && echo \"b\nRUN if true; then echo x\nRUN echo fine\n",
      errors: [{ line: 2 }, { line: 3 }],
    },
    {
      name: "for without do in a heredoc: the finding points at the for",
      code: "FROM python:3.12-slim\nRUN <<EOF\nset -e\nfor x in a; echo\nEOF\n",
      errors: [{ line: 4, column: 1, endColumn: 4 }],
    },
    {
      name: "operator without a left side over a continuation",
      code: "FROM python:3.12-slim\nRUN echo a && \\\n    || echo b\n",
      errors: [{ line: 2, column: 12, endColumn: 14 }],
    },
    {
      name: "unterminated double quote holding a lone dollar",
      code: "FROM python:3.12-slim\nRUN echo \"export PS1='\\w$ ' >> /root/.bashrc\n",
      errors: [{ line: 2, column: 10 }],
    },
    {
      name: "unclosed command substitution",
      code: "FROM python:3.12-slim\nRUN echo $(pip --version && true\n",
      errors: [{ line: 2, column: 10 }],
    },
    {
      name: "a closing keyword in command position",
      code: "FROM python:3.12-slim\nRUN echo a; fi\n",
      errors: [{ line: 2, column: 13, endColumn: 15 }],
    },
  ],
});
