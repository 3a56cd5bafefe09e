/**
 * Python version constraints (PEP 440 specifiers, Poetry's caret/tilde forms) evaluated at the granularity an image
 * tag offers: a minor version such as 3.12 fits a constraint when some patch release of it does.
 */

/** Minor versions with official python:<X.Y>-slim-bookworm images, oldest first. */
export const PYTHON_MINORS = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"];
export const DEFAULT_PYTHON = "3.12";

type Version = number[];
type Clause = (v: Version) => boolean;

function parseVersion(text: string): Version | undefined {
  if (!/^\d+(\.\d+)*$/.test(text)) return undefined;
  return text.split(".").map(Number);
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const prefixMatch = (v: Version, prefix: Version) => prefix.every((p, i) => (v[i] ?? 0) === p);

function bump(v: Version, index: number): Version {
  const out = v.slice(0, index + 1);
  out[index] += 1;
  return out;
}

/** One clause, or undefined when it is not understood. */
function clause(raw: string): Clause | undefined {
  const text = raw.trim();
  if (text === "*" || text === "") return () => true;
  const m = /^(===|==|!=|~=|>=|<=|>|<|\^|~)?\s*v?([\d.]+(?:\.\*)?)$/.exec(text);
  if (!m) return undefined;
  const op = m[1] ?? "==";
  const wildcard = m[2].endsWith(".*");
  const v = parseVersion(wildcard ? m[2].slice(0, -2) : m[2]);
  if (!v) return undefined;
  switch (op) {
    case "==":
    case "===":
      // A bare "3.10" in Poetry, or "==3.10.*": any release of that line. "==3.10" in PEP 440 is 3.10.0 exactly.
      return wildcard || (m[1] === undefined) ? (x) => prefixMatch(x, v) : (x) => compare(x, v) === 0;
    case "!=":
      return wildcard ? (x) => !prefixMatch(x, v) : (x) => compare(x, v) !== 0;
    case ">=":
      return (x) => compare(x, v) >= 0;
    case "<=":
      return (x) => compare(x, v) <= 0;
    case ">":
      return (x) => compare(x, v) > 0;
    case "<":
      return (x) => compare(x, v) < 0;
    case "~=": {
      if (v.length < 2) return undefined;
      const upper = bump(v, v.length - 2);
      return (x) => compare(x, v) >= 0 && compare(x, upper) < 0;
    }
    case "^": {
      const first = v.findIndex((n) => n !== 0);
      const upper = bump(v, first === -1 ? v.length - 1 : first);
      return (x) => compare(x, v) >= 0 && compare(x, upper) < 0;
    }
    case "~": {
      const upper = bump(v, v.length >= 2 ? 1 : 0);
      return (x) => compare(x, v) >= 0 && compare(x, upper) < 0;
    }
  }
  return undefined;
}

/** A whole constraint: `||` alternatives of clauses joined by commas (PEP 440) or spaces (Poetry). */
export function parseConstraint(constraint: string): ((version: string) => boolean) | undefined {
  const alternatives: Clause[][] = [];
  for (const alt of constraint.split("||")) {
    const parts = alt
      .trim()
      .replace(/(===|==|!=|~=|>=|<=|>|<|\^|~)\s+/g, "$1")
      .split(/\s*,\s*|\s+/)
      .filter((p) => p !== "");
    const clauses = parts.map(clause);
    if (clauses.some((c) => c === undefined)) return undefined;
    alternatives.push(clauses as Clause[]);
  }
  return (version) => {
    const v = parseVersion(version);
    return v !== undefined && alternatives.some((alt) => alt.every((c) => c(v)));
  };
}

/** Minor versions (of PYTHON_MINORS) that some patch release of which satisfies the constraint. */
export function minorsAllowed(constraint: string): string[] | undefined {
  const test = parseConstraint(constraint);
  if (!test) return undefined;
  return PYTHON_MINORS.filter((minor) => {
    for (let patch = 0; patch <= 30; patch++) if (test(`${minor}.${patch}`)) return true;
    return false;
  });
}

/**
 * The image minor version for a constraint: the default when it fits, else the newest one that does (an upper bound
 * below the default), else the oldest (a lower bound above it). Undefined when the constraint is not understood or
 * no known minor fits.
 */
export function pickMinor(constraint: string): string | undefined {
  const allowed = minorsAllowed(constraint);
  if (!allowed || allowed.length === 0) return undefined;
  if (allowed.includes(DEFAULT_PYTHON)) return DEFAULT_PYTHON;
  const below = allowed.filter((m) => compare(parseVersion(m)!, parseVersion(DEFAULT_PYTHON)!) < 0);
  return below.length ? below[below.length - 1] : allowed[0];
}

/** "3.11.4", "python-3.11.4", "3.11", "cpython@3.11" -> "3.11"; undefined for anything else (pypy, "system"). */
export function minorOf(text: string): string | undefined {
  const m = /^(?:python-?|cpython-?|cpython@)?(\d+)\.(\d+)(?:\.\d+)?(?:[a-z]+\d*)?$/i.exec(text.trim());
  return m ? `${m[1]}.${m[2]}` : undefined;
}
