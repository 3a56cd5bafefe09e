import type { Stage } from "../../dockerfile/model.js";
import type { TextEdit } from "../types.js";

/** Programs the full python image has and its -slim variant lacks. */
export const FULL_IMAGE_TOOLS = new Set(["gcc", "cc", "g++", "c++", "make", "cmake", "git", "curl", "wget", "ssh", "pkg-config", "patch", "svn", "hg"]);

const DEBIAN_SUFFIX = /-(trixie|bookworm|bullseye|buster|stretch)$/;
const DEBIAN_CODENAME = /^(trixie|bookworm|bullseye|buster|stretch)$/;

/**
 * The edit that turns a stage's full python tag into its -slim variant, keeping the Python version and the Debian
 * codename: 3.11 -> 3.11-slim, 3.11-bookworm -> 3.11-slim-bookworm, bookworm -> slim-bookworm, latest -> slim.
 * Undefined when the reference is pinned by digest or a variable hides where the suffix would go.
 */
export function slimTagEdit(stage: Stage): TextEdit | undefined {
  const ref = stage.image;
  if (ref.digest || ref.raw.includes("@")) return undefined;
  const colon = ref.raw.lastIndexOf(":");
  const word = stage.from.args[0];
  if (!word || word.raw !== ref.raw) return undefined;
  if (colon < 0 || colon < ref.raw.lastIndexOf("/")) return { start: word.span.end, end: word.span.end, text: ":slim" };
  const rawTag = ref.raw.slice(colon + 1);
  const tagStart = word.span.start + colon + 1;
  if (rawTag === "latest") return { start: tagStart, end: tagStart + rawTag.length, text: "slim" };
  if (DEBIAN_CODENAME.test(rawTag)) return { start: tagStart, end: tagStart, text: "slim-" };
  const suffix = DEBIAN_SUFFIX.exec(rawTag);
  if (suffix) return { start: tagStart + suffix.index, end: tagStart + suffix.index, text: "-slim" };
  // A variable that expands to a tag with a distribution suffix cannot take "-slim" at its end.
  if (rawTag.includes("$") && DEBIAN_SUFFIX.test(ref.tag ?? "")) return undefined;
  return { start: tagStart + rawTag.length, end: tagStart + rawTag.length, text: "-slim" };
}
