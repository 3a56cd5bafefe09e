import type { DockerfileModel } from "../dockerfile/model.js";
import { InputError } from "../errors.js";

/**
 * `--target` names a stage the file lacks: a usage error (exit 2), as `docker build --target` fails, rather than a
 * finding. Files without any FROM are left to the syntax check.
 */
export function requireTarget(path: string, model: DockerfileModel, target: string | undefined): void {
  if (target === undefined || model.target !== undefined || model.stages.length === 0) return;
  const names = model.stages.map((s) => s.name ?? String(s.index));
  throw new InputError(`${path}: no stage named "${target}" (stages: ${names.join(", ")})`);
}
