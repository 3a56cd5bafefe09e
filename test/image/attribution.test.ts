import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDockerfile } from "../../src/dockerfile/parse.js";
import { analyzeImage } from "../../src/image/analyze.js";
import { alignHistory, globRegex, layerInstructions, measureFindings } from "../../src/image/attribution.js";
import { parseCreatedBy } from "../../src/image/history.js";
import { LayerReader } from "../../src/image/layer-reader.js";
import type { LoadedImage } from "../../src/image/sources/types.js";
import type { Finding } from "../../src/rules/types.js";
import { bytes, configJson, layer, type FileSpec, type ImageSpec } from "../helpers/image-archive.js";

const DOCKERFILE = `FROM python:3.11-slim
ENV APP=1
RUN apt-get update && apt-get install -y curl
COPY . /app
RUN chown -R 1000 /app
RUN pip install flask
`;

const LEGACY_HISTORY = [
  { created_by: "/bin/sh -c #(nop) ADD file:4b03b5f5 in / " },
  { created_by: '/bin/sh -c #(nop)  CMD ["bash"]', empty_layer: true },
  { created_by: "/bin/sh -c #(nop)  ENV APP=1", empty_layer: true },
  { created_by: "/bin/sh -c apt-get update && apt-get install -y curl" },
  { created_by: "/bin/sh -c #(nop) COPY dir:9f1c2a in /app " },
  { created_by: "/bin/sh -c chown -R 1000 /app" },
  { created_by: "/bin/sh -c pip install flask" },
];

const BUILDKIT_HISTORY = [
  { created_by: "/bin/sh -c #(nop) ADD file:4b03b5f5 in / " },
  { created_by: '/bin/sh -c #(nop)  CMD ["bash"]', empty_layer: true },
  { created_by: "ENV APP=1", empty_layer: true },
  { created_by: "RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit" },
  { created_by: "COPY . /app # buildkit" },
  { created_by: "RUN /bin/sh -c chown -R 1000 /app # buildkit" },
  { created_by: "RUN |1 PIP_INDEX_URL=http://127.0.0.1:3141/simple /bin/sh -c pip install flask # buildkit" },
];

const app: FileSpec[] = [{ path: "app/" }, { path: "app/a.py", content: bytes(4000, 1) }, { path: "app/b.py", content: bytes(2000, 2) }];

async function loaded(history: ImageSpec["history"]): Promise<LoadedImage> {
  const spec: ImageSpec = {
    layers: [
      await layer([{ path: "usr/bin/python3.11", content: bytes(5000, 9) }]),
      await layer([{ path: "var/lib/apt/lists/deb_Packages", content: bytes(9000, 3) }, { path: "usr/bin/curl", content: bytes(1000, 4) }]),
      await layer(app),
      await layer(app.map((f) => ({ ...f, uid: 1000 }))),
      await layer([
        { path: "root/.cache/pip/http/1/2", content: bytes(7000, 5) },
        { path: "usr/local/lib/python3.11/site-packages/flask/__init__.py", content: bytes(3000, 6) },
      ]),
    ],
    history,
  };
  const layers = [];
  for (const l of spec.layers) {
    const r = new LayerReader("test", l.blob.length);
    await r.write(l.blob);
    layers.push({ record: await r.finish() });
  }
  return { kind: "test", name: "test", config: JSON.parse(configJson(spec).toString()), layers };
}

function finding(model: ReturnType<typeof parseDockerfile>, rule: string, line: number): Finding {
  const instruction = model.instructions.find((i) => i.line === line)!;
  return { rule, category: "size", severity: "warning", message: rule, span: instruction.span, instruction };
}

describe("Dockerfile <-> image join", () => {
  for (const [name, history] of [
    ["legacy builder", LEGACY_HISTORY],
    ["BuildKit", BUILDKIT_HISTORY],
  ] as const) {
    it(`maps layers to instructions (${name} history)`, async () => {
      const model = parseDockerfile("Dockerfile", DOCKERFILE);
      const analysis = analyzeImage(await loaded([...history]));
      assert.deepEqual(
        layerInstructions(analysis, model).map((i) => i?.line),
        [undefined, 3, 4, 5, 6],
      );
      const aligned = alignHistory(model, [...history]);
      assert.equal(aligned.get(model.instructions.find((i) => i.line === 2)!), 2, "ENV matches its empty-layer entry");
    });

    it(`measures what the image holds for each finding (${name} history)`, async () => {
      const model = parseDockerfile("Dockerfile", DOCKERFILE);
      const analysis = analyzeImage(await loaded([...history]));
      const measures = measureFindings(analysis, model, [
        finding(model, "package-cache", 3),
        finding(model, "chown-after-copy", 5),
        finding(model, "pip-cache", 6),
        finding(model, "python-unbuffered", 2),
      ]);
      assert.deepEqual(
        measures.map((m) => [m.finding.rule, m.placement, m.layer, m.measured?.bytes, m.measured?.paths.map((p) => p.path)]),
        [
          ["package-cache", "layer", 1, 9000, ["/var/lib/apt/lists"]],
          ["chown-after-copy", "layer", 3, 6000, ["/app"]],
          ["pip-cache", "layer", 4, 7000, ["/root/.cache/pip"]],
          ["python-unbuffered", "config", undefined, undefined, undefined],
        ],
      );
      assert.equal(measures[2].layerBytes, 10000);
    });
  }

  it("measures the base image's layers for a finding on the final FROM", async () => {
    const model = parseDockerfile("Dockerfile", DOCKERFILE);
    const analysis = analyzeImage(await loaded([...LEGACY_HISTORY]));
    const from = model.instructions[0];
    const [m] = measureFindings(analysis, model, [{ rule: "heavy-base", category: "size", severity: "warning", message: "heavy", span: from.span, instruction: from }]);
    assert.equal(m.placement, "base");
    assert.equal(m.layer, undefined);
    assert.deepEqual(m.measured && [m.measured.bytes, m.measured.files], [5000, 1]);
  });

  it("says when a finding's stage does not ship", async () => {
    const text = `FROM python:3.11 AS build\nRUN pip install flask\nFROM python:3.11-slim\n${DOCKERFILE.split("\n").slice(1).join("\n")}`;
    const model = parseDockerfile("Dockerfile", text);
    const analysis = analyzeImage(await loaded(LEGACY_HISTORY));
    const [builder, shipped] = measureFindings(analysis, model, [finding(model, "pip-cache", 2), finding(model, "pip-cache", 8)]);
    assert.equal(builder.placement, "not-shipped");
    assert.equal(builder.layer, undefined);
    assert.equal(shipped.layer, 4);
    assert.equal(shipped.measured?.bytes, 7000);
  });
});

describe("history text", () => {
  it("reads legacy, BuildKit and build-argument forms", () => {
    assert.deepEqual(parseCreatedBy("/bin/sh -c #(nop)  ENV A=1 B=2"), { keyword: "ENV", text: "A=1 B=2" });
    assert.deepEqual(parseCreatedBy("|2 A=1 B='x y' /bin/sh -c make install"), { keyword: "RUN", text: "make install" });
    assert.deepEqual(parseCreatedBy("RUN |1 X=1 /bin/sh -c pip install . # buildkit"), { keyword: "RUN", text: "pip install ." });
    assert.deepEqual(parseCreatedBy("COPY --chown=app . /app # buildkit"), { keyword: "COPY", text: "--chown=app . /app" });
    assert.deepEqual(parseCreatedBy(undefined), { keyword: "", text: "" });
  });

  it("matches directory globs at any depth", () => {
    assert.equal(globRegex("**/.cache/pip").exec("/home/app/.cache/pip/http/x")?.[1], "/home/app/.cache/pip");
    assert.equal(globRegex("/var/lib/apt/lists").exec("/var/lib/apt/lists/a")?.[1], "/var/lib/apt/lists");
    assert.equal(globRegex("**/site-packages/pip-*.dist-info").exec("/v/lib/site-packages/pip-24.0.dist-info/RECORD")?.[1], "/v/lib/site-packages/pip-24.0.dist-info");
    assert.equal(globRegex("/var/lib/apt/lists").exec("/var/lib/apt/listsx"), null);
  });
});
