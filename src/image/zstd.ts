/** zstd's frame magic (little-endian), at the start of a zstd stream. */
export const isZstd = (head: Uint8Array): boolean => head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd;

/**
 * fzstd allocates a frame's window (or, for a single-segment frame, its whole content) at once: what an absurd
 * declaration in the first frame header would cost, as a reason to refuse it, or undefined when it is within `limit`.
 */
export function zstdFrameProblem(head: Uint8Array, limit: number): string | undefined {
  const fhd = head[4];
  if (fhd === undefined) return undefined;
  if ((fhd & 0x20) !== 0) {
    const fcsFlag = fhd >> 6;
    const bytes = fcsFlag === 0 ? 1 : 1 << fcsFlag;
    if (head.length < 5 + bytes) return undefined;
    let size = 0;
    for (let i = bytes - 1; i >= 0; i--) size = size * 256 + head[5 + i];
    if (fcsFlag === 1) size += 256;
    return size > limit ? `zstd frame declares ${size} bytes in one segment, more than the ${limit}-byte limit` : undefined;
  }
  const wd = head[5];
  if (wd === undefined) return undefined;
  const base = 2 ** (10 + (wd >> 3));
  const window = base + (base / 8) * (wd & 7);
  return window > limit ? `zstd window of ${window} bytes exceeds the ${limit}-byte limit` : undefined;
}
