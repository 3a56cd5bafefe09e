/** A file in the image (a package database) that breaks its own format: callers note it rather than crash. */
export class FormatError extends Error {}

export function malformed(what: string): never {
  throw new FormatError(what);
}
