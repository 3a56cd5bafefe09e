import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../../errors.js";
import { blobPath, parseConfig, parseManifestDoc, resolveManifest, type Descriptor } from "./oci.js";
import { MAX_JSON_BYTES, readFileAhead, readLayer } from "./stream.js";
import type { ImageSource, LoadedImage, LoadOptions, SourceLayer } from "./types.js";

/** An OCI image layout directory (oci-layout, index.json, blobs/<alg>/<hex>). Layers are read in order. */
export class OciDirSource implements ImageSource {
  constructor(private readonly dir: string) {}

  describe(): string {
    return this.dir;
  }

  async load(options: LoadOptions): Promise<LoadedImage> {
    const where = this.dir;
    const indexPath = join(this.dir, "index.json");
    if (!existsSync(indexPath)) throw new InputError(`${where}: not an OCI image layout (no index.json)`);
    const index = await this.readJson("index.json");
    const doc = parseManifestDoc(index, `${where}: index.json`);
    const has = (d: Descriptor) => existsSync(join(this.dir, blobPath(d.digest)));
    const fetch = async (d: Descriptor) => (has(d) ? this.readJson(blobPath(d.digest)) : undefined);
    const { manifest, manifestDigest, platform } = await resolveManifest(doc, "", fetch, options.platform, `${where}: index.json`, has);
    const config = await fetch(manifest.config);
    if (!config) throw new InputError(`${where}: config ${manifest.config.digest} is missing`);
    const sizes = manifest.layers.map((d) => this.blobSize(d));
    options.progress?.start(sizes.reduce((a, b) => a + b, 0));
    const layers: SourceLayer[] = [];
    try {
      for (const [i, d] of manifest.layers.entries()) {
        const path = join(this.dir, blobPath(d.digest));
        const record = await readLayer(readFileAhead(path), `${where}: layer ${d.digest.slice(0, 19)}`, sizes[i], options);
        layers.push({ digest: d.digest, mediaType: d.mediaType, record });
      }
    } finally {
      options.progress?.stop();
    }
    return {
      kind: "oci-layout",
      name: this.dir,
      manifestDigest,
      configDigest: manifest.config.digest,
      platform,
      config: parseConfig(config, `${where}: config`),
      layers,
    };
  }

  private blobSize(d: Descriptor): number {
    try {
      return statSync(join(this.dir, blobPath(d.digest))).size;
    } catch {
      throw new InputError(`${this.dir}: layer ${d.digest} is missing`);
    }
  }

  private async readJson(rel: string): Promise<Buffer> {
    const path = join(this.dir, rel);
    const size = statSync(path).size;
    if (size > MAX_JSON_BYTES) throw new InputError(`${this.dir}: ${rel} is ${size} bytes, too large for image metadata`);
    try {
      return await readFile(path);
    } catch (err) {
      throw new InputError(`${this.dir}: cannot read ${rel} (${(err as NodeJS.ErrnoException).code})`);
    }
  }
}
