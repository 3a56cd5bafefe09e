import { hashValues } from "./berkeley-db.js";
import { ndbBlobs } from "./rpm-ndb.js";
import { rpmPackage } from "./rpm.js";
import { readTable } from "./sqlite.js";
import { readPath, RPM_DATABASES, type ImageView } from "./view.js";

/** Operating-system facts read from the image's own databases: release, and installed packages. */

export interface OsRelease {
  id?: string;
  versionId?: string;
  prettyName?: string;
}

export interface OsPackage {
  name: string;
  version?: string;
  /** Installed size as the package database states it (dpkg records KiB; converted to bytes). */
  bytes?: number;
}

export interface OsPackages {
  manager: "dpkg" | "apk" | "rpm";
  /** null when the database exists but is not readable here (rpm's Berkeley DB, a damaged database). */
  count: number | null;
  bytes: number;
  /** Largest first. */
  packages: OsPackage[];
  note?: string;
}

export function osRelease(view: ImageView): OsRelease | undefined {
  const text = (readPath(view, "/etc/os-release") ?? readPath(view, "/usr/lib/os-release"))?.toString("utf8");
  if (!text) return undefined;
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) values[m[1]] = m[2].replace(/^(["'])(.*)\1$/, "$2");
  }
  return { id: values.ID, versionId: values.VERSION_ID, prettyName: values.PRETTY_NAME };
}

/** Blank-line separated stanzas of "Key: value" (dpkg) or "K:value" (apk) lines. */
function stanzas(text: string, separator: RegExp): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (const block of text.split(/\r?\n\s*\r?\n/)) {
    const fields: Record<string, string> = {};
    for (const line of block.split(/\r?\n/)) {
      if (/^\s/.test(line)) continue; // continuation lines (descriptions, conffiles)
      const m = separator.exec(line);
      if (m) fields[m[1]] = m[2];
    }
    if (Object.keys(fields).length) out.push(fields);
  }
  return out;
}

function summarize(manager: OsPackages["manager"], packages: OsPackage[]): OsPackages {
  packages.sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0) || (a.name < b.name ? -1 : 1));
  return { manager, count: packages.length, bytes: packages.reduce((s, p) => s + (p.bytes ?? 0), 0), packages };
}

export function osPackages(view: ImageView): OsPackages[] {
  const out: OsPackages[] = [];
  const dpkgTexts: string[] = [];
  const status = readPath(view, "/var/lib/dpkg/status");
  if (status) dpkgTexts.push(status.toString("utf8"));
  // Distroless images keep one stanza per file under status.d.
  const statusD = view.index.get("/var/lib/dpkg/status.d");
  if (statusD?.children) for (const n of statusD.children.values()) dpkgTexts.push(view.read(n)?.toString("utf8") ?? "");
  if (dpkgTexts.length) {
    const packages: OsPackage[] = [];
    for (const fields of dpkgTexts.flatMap((t) => stanzas(t, /^([A-Za-z-]+):\s*(.*)$/))) {
      if (!fields.Package) continue;
      if (fields.Status && !/\binstalled$/.test(fields.Status)) continue;
      const kib = Number(fields["Installed-Size"]);
      packages.push({ name: fields.Package, version: fields.Version, bytes: Number.isFinite(kib) ? kib * 1024 : undefined });
    }
    out.push(summarize("dpkg", packages));
  }
  const apk = readPath(view, "/lib/apk/db/installed");
  if (apk) {
    const packages = stanzas(apk.toString("utf8"), /^([A-Za-z]):(.*)$/)
      .filter((f) => f.P)
      .map((f) => ({ name: f.P, version: f.V, bytes: f.I !== undefined && Number.isFinite(Number(f.I)) ? Number(f.I) : undefined }));
    out.push(summarize("apk", packages));
  }
  const rpm = rpmPackages(view);
  if (rpm) out.push(rpm);
  return out;
}

/** The packages of the rpm database: SQLite (rpm 4.16+: RHEL 9, Fedora), ndb (SUSE), else Berkeley DB (RHEL 8 and older). */
function rpmPackages(view: ImageView): OsPackages | undefined {
  for (const db of RPM_DATABASES) {
    if (!view.index.resolve(db)) continue;
    const content = readPath(view, db);
    if (!content) return { manager: "rpm", count: null, bytes: 0, packages: [], note: `rpm database at ${db} is too large to read` };
    try {
      const headers = db.endsWith(".sqlite") ? readTable(content, "Packages").map((row) => row[1]) : db.endsWith(".db") ? ndbBlobs(content) : hashValues(content);
      const packages = headers
        .map((blob) => (Buffer.isBuffer(blob) ? rpmPackage(blob) : undefined))
        .filter((p): p is OsPackage => p !== undefined && p.name !== "gpg-pubkey");
      return summarize("rpm", packages);
    } catch (err) {
      // A database changed after its last checkpoint, or a damaged one: say so rather than list half of it.
      return { manager: "rpm", count: null, bytes: 0, packages: [], note: `rpm database at ${db} could not be read (${(err as Error).message})` };
    }
  }
  return undefined;
}
