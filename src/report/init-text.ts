import type { Fact, ProjectFacts } from "../project/facts.js";

function from<T>(fact: Fact<T>): string {
  if (fact.source === "default") return `(${fact.reason})`;
  if (fact.source === "option") return `(${fact.reason})`;
  return `(${fact.source}: ${fact.reason})`;
}

/** What init found, one line per fact with its evidence, for the terminal. */
export function explainFacts(facts: ProjectFacts, images: { base: string; builder: string }, cmd: string[]): string {
  const deps = facts.dependencies;
  const rows: Array<[string, string]> = [
    ["dependencies", `${deps.value.manager}${deps.value.lockFile ? ` with ${deps.value.lockFile}` : ""} ${from(deps)}`],
    ["python", `${facts.python.value} ${from(facts.python)}`],
    ["framework", facts.framework.value === "none" ? "none" : `${facts.framework.value} ${from(facts.framework)}`],
  ];
  if (facts.settingsModule) rows.push(["settings", `${facts.settingsModule.value} ${from(facts.settingsModule)}`]);
  if (facts.start) rows.push(["start", `${cmd.join(" ")} ${from(facts.start)}`]);
  rows.push(["http", facts.http.value ? `port ${facts.port.value} ${from(facts.port)}` : `no ${from(facts.http)}`]);
  if (facts.native.length === 0) rows.push(["native", "no system packages needed"]);
  for (const n of facts.native) rows.push(["native", `${n.distribution} (${n.source}): ${n.reason}`]);
  rows.push(["base image", images.base === images.builder ? images.base : `${images.base} (builder ${images.builder})`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return [...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`), ...facts.notes.map((n) => `  note: ${n}`)].join("\n") + "\n";
}
