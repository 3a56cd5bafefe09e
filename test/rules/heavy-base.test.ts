import heavyBase from "../../src/rules/heavy-base.js";
import { ruleTester } from "../helpers/rule-tester.js";
import { fixText } from "../../src/fix/fixer.js";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveConfig } from "../../src/config.js";
import { lint } from "../../src/lint/engine.js";
import { memoryFiles, projectContext } from "../../src/project/context.js";

ruleTester(heavyBase, {
  valid: [
    { name: "slim", code: "FROM python:3.11-slim\nCMD [\"python\"]\n" },
    { name: "slim with codename", code: "FROM python:3.11-slim-bookworm\nCMD [\"python\"]\n" },
    { name: "alpine", code: "FROM python:3.12-alpine\nCMD [\"python\"]\n" },
    {
      name: "full image in a builder stage only",
      code: "FROM python:3.11 AS build\nRUN python -m venv /opt/venv && /opt/venv/bin/pip install psycopg2\nFROM python:3.11-slim\nCOPY --from=build /opt/venv /opt/venv\n",
    },
    { name: "development target", code: "FROM python:3.11 AS dev\nCMD [\"python\"]\n" },
    { name: "windows images have no slim variant", code: "FROM python:3.12-windowsservercore-ltsc2022\nCMD [\"python\"]\n" },
    { name: "buildpack-deps curl variant has no toolchain", code: "FROM buildpack-deps:bookworm-curl\nCMD [\"sh\"]\n" },
    { name: "conda image that uses conda", code: "FROM continuumio/miniconda3:24.1.2-0\nRUN conda install -y numpy && conda clean -afy\nCMD [\"python\"]\n" },
    { name: "conda image started through conda run", code: "FROM continuumio/miniconda3\nRUN pip install --no-cache-dir flask\nCMD [\"conda\", \"run\", \"python\", \"app.py\"]\n" },
    { name: "micromamba image is small", code: "FROM mambaorg/micromamba:1.5\nRUN pip install flask\n" },
    { name: "debian with python3 but no compiler", code: "FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3 python3-pip\n" },
    { name: "ubuntu with a compiler removed in the same RUN", code: "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y python3 gcc && pip install x && apt-get purge -y gcc\n" },
    { name: "unknown base", code: "FROM mycorp/python:3.11\nCMD [\"python\"]\n" },
    { name: "distroless", code: "FROM gcr.io/distroless/python3-debian12\nCMD [\"app.py\"]\n" },
  ],
  invalid: [
    {
      name: "python:3.11",
      code: "FROM python:3.11\nCMD [\"python\"]\n",
      errors: [{ line: 1, column: 6, endColumn: 17, message: "full image" }],
    },
    {
      name: "final stage on a stage on python:3.12-bookworm",
      code: "FROM python:3.12-bookworm AS base\nENV PYTHONUNBUFFERED=1\nFROM base\nCMD [\"python\"]\n",
      errors: [{ line: 1, column: 6 }],
    },
    {
      name: "full image that compiles in the final stage",
      code: "FROM python:3.11\nRUN pip install --no-cache-dir psycopg2 && make -C /src\n",
      errors: [{ line: 1, message: "full image" }],
    },
    { name: "buildpack-deps", code: "FROM buildpack-deps:bookworm\nRUN ./configure && make\n", errors: [{ line: 1, column: 6, message: "~850 MB" }] },
    { name: "UBI s2i python", code: "FROM registry.access.redhat.com/ubi9/python-311\nRUN pip install flask\n", errors: [{ line: 1, message: "s2i" }] },
    { name: "conda image used only for pip", code: "FROM continuumio/miniconda3\nRUN pip install --no-cache-dir flask\nCMD [\"python\", \"app.py\"]\n", errors: [{ line: 1, message: "never uses conda" }] },
    { name: "anaconda", code: "FROM continuumio/anaconda3:2024.02-1\nCOPY . /app\nCMD [\"python\", \"/app/app.py\"]\n", errors: [{ line: 1 }] },
    {
      name: "ubuntu with python3 and build-essential",
      code: "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y python3 python3-pip build-essential\n",
      errors: [{ line: 1, column: 6, severity: "info" }],
    },
  ],
});

describe("heavy-base tag edits (applied as suggestions)", () => {
  const fixed = (code: string) => fixText({ path: "Dockerfile", text: code, files: {}, suggestions: true, checks: [heavyBase] }).text;
  it("turns full tags into their -slim variants", () => {
    assert.equal(fixed("FROM python:3.11\n"), "FROM python:3.11-slim\n");
    assert.equal(fixed("FROM python:3.11.9-bookworm\n"), "FROM python:3.11.9-slim-bookworm\n");
    assert.equal(fixed("FROM python:bookworm\n"), "FROM python:slim-bookworm\n");
    assert.equal(fixed("FROM python:latest\n"), "FROM python:slim\n");
    assert.equal(fixed("FROM python\n"), "FROM python:slim\n");
    assert.equal(fixed("ARG PY=3.12\nFROM python:${PY}\n"), "ARG PY=3.12\nFROM python:${PY}-slim\n");
    assert.equal(fixed("FROM docker.io/library/python:3.11 AS base\nFROM base\n"), "FROM docker.io/library/python:3.11-slim AS base\nFROM base\n");
  });
  it("leaves the tag alone when the change would break the build", () => {
    for (const code of [
      "ARG TAG=3.12-bookworm\nFROM python:${TAG}\n",
      "FROM python:3.11@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
      "FROM python:3.11\nRUN git clone https://example.com/x.git /x\n",
      "FROM python:3.11\nHEALTHCHECK CMD curl -fsS http://localhost:8000/ || exit 1\n",
      "FROM python:3.11 AS base\nFROM base AS build\nRUN pip wheel -w /w psycopg2\nFROM base\nCOPY --from=build /w /w\n",
    ]) assert.equal(fixed(code), code);
  });
});

describe("heavy-base categories", () => {
  const categories = (code: string) =>
    lint({ path: "Dockerfile", text: code, project: projectContext(undefined, memoryFiles({})), config: resolveConfig({}), checks: [heavyBase] })
      .findings.map((f) => [f.category, ...(f.alsoCategories ?? [])]);
  it("a base with compilers is also a security matter, a conda base only a size one", () => {
    assert.deepEqual(categories("FROM python:3.11\nCMD [\"python\"]\n"), [["size", "security"]]);
    assert.deepEqual(categories("FROM buildpack-deps:bookworm\nCMD [\"python3\"]\n"), [["size", "security"]]);
    assert.deepEqual(categories("FROM continuumio/miniconda3\nRUN pip install --no-cache-dir flask\n"), [["size"]]);
  });
});
