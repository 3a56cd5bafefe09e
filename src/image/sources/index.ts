import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../errors.js";
import { ArchiveSource } from "./archive.js";
import { EngineSource } from "./engine.js";
import { OciDirSource } from "./oci-dir.js";
import { RegistrySource, type RegistryOptions } from "./registry.js";
import { readFileAhead } from "./stream.js";
import type { ImageSource } from "./types.js";

/**
 * What `whittle inspect IMAGE` reads, from the argument's shape:
 *   registry://host[:port]/repo[:tag|@digest]   a registry, no engine needed
 *   docker-archive:FILE, oci-archive:FILE, FILE  a tar (`docker save`, skopeo oci-archive; gzip or zstd as a whole too)
 *   oci:DIR, DIR                                 an OCI image layout directory
 *   -                                            a tar on standard input
 *   docker-daemon:NAME, NAME                     an image in an engine (DOCKER_HOST and docker contexts honoured)
 */
export function openSource(arg: string, options: RegistryOptions = {}): ImageSource {
  if (arg === "-") return new ArchiveSource("stdin", async () => ({ chunks: process.stdin }));
  if (arg.startsWith("registry://")) return new RegistrySource(arg, options);
  if (arg.startsWith("docker://")) throw new InputError(`${arg}: use registry://host/repository:tag for a registry, or the bare name for the local engine`);
  const transport = /^(docker-archive|oci-archive|oci|docker-daemon):(.+)$/.exec(arg);
  if (transport) {
    const [, kind, rest] = transport;
    if (kind === "docker-daemon") return new EngineSource(rest);
    // skopeo allows a trailing ":reference"; the path is what matters here.
    const path = existsSync(rest) ? rest : rest.replace(/:[^/:]*$/, "");
    return kind === "oci" ? dirSource(path) : fileSource(path, kind);
  }
  if (existsSync(arg)) return statSync(arg).isDirectory() ? dirSource(arg) : fileSource(arg);
  if (/^[./~]|\.(tar|tgz|tar\.gz)$/.test(arg)) throw new InputError(`${arg}: no such file or directory`);
  return new EngineSource(arg);
}

function dirSource(dir: string): ImageSource {
  if (!existsSync(join(dir, "index.json"))) throw new InputError(`${dir}: not an OCI image layout (no index.json)`);
  return new OciDirSource(dir);
}

function fileSource(path: string, kind?: string): ImageSource {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new InputError(`${path}: not a file`);
    size = st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${path}: no such file`);
  }
  return new ArchiveSource(path, async () => ({ chunks: readFileAhead(path), size, path }), kind);
}
