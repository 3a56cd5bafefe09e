import { z } from "zod";
import { InputError } from "../../errors.js";
import type { ImageConfig, Platform } from "./types.js";

/** OCI image index / manifest handling shared by archives, layout directories and registries. */

export const MEDIA = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerSchema1: "application/vnd.docker.distribution.manifest.v1+prettyjws",
} as const;

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

const descriptor = z.object({
  mediaType: z.string().optional(),
  digest: z.string().regex(DIGEST, "not a sha256/sha512 digest"),
  size: z.number().int().nonnegative(),
  platform: z.object({ os: z.string(), architecture: z.string(), variant: z.string().optional() }).passthrough().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  urls: z.array(z.string()).optional(),
});
export type Descriptor = z.infer<typeof descriptor>;

const indexSchema = z.object({ mediaType: z.string().optional(), manifests: z.array(descriptor) });
const manifestSchema = z.object({ mediaType: z.string().optional(), config: descriptor, layers: z.array(descriptor) });
export type OciManifest = z.infer<typeof manifestSchema>;

const configSchema = z
  .object({
    architecture: z.string().optional(),
    os: z.string().optional(),
    variant: z.string().optional(),
    created: z.string().optional(),
    config: z
      .object({
        User: z.string().optional(),
        Env: z.array(z.string()).nullable().optional(),
        Cmd: z.array(z.string()).nullable().optional(),
        Entrypoint: z.array(z.string()).nullable().optional(),
        WorkingDir: z.string().optional(),
        Labels: z.record(z.string(), z.string()).nullable().optional(),
      })
      .passthrough()
      .nullable()
      .optional(),
    rootfs: z.object({ type: z.string().optional(), diff_ids: z.array(z.string()).optional() }).passthrough().optional(),
    history: z
      .array(
        z
          .object({
            created: z.string().optional(),
            created_by: z.string().optional(),
            empty_layer: z.boolean().optional(),
            comment: z.string().optional(),
          })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();

const legacyManifestSchema = z.array(
  z.object({ Config: z.string(), RepoTags: z.array(z.string()).nullable().optional(), Layers: z.array(z.string()) }).passthrough(),
);
export type LegacyManifest = z.infer<typeof legacyManifestSchema>;

export function parseJson<T>(text: Buffer | string, where: string, schema: z.ZodType<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(typeof text === "string" ? text : text.toString("utf8"));
  } catch (err) {
    throw new InputError(`${where}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${where}: not ${what}: ${issue.path.join(".") || "document"}: ${issue.message}`);
  }
  return parsed.data;
}

export const parseConfig = (text: Buffer, where: string): ImageConfig => parseJson(text, where, configSchema, "an image config") as ImageConfig;
export const parseLegacyManifest = (text: Buffer, where: string): LegacyManifest => parseJson(text, where, legacyManifestSchema, "a docker-save manifest");

/** Index or manifest: both documents may be served from the same address, told apart by their shape. */
export type ManifestDoc = { kind: "index"; manifests: Descriptor[] } | { kind: "manifest"; manifest: OciManifest };

export function parseManifestDoc(text: Buffer, where: string): ManifestDoc {
  let value: unknown;
  try {
    value = JSON.parse(text.toString("utf8"));
  } catch (err) {
    throw new InputError(`${where}: not valid JSON (${(err as Error).message})`);
  }
  const obj = value as { mediaType?: string; schemaVersion?: number; manifests?: unknown };
  if (obj && typeof obj === "object" && (obj.mediaType === MEDIA.dockerSchema1 || obj.schemaVersion === 1)) {
    throw new InputError(`${where}: Docker schema 1 manifests are not supported (re-push the image with a current client)`);
  }
  if (obj && typeof obj === "object" && Array.isArray(obj.manifests)) {
    return { kind: "index", manifests: parseJson(text, where, indexSchema, "an image index").manifests };
  }
  return { kind: "manifest", manifest: parseJson(text, where, manifestSchema, "an image manifest") };
}

export function blobPath(digest: string): string {
  if (!DIGEST.test(digest)) throw new InputError(`invalid digest ${digest}`);
  const [alg, hex] = digest.split(":");
  return `blobs/${alg}/${hex}`;
}

const ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

export function hostPlatform(): Platform {
  return { os: "linux", architecture: ARCH[process.arch] ?? process.arch };
}

export function parsePlatform(text: string): Platform {
  const parts = text.split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) {
    throw new InputError(`--platform must look like os/arch[/variant], e.g. linux/amd64 (got "${text}")`);
  }
  return { os: parts[0], architecture: parts[1], variant: parts[2] };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}

/** Attestations and other non-image entries of an index carry no runnable platform. */
function isImageEntry(d: Descriptor): boolean {
  if (d.annotations?.["vnd.docker.reference.type"] === "attestation-manifest") return false;
  return !(d.platform?.os === "unknown" && d.platform.architecture === "unknown");
}

/**
 * Picks the manifest for a platform from index entries. With one image entry it is taken as is;
 * with several, the requested (or host) platform must match.
 */
export function selectEntry(entries: Descriptor[], wanted: Platform | undefined, where: string, available: (d: Descriptor) => boolean = () => true): Descriptor {
  const images = entries.filter((d) => isImageEntry(d) && available(d));
  if (images.length === 0) throw new InputError(`${where}: the index lists no image this source holds`);
  const platformed = images.filter((d) => d.platform);
  if (!wanted && images.length === 1) return images[0];
  const target = wanted ?? hostPlatform();
  const match = (d: Descriptor) =>
    d.platform !== undefined &&
    d.platform.os === target.os &&
    d.platform.architecture === target.architecture &&
    (target.variant === undefined || d.platform.variant === target.variant);
  const found = platformed.find(match);
  if (found) return found;
  if (platformed.length === 0 && images.length === 1) return images[0];
  const names = images.map(describeEntry).join(", ");
  if (platformed.length === 0) throw new InputError(`${where}: holds ${images.length} images (${names}); inspect one image per archive`);
  throw new InputError(`${where}: no image for ${formatPlatform(target)} (has ${names}); choose one with --platform`);
}

function describeEntry(d: Descriptor): string {
  if (d.platform) return formatPlatform(d.platform);
  return d.annotations?.["io.containerd.image.name"] ?? d.annotations?.["org.opencontainers.image.ref.name"] ?? d.digest.slice(0, 19);
}

export interface ResolvedManifest {
  manifest: OciManifest;
  manifestDigest: string;
  platform?: Platform;
}

/**
 * Follows an index (possibly nested) down to one image manifest. `fetch` returns a blob's bytes,
 * or undefined when the source does not hold it (archives often omit other platforms).
 */
export async function resolveManifest(
  doc: ManifestDoc,
  digest: string,
  fetch: (d: Descriptor) => Promise<Buffer | undefined>,
  platform: Platform | undefined,
  where: string,
  has: (d: Descriptor) => boolean = () => true,
): Promise<ResolvedManifest> {
  let current = doc;
  let currentDigest = digest;
  let chosenPlatform: Platform | undefined;
  for (let depth = 0; depth < 4; depth++) {
    if (current.kind === "manifest") return { manifest: current.manifest, manifestDigest: currentDigest, platform: chosenPlatform };
    const entry = selectEntry(current.manifests, platform, where, has);
    if (entry.platform) chosenPlatform = { os: entry.platform.os, architecture: entry.platform.architecture, variant: entry.platform.variant };
    const body = await fetch(entry);
    if (!body) throw new InputError(`${where}: manifest ${entry.digest} is not in the source`);
    current = parseManifestDoc(body, `${where}: manifest ${entry.digest.slice(0, 19)}`);
    currentDigest = entry.digest;
  }
  throw new InputError(`${where}: image indexes nested too deeply`);
}
