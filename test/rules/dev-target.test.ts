import devTarget from "../../src/rules/dev-target.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(devTarget, {
  valid: [
    { name: "production last", code: "FROM python:3.12-slim AS dev\nRUN pip install pytest\nFROM python:3.12-slim AS prod\nCMD [\"gunicorn\", \"app:app\"]\n" },
    { name: "unnamed final stage", code: "FROM python:3.12-slim AS test\nFROM python:3.12-slim\n" },
    { name: "names that merely contain the letters", code: "FROM python:3.12-slim AS devices\nFROM python:3.12-slim AS latest\nFROM python:3.12-slim AS contest\n" },
    { name: "production chosen with --target", code: "FROM python:3.12-slim AS prod\nFROM prod AS dev\n", target: "prod" },
  ],
  invalid: [
    {
      name: "dev stage last",
      code: "FROM python:3.12-slim AS prod\nCMD [\"gunicorn\", \"app:app\"]\nFROM prod AS dev\nRUN pip install debugpy\n",
      errors: [{ line: 3, column: 14, endColumn: 17, message: "the default target (the last stage) \"dev\"", severity: "info" }],
    },
    {
      name: "test target chosen explicitly",
      code: "FROM python:3.12-slim AS base\nFROM base AS unit-tests\nFROM base AS prod\n",
      target: "unit-tests",
      errors: [{ line: 2, column: 14, message: "the target \"unit-tests\"" }],
    },
    {
      name: "ci and debug names",
      code: "FROM python:3.12-slim AS app\nFROM app AS ci_lint\n",
      errors: [{ line: 2, column: 13 }],
    },
    {
      name: "said once even with several dev stages",
      code: "FROM python:3.12-slim AS dev\nFROM dev AS debug\n",
      errors: [{ line: 2, column: 13 }],
    },
    {
      name: "lower-case as",
      code: "FROM python:3.12-slim as local-dev\n",
      errors: [{ line: 1, column: 26 }],
    },
  ],
});
