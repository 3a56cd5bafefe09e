import unknownUser from "../../src/rules/unknown-user.js";
import { ruleTester } from "../helpers/rule-tester.js";

ruleTester(unknownUser, {
  valid: [
    { name: "useradd then USER and --chown", code: "FROM python:3.12-slim\nRUN useradd --uid 10001 --create-home app\nCOPY --chown=app:app . /app\nUSER app\n" },
    { name: "numeric ids", code: "FROM python:3.12-slim\nCOPY --chown=10001:10001 . /app\nUSER 10001:10001\n" },
    { name: "Alpine adduser -D with group", code: "FROM python:3.12-alpine\nRUN addgroup -S app && adduser -S -G app app\nUSER app:app\n" },
    { name: "base users", code: "FROM python:3.12-slim\nRUN chown -R www-data:www-data /var/www\nUSER nobody:nogroup\n" },
    { name: "distroless nonroot", code: "FROM gcr.io/distroless/python3-debian12\nCOPY --chown=nonroot:nonroot app /app\nUSER nonroot\n" },
    { name: "created in a parent stage", code: "FROM python:3.12-slim AS base\nRUN groupadd -r app && useradd -r -g app app\nFROM base\nUSER app\n" },
    { name: "unknown base", code: "FROM corp/python:3.12\nUSER app\n" },
    { name: "account from a variable", code: "FROM python:3.12-slim\nARG NAME\nRUN useradd $NAME\nUSER worker\n" },
    { name: "passwd written directly", code: "FROM python:3.12-slim\nRUN echo 'app:x:1000:1000::/app:/bin/sh' >> /etc/passwd\nUSER app\n" },
    { name: "variables are not resolved", code: "FROM python:3.12-slim\nUSER $APP_USER\n" },
    { name: "bundled flags with a shell path", code: "FROM alpine:3.20\nRUN adduser -Ds /bin/sh app && useradd -ms /bin/bash other\nUSER app\nRUN chown other /srv\n" },
    { name: "created in the same RUN that chowns", code: "FROM python:3.12-slim\nRUN useradd app && chown app /srv\n" },
    { name: "Debian adduser --system --group", code: "FROM debian:bookworm-slim\nRUN adduser --system --group --home /srv svc\nRUN chgrp svc /srv && chown svc /srv\nUSER svc\n" },
  ],
  invalid: [
    {
      name: "USER never created",
      code: "FROM python:3.12-slim\nUSER app\n",
      errors: [{ line: 2, column: 6, endColumn: 9, message: "the user \"app\"" }],
    },
    {
      name: "COPY --chown group unknown",
      code: "FROM python:3.12-slim\nRUN useradd app\nCOPY --chown=app:www . /app\n",
      errors: [{ line: 3, column: 18, endColumn: 21, message: "the group \"www\"" }],
    },
    {
      name: "RUN chown in a heredoc",
      code: "FROM debian:bookworm-slim\nRUN <<EOF\nset -e\nchown -R django:django /srv\nEOF\n",
      errors: [{ line: 4, column: 10 }, { line: 4, column: 17 }],
    },
    {
      name: "created in another, unrelated stage",
      code: "FROM python:3.12-slim AS build\nRUN useradd app\nFROM python:3.12-slim\nCOPY --from=build /app /app\nUSER app\n",
      errors: [{ line: 5, column: 6 }],
    },
    {
      name: "scratch has no users at all",
      code: "FROM scratch\nCOPY app /app\nUSER nobody\n",
      errors: [{ line: 3, column: 6 }],
    },
    {
      name: "COPY --chown before the RUN that creates the account",
      code: "FROM python:3.12-slim\nCOPY --from=build --chown=app:app /app /app\nRUN groupadd -r app && useradd -r -g app app\nUSER app\n",
      errors: [
        { line: 2, column: 27, endColumn: 30, message: "the user \"app\"" },
        { line: 2, column: 31, endColumn: 34, message: "the group \"app\"" },
      ],
    },
    {
      name: "USER before the account exists",
      code: "FROM python:3.12-slim AS base\nUSER app\nFROM base\nRUN useradd app\n",
      errors: [{ line: 2, column: 6 }],
    },
    {
      name: "chown earlier in the RUN that creates the account",
      code: "FROM python:3.12-slim\nRUN chown app /srv && useradd app\n",
      errors: [{ line: 2, column: 11 }],
    },
    {
      name: "adduser with two names only adds a member",
      code: "FROM alpine:3.20\nRUN adduser app wheel\nUSER app\n",
      errors: [{ line: 3, column: 6 }],
    },
  ],
});
