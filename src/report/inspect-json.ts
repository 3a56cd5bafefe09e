import type { Instruction } from "../dockerfile/model.js";
import type { ImageReport } from "../image/analyze.js";
import type { FindingMeasure } from "../image/attribution.js";
import type { ImageDiff } from "../image/diff.js";
import type { GateResult } from "../image/gate.js";
import type { WasteItem } from "../image/waste.js";
import type { SourceText } from "../text/source.js";

/** What `whittle inspect` reports, joined to a Dockerfile and judged by the gate when asked. */
export interface InspectOutput {
  report: ImageReport;
  dockerfile?: {
    path: string;
    source: SourceText;
    /** Per layer, the instruction that produced it. */
    layers: Array<Instruction | undefined>;
    measures: FindingMeasure[];
  };
  gate?: GateResult;
  /** With --baseline: what changed since that image. */
  diff?: ImageDiff;
}

export interface InspectJsonLayer {
  index: number;
  digest: string | null;
  diffId: string | null;
  bytes: number;
  tarBytes: number;
  blobBytes: number;
  compression: string;
  command: string;
  created: string | null;
  files: { added: number; modified: number; removed: number; hardlinks: number; symlinks: number };
  wasteBytes: number;
  instruction?: { line: number; keyword: string } | null;
}

export interface InspectJsonFinding {
  rule: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  /** The layer its instruction produced; null when the instruction ships no layer or was not found in the history. */
  layer: number | null;
  /** "layer", "config" (ENV, CMD...: no layer), "base" (the final FROM), "unmatched" (not in the history), "not-shipped". */
  placement: string;
  ships: boolean;
  estimate: { bytes?: number; seconds?: number; basis: string } | null;
  /** What the image really holds for it; null when the check names nothing to measure. */
  measured: { bytes: number; files: number; paths: Array<{ path: string; bytes: number }>; basis: string } | null;
}

/** The versioned JSON document of `whittle inspect --format json` (schema in the README). */
export interface InspectJson {
  version: 1;
  image: {
    source: string;
    name: string;
    platform: string | null;
    manifestDigest: string | null;
    configDigest: string | null;
    os: { id: string | null; versionId: string | null; prettyName: string | null } | null;
  };
  totalBytes: number;
  tarBytes: number;
  blobBytes: number;
  layers: InspectJsonLayer[];
  waste: {
    bytes: number;
    hiddenBytes: number;
    avoidableBytes: number;
    duplicateBytes: number;
    byKind: Record<string, number>;
    items: Array<{ path: string; bytes: number; kind: string; layer: number; files: number; by?: number; sameAs?: string }>;
  };
  efficiency: number;
  dive: {
    efficiency: number;
    wastedBytes: number;
    userWastedPercent: number | null;
    sizeBytes: number;
    userSizeBytes: number;
    inefficiencies: Array<{ path: string; bytes: number; count: number }>;
  };
  python: ImageReport["python"];
  packages: ImageReport["packages"];
  user: { configured: string; uid: number | null; root: boolean; note?: string };
  compilers: ImageReport["compilers"];
  config: { entrypoint: string[] | null; cmd: string[] | null; workdir: string | null };
  dockerfile?: { path: string; findings: InspectJsonFinding[] };
  gate?: GateResult;
  baseline?: ImageDiff;
}

const DIVE_TOP = 20;

function item(i: WasteItem): InspectJson["waste"]["items"][number] {
  return {
    path: i.path,
    bytes: i.bytes,
    kind: i.kind,
    layer: i.layer,
    files: i.files,
    ...(i.by !== undefined ? { by: i.by } : {}),
    ...(i.sameAs !== undefined ? { sameAs: i.sameAs } : {}),
  };
}

export function inspectToJson(out: InspectOutput): InspectJson {
  const { report: r, dockerfile } = out;
  const doc: InspectJson = {
    version: 1,
    image: {
      source: r.source.kind,
      name: r.source.name,
      platform: r.source.platform ?? null,
      manifestDigest: r.source.manifestDigest ?? null,
      configDigest: r.source.configDigest ?? null,
      os: r.os ? { id: r.os.id ?? null, versionId: r.os.versionId ?? null, prettyName: r.os.prettyName ?? null } : null,
    },
    totalBytes: r.totalBytes,
    tarBytes: r.tarBytes,
    blobBytes: r.blobBytes,
    layers: r.layers.map((l) => {
      const ins = dockerfile?.layers[l.index];
      return {
        index: l.index,
        digest: l.digest ?? null,
        diffId: l.diffId ?? null,
        bytes: l.bytes,
        tarBytes: l.tarBytes,
        blobBytes: l.blobBytes,
        compression: l.compression,
        command: l.command,
        created: l.created ?? null,
        files: { added: l.changes.added, modified: l.changes.modified, removed: l.changes.removed, hardlinks: l.changes.hardlinks, symlinks: l.changes.symlinks },
        wasteBytes: l.wasteBytes,
        ...(dockerfile ? { instruction: ins ? { line: ins.line, keyword: ins.keyword } : null } : {}),
      };
    }),
    waste: {
      bytes: r.waste.bytes,
      hiddenBytes: r.waste.hiddenBytes,
      avoidableBytes: r.waste.avoidableBytes,
      duplicateBytes: r.waste.duplicateBytes,
      byKind: r.waste.byKind as Record<string, number>,
      items: r.waste.items.map(item),
    },
    efficiency: r.dive.efficiency,
    dive: {
      efficiency: r.dive.efficiency,
      wastedBytes: r.dive.wastedBytes,
      userWastedPercent: r.dive.userWastedPercent,
      sizeBytes: r.dive.sizeBytes,
      userSizeBytes: r.dive.userSizeBytes,
      inefficiencies: r.dive.inefficiencies.slice(0, DIVE_TOP).map((i) => ({ path: i.path, bytes: i.cumulativeBytes, count: i.count })),
    },
    python: r.python,
    packages: r.packages,
    user: { configured: r.user.configured, uid: r.user.uid ?? null, root: r.user.root, ...(r.user.note ? { note: r.user.note } : {}) },
    compilers: r.compilers,
    config: { entrypoint: r.config.entrypoint ?? null, cmd: r.config.cmd ?? null, workdir: r.config.workdir || null },
  };
  if (dockerfile) {
    doc.dockerfile = {
      path: dockerfile.path,
      findings: dockerfile.measures.map((m) => {
        const pos = dockerfile.source.positionAt(m.finding.span.start);
        return {
          rule: m.finding.rule,
          severity: m.finding.severity,
          message: m.finding.message,
          line: pos.line,
          column: pos.column,
          layer: m.layer ?? null,
          placement: m.placement,
          ships: m.ships,
          estimate: m.finding.impact ?? null,
          measured: m.measured ?? null,
        };
      }),
    };
  }
  if (out.gate) doc.gate = out.gate;
  if (out.diff) doc.baseline = out.diff;
  return doc;
}
