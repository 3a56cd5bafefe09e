/** 512-byte ustar header blocks, written by hand so tests and benches control every field the reader checks. */
export const BLOCK = 512;

export interface HeaderFields {
  /** Octal permission bits (default 0o644). */
  mode?: number;
  uid?: number;
  gid?: number;
  /** POSIX's prefix field, joined before the name with a slash. */
  prefix?: string;
}

export function ustarHeader(name: string, size: number, type: string, fields: HeaderFields = {}): Buffer {
  const octal = (n: number, width: number) => `${n.toString(8).padStart(width, "0")}\0`;
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, "utf8");
  h.write(octal(fields.mode ?? 0o644, 7), 100, "latin1");
  h.write(octal(fields.uid ?? 0, 7), 108, "latin1");
  h.write(octal(fields.gid ?? 0, 7), 116, "latin1");
  h.write(octal(size, 11), 124, "latin1");
  h.write("00000000000\0", 136, "latin1");
  h.write("        ", 148, "latin1");
  h.write(type, 156, "latin1");
  h.write("ustar\0" + "00", 257, "latin1");
  if (fields.prefix) h.write(fields.prefix, 345, 155, "utf8");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return h;
}
