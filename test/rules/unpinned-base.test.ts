import unpinnedBase from "../../src/rules/unpinned-base.js";
import { ruleTester } from "../helpers/rule-tester.js";

const DIGEST = "sha256:" + "a".repeat(64);

ruleTester(unpinnedBase, {
  valid: [
    { name: "minor version and codename", code: "FROM python:3.12-slim-bookworm\n" },
    { name: "minor version without a codename", code: "FROM python:3.12-slim\n" },
    { name: "patch release", code: "FROM python:3.12.4-alpine3.20\n" },
    { name: "digest without a tag", code: `FROM python@${DIGEST}\n` },
    { name: "floating tag, pinned by digest", code: `FROM python:3-slim@${DIGEST}\n` },
    { name: "a stage reference", code: "FROM python:3.12-slim AS base\nFROM base\n" },
    { name: "scratch", code: "FROM python:3.12-slim AS build\nFROM scratch\nCOPY --from=build /app /app\n" },
    { name: "a variable without a default", code: "ARG BASE_IMAGE\nFROM $BASE_IMAGE\n" },
    { name: "distribution releases", code: "FROM debian:bookworm-slim AS a\nFROM alpine:3.20 AS b\nFROM ubuntu:22.04 AS c\nFROM debian:12\nCOPY --from=a / /a\nCOPY --from=b / /b\nCOPY --from=c / /c\n" },
    { name: "a stage the target never builds", code: "FROM ubuntu:latest AS scratchpad\nFROM python:3.12-slim\n" },
    { name: "a private image with a release tag", code: "FROM registry.example.com/team/python-base:2024.05\n" },
    { name: "hadolint's ignore comment for DL3007", code: "# hadolint ignore=DL3007\nFROM ubuntu:latest\n" },
    { name: "ARG default that pins", code: "ARG PYTHON_VERSION=3.12\nFROM python:${PYTHON_VERSION}-slim\n" },
  ],
  invalid: [
    {
      name: "python:3",
      code: "FROM python:3\nCMD [\"python\"]\n",
      errors: [{ line: 1, column: 13, endColumn: 14, message: "python:3 names no Python minor version" }],
      suggestionOutput: "FROM python:3.12-bookworm\nCMD [\"python\"]\n",
    },
    {
      name: "no tag at all",
      code: "FROM python\n",
      errors: [{ line: 1, column: 6, endColumn: 12, message: "python has no tag, so it means :latest" }],
      suggestionOutput: "FROM python:3.12-bookworm\n",
    },
    {
      name: "python:slim takes the version of the builder stage",
      code: "FROM python:3.11-slim-bookworm AS build\nRUN pip wheel -w /w flask\nFROM python:slim\nCOPY --from=build /w /w\n",
      errors: [{ line: 3, column: 13, message: "e.g. python:3.11-slim-bookworm" }],
      suggestionOutput: "FROM python:3.11-slim-bookworm AS build\nRUN pip wheel -w /w flask\nFROM python:3.11-slim-bookworm\nCOPY --from=build /w /w\n",
    },
    {
      name: "python:alpine",
      code: "FROM python:alpine\n",
      errors: [{ line: 1, column: 13 }],
      suggestionOutput: "FROM python:3.12-alpine3.20\n",
    },
    {
      name: "the version from .python-version",
      code: "FROM python:3-slim AS runtime\n",
      files: { ".python-version": "3.10.14\n" },
      errors: [{ line: 1, column: 13, endColumn: 19 }],
      suggestionOutput: "FROM python:3.10-slim-bookworm AS runtime\n",
    },
    {
      name: "ubuntu:latest",
      code: "FROM ubuntu:latest\n",
      errors: [{ line: 1, column: 13, endColumn: 19, message: "follows :latest" }],
      suggestionOutput: "FROM ubuntu:latest\n",
    },
    {
      name: "a global ARG default that floats",
      code: "ARG PY=3\nFROM python:${PY}-slim\n",
      errors: [{ line: 2, column: 6, endColumn: 23, message: "python:3-slim names no Python minor version" }],
      suggestionOutput: "ARG PY=3\nFROM python:${PY}-slim\n",
    },
    { name: "bare alpine", code: "FROM alpine\n", errors: [{ line: 1, column: 6, message: "alpine has no tag" }] },
    { name: "alpine:3 floats", code: "FROM alpine:3\n", errors: [{ line: 1, column: 13, message: "floats across Alpine releases" }] },
    { name: "debian:stable-slim", code: "FROM debian:stable-slim\n", errors: [{ line: 1, column: 13, message: "next Debian release" }] },
    { name: "Chainguard's latest: digest advice", code: "FROM cgr.dev/chainguard/python:latest\n", errors: [{ line: 1, column: 32, message: "pin it by digest" }] },
    {
      name: "a builder stage with a platform flag",
      code: "FROM --platform=$BUILDPLATFORM python:3-slim AS build\nRUN pip wheel -w /w flask\nFROM python:3.12-slim\nCOPY --from=build /w /w\n",
      errors: [{ line: 1, column: 39 }],
      suggestionOutput: "FROM --platform=$BUILDPLATFORM python:3.12-slim-bookworm AS build\nRUN pip wheel -w /w flask\nFROM python:3.12-slim\nCOPY --from=build /w /w\n",
    },
    {
      name: "escape directive file",
      code: "# escape=`\nFROM python:3\nRUN pip install `\n    flask\n",
      errors: [{ line: 2, column: 13 }],
      suggestionOutput: "# escape=`\nFROM python:3.12-bookworm\nRUN pip install `\n    flask\n",
    },
  ],
});
