import type { ImageRef, Stage } from "../../dockerfile/model.js";
import { perObject } from "../../memo.js";

/**
 * What whittle knows about well-known base images. Unknown images get `known: false`: checks then prefer silence or
 * "unknown" to a guess.
 */
export interface BaseImageFacts {
  known: boolean;
  family:
    | "python"
    | "debian"
    | "ubuntu"
    | "alpine"
    | "rhel"
    | "distroless"
    | "chainguard"
    | "lambda"
    | "conda"
    | "buildpack-deps"
    | "scratch"
    | "unknown";
  /** python:3.11 is "full", python:3.11-slim "slim", python:3.11-alpine "alpine". */
  variant?: "full" | "slim" | "alpine" | "minimal";
  /** "3.11" when the tag names a minor version. */
  pythonVersion?: string;
  libc?: "glibc" | "musl";
  /** The image's default user is not root. */
  nonRootByDefault: boolean;
  /** A compiler toolchain ships with the image. */
  toolchain: boolean;
  hasCurl: boolean;
  hasWget: boolean;
  /** Users the image is known to define besides root. */
  users: string[];
  packageManager?: "apt" | "apk" | "yum" | "dnf" | "microdnf" | "zypper";
}

const UNKNOWN: BaseImageFacts = {
  known: false,
  family: "unknown",
  nonRootByDefault: false,
  toolchain: false,
  hasCurl: false,
  hasWget: false,
  users: [],
};

const BASE_USERS = ["root", "daemon", "bin", "sys", "nobody", "www-data"];

function pythonFacts(tag: string): BaseImageFacts {
  const version = /^(\d+\.\d+)/.exec(tag)?.[1];
  const alpine = /alpine/.test(tag);
  const slim = /slim/.test(tag);
  return {
    known: true,
    family: "python",
    variant: alpine ? "alpine" : slim ? "slim" : "full",
    pythonVersion: version,
    libc: alpine ? "musl" : "glibc",
    nonRootByDefault: false,
    toolchain: !alpine && !slim,
    hasCurl: !alpine && !slim,
    hasWget: !slim,
    users: alpine ? [...BASE_USERS, "nogroup", "guest"] : BASE_USERS,
    packageManager: alpine ? "apk" : "apt",
  };
}

/** Facts about the image a FROM names; for FROM <stage>, the facts of the stage's own base. */
// Every check that looks at a base image asks about the same few references.
export const baseImageFacts: (ref: ImageRef) => BaseImageFacts = perObject(imageFacts);

function imageFacts(ref: ImageRef): BaseImageFacts {
  if (ref.stage) return baseImageFacts(ref.stage.image);
  if (ref.scratch) return { ...UNKNOWN, known: true, family: "scratch" };
  const repo = ref.repository.replace(/^library\//, "");
  const tag = ref.tag ?? "latest";
  const registry = ref.registry ?? "";
  if (repo === "python" || repo === "docker.io/python") return pythonFacts(tag);
  if (registry.includes("gcr.io") && repo.startsWith("distroless/")) {
    return { ...UNKNOWN, known: true, family: "distroless", libc: "glibc", nonRootByDefault: /nonroot/.test(tag), users: ["root", "nonroot"], pythonVersion: repo.includes("python3") ? undefined : undefined };
  }
  if (registry === "cgr.dev" || repo.startsWith("chainguard/")) {
    const dev = /-dev$/.test(tag) || tag === "latest-dev";
    return { ...UNKNOWN, known: true, family: "chainguard", libc: "glibc", nonRootByDefault: true, users: ["root", "nonroot"], toolchain: false, hasWget: dev, packageManager: dev ? "apk" : undefined };
  }
  if (registry === "public.ecr.aws" && repo.startsWith("lambda/")) {
    return { ...UNKNOWN, known: true, family: "lambda", libc: "glibc", nonRootByDefault: true, pythonVersion: /^(\d+\.\d+)/.exec(tag)?.[1], packageManager: "dnf" };
  }
  if (repo === "debian") return { ...UNKNOWN, known: true, family: "debian", variant: /slim/.test(tag) ? "slim" : "full", libc: "glibc", users: BASE_USERS, packageManager: "apt" };
  if (repo === "ubuntu") return { ...UNKNOWN, known: true, family: "ubuntu", libc: "glibc", users: [...BASE_USERS, "ubuntu"], packageManager: "apt" };
  if (repo === "alpine") return { ...UNKNOWN, known: true, family: "alpine", variant: "alpine", libc: "musl", hasWget: true, users: [...BASE_USERS, "guest"], packageManager: "apk" };
  if (repo === "buildpack-deps") return { ...UNKNOWN, known: true, family: "buildpack-deps", libc: "glibc", toolchain: !/curl|scm/.test(tag), hasCurl: true, hasWget: true, users: BASE_USERS, packageManager: "apt" };
  if (/^(continuumio\/(ana|mini)?conda3?|condaforge\/(miniforge3|mambaforge)|mambaorg\/micromamba)$/.test(repo)) {
    return { ...UNKNOWN, known: true, family: "conda", libc: "glibc", hasWget: repo.startsWith("continuumio"), users: repo.startsWith("mambaorg") ? ["root", "mambauser"] : BASE_USERS, nonRootByDefault: repo.startsWith("mambaorg"), packageManager: "apt" };
  }
  if (/^(ubi\d*\/|rhel\d*\/|rockylinux|almalinux|centos|fedora|amazonlinux|oraclelinux)/.test(repo) || repo === "rockylinux/rockylinux") {
    const minimal = /minimal|micro/.test(repo);
    const s2i = /python-\d+/.test(repo);
    return {
      ...UNKNOWN,
      known: true,
      family: "rhel",
      variant: minimal ? "minimal" : s2i ? "full" : undefined,
      libc: "glibc",
      nonRootByDefault: s2i,
      toolchain: s2i,
      hasCurl: !/micro/.test(repo),
      users: s2i ? ["root", "default"] : ["root", "nobody"],
      packageManager: minimal ? "microdnf" : /centos:?7|centos$/.test(repo) && tag.startsWith("7") ? "yum" : "dnf",
      pythonVersion: /python-(\d)(\d+)/.exec(repo)?.slice(1, 3).join("."),
    };
  }
  return UNKNOWN;
}

export function stageBaseFacts(stage: Stage): BaseImageFacts {
  return baseImageFacts(stage.image);
}
