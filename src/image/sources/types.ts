import type { CaptureRule, LayerLimits, LayerRecord } from "../layer-reader.js";

/** The parts of an image config (OCI / Docker) that inspection reads. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: {
    User?: string;
    Env?: string[] | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
  } | null;
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: HistoryEntry[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  empty_layer?: boolean;
  comment?: string;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface SourceLayer {
  /** Digest of the blob as stored (compressed digest for registries and OCI layouts). */
  digest?: string;
  mediaType?: string;
  record: LayerRecord;
}

/** What every source produces: the config and the layers in order, each already read once. */
export interface LoadedImage {
  /** "docker-archive", "oci-archive", "oci-layout", "engine", "registry". */
  kind: string;
  /** What the user named: a file, a directory, an image reference. */
  name: string;
  manifestDigest?: string;
  configDigest?: string;
  platform?: Platform;
  config: ImageConfig;
  layers: SourceLayer[];
}

export interface Progress {
  /** Total bytes the source expects to read, when known. */
  start(totalBytes: number | undefined): void;
  advance(bytes: number): void;
  stop(): void;
}

export interface LoadOptions {
  /** Platform to pick from a multi-platform index (default: the host's). */
  platform?: Platform;
  limits: LayerLimits;
  capture: CaptureRule;
  progress?: Progress;
}

export interface ImageSource {
  /** One line naming the source, for messages. */
  describe(): string;
  load(options: LoadOptions): Promise<LoadedImage>;
}
