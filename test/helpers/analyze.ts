import { analyzeImage, type Analysis } from "../../src/image/analyze.js";
import { DEFAULT_LIMITS, LayerReader } from "../../src/image/layer-reader.js";
import { captureRule } from "../../src/image/view.js";
import { configJson, layer, type FileSpec, type ImageSpec } from "./image-archive.js";

/**
 * The analysis of an image made of these layers (plain tars), each read by the LayerReader every source uses:
 * the library's path from layer bytes to report, without an archive around it.
 */
export async function analyzeLayers(layers: FileSpec[][], spec: Omit<ImageSpec, "layers"> = {}, name = "test"): Promise<Analysis> {
  const built = await Promise.all(layers.map((files) => layer(files)));
  const records = [];
  for (const b of built) {
    const reader = new LayerReader("test", b.blob.length, DEFAULT_LIMITS, captureRule);
    await reader.write(b.blob);
    records.push({ record: await reader.finish() });
  }
  const config = JSON.parse(configJson({ ...spec, layers: built }).toString());
  return analyzeImage({ kind: "test", name, config, layers: records });
}
