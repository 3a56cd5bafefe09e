import type { DockerfileModel, ImageRef } from "../dockerfile/model.js";
import { stagesOf } from "../dockerfile/query.js";
import type { ProjectContext } from "../project/context.js";
import { fileEditable } from "./lib/moves.js";
import { defineCheck, type Fix, type TextEdit } from "./types.js";

/** What a fix pins to when nothing in the project names a version. */
const DEFAULT_PYTHON = "3.12";
const DEFAULT_DEBIAN = "bookworm";
const DEFAULT_ALPINE = "3.20";
const CODENAMES = /^(trixie|bookworm|bullseye|buster)$/;

const DEBIAN_FLOATING = /^(stable|testing|unstable|sid|oldstable|oldoldstable|rc-buggy|experimental)(-slim)?$/;
const UBUNTU_FLOATING = /^(rolling|devel)$/;

function isDockerHub(ref: ImageRef): boolean {
  return ref.registry === undefined || ref.registry === "docker.io" || ref.registry === "index.docker.io";
}

/** Why a FROM reference floats, or undefined when it is pinned well enough. */
function floating(ref: ImageRef): { why: string; hadolint?: string } | undefined {
  const repo = ref.repository.replace(/^library\//, "");
  const tag = ref.tag;
  const name = ref.expanded;
  if (tag === undefined) return { why: `${name} has no tag, so it means :latest`, hadolint: "DL3006" };
  if (tag === "latest" || tag === "latest-dev") return { why: `${name} follows :${tag}`, hadolint: "DL3007" };
  if (!isDockerHub(ref)) return undefined;
  if (repo === "python" && !/^\d+\.\d+/.test(tag)) return { why: `${name} names no Python minor version: a rebuild can move to the next Python and break compiled dependencies` };
  if (repo === "alpine" && !/^\d+\.\d+/.test(tag)) return { why: `${name} floats across Alpine releases (musl, OpenSSL and package versions change)` };
  if (repo === "debian" && DEBIAN_FLOATING.test(tag)) return { why: `${name} moves to the next Debian release when it comes out` };
  if (repo === "ubuntu" && UBUNTU_FLOATING.test(tag)) return { why: `${name} moves with every Ubuntu release` };
  return undefined;
}

/** The Python minor version the project evidently uses: another FROM of the file, .python-version, or the default. */
function pythonVersion(file: DockerfileModel, project: ProjectContext): string {
  for (const s of file.stages) {
    const m = s.image.repository.replace(/^library\//, "") === "python" ? /^(\d+\.\d+)/.exec(s.image.tag ?? "") : null;
    if (m) return m[1];
  }
  const pinned = /^\s*(\d+\.\d+)/.exec(project.read(".python-version") ?? "");
  return pinned ? pinned[1] : DEFAULT_PYTHON;
}

/** python:3-slim -> 3.12-slim-bookworm, python:alpine -> 3.12-alpine3.20: the same variant, pinned. */
function pinnedPythonTag(tag: string | undefined, version: string): string | undefined {
  const rest = (tag === undefined || tag === "latest" ? "" : tag).replace(/^\d+(-|$)/, "");
  if (rest === "") return `${version}-${DEFAULT_DEBIAN}`;
  if (rest === "slim") return `${version}-slim-${DEFAULT_DEBIAN}`;
  const slim = /^slim-(\w+)$/.exec(rest);
  if (slim && CODENAMES.test(slim[1])) return `${version}-${rest}`;
  if (CODENAMES.test(rest)) return `${version}-${rest}`;
  if (rest === "alpine") return `${version}-alpine${DEFAULT_ALPINE}`;
  if (/^alpine\d+\.\d+$/.test(rest)) return `${version}-${rest}`;
  return undefined;
}

function pythonFix(file: DockerfileModel, project: ProjectContext, ref: ImageRef): Fix {
  const none: Fix = { kind: "suggestion", description: `pin the Python minor version and the distribution, e.g. python:${DEFAULT_PYTHON}-slim-${DEFAULT_DEBIAN}`, edits: [] };
  if (ref.raw !== ref.expanded || !fileEditable(file)) return none;
  const tag = pinnedPythonTag(ref.tag, pythonVersion(file, project));
  if (!tag) return none;
  const edit: TextEdit = ref.tagSpan ? { start: ref.tagSpan.start, end: ref.tagSpan.end, text: tag } : { start: ref.span.end, end: ref.span.end, text: `:${tag}` };
  return { kind: "suggestion", description: `pin python:${tag}`, edits: [edit] };
}

export default defineCheck({
  meta: {
    id: "unpinned-base",
    title: "Base image not pinned to a release",
    category: "security",
    severity: "warning",
    fix: "suggestion",
    hadolint: ["DL3006", "DL3007"],
    docs:
      "A FROM without a tag means :latest, and :latest, `python:3`, `python:slim`, bare `alpine` or `debian:stable` all " +
      "move: the same Dockerfile builds a different image next month, with a new Python minor version (compiled " +
      "wheels and C extensions may no longer match), a new Debian or Alpine release, or a new libc, and a rebuild " +
      "for a security patch turns into an upgrade nobody reviewed. Pin the Python minor version and the distribution " +
      "release (`python:3.12-slim-bookworm`, `alpine:3.20`, `debian:bookworm-slim`) and let patch releases flow in; " +
      "add a digest (@sha256:...) for fully reproducible builds (the only way to pin Chainguard's free images). The " +
      "suggested edit keeps the variant (slim, alpine, a Debian codename) and takes the Python version from another " +
      "FROM of the file or .python-version. Digest-pinned references, stage references, scratch and references whose " +
      "variables cannot be resolved are not reported; only stages the target builds count.",
  },
  check(ctx) {
    for (const stage of stagesOf(ctx.file, "built")) {
      const ref = stage.image;
      if (ref.stage || ref.scratch || ref.digest || ref.raw === "" || ref.expanded.includes("$")) continue;
      const verdict = floating(ref);
      if (!verdict) continue;
      const repo = ref.repository.replace(/^library\//, "");
      const chainguard = ref.registry === "cgr.dev" || repo.startsWith("chainguard/");
      const python = repo === "python" && isDockerHub(ref);
      const advice = chainguard
        ? "pin it by digest (@sha256:...)"
        : python
          ? `pin a minor version and a distribution release, e.g. python:${pinnedPythonTag(ref.tag, pythonVersion(ctx.file, ctx.project)) ?? `${DEFAULT_PYTHON}-slim-${DEFAULT_DEBIAN}`}`
          : "pin a release tag (and a digest for reproducible builds)";
      ctx.report(ref.tagSpan ?? ref.span, {
        message: `${verdict.why}; ${advice}`,
        fix: python ? pythonFix(ctx.file, ctx.project, ref) : { kind: "suggestion", description: advice, edits: [] },
        instruction: stage.from,
      });
    }
  },
});
