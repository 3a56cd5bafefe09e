/**
 * One DataView per underlying buffer, kept while calls stay on it: the chunks a reader hands out
 * are views of a few reused buffers, and a view per header or per file would be garbage by the million.
 */
let viewBuffer: ArrayBufferLike | undefined;
let view: DataView | undefined;

/** A DataView of `bytes`' whole buffer: index it at `bytes.byteOffset + i`. */
export function viewOf(bytes: Uint8Array): DataView {
  if (bytes.buffer !== viewBuffer) {
    viewBuffer = bytes.buffer;
    view = new DataView(bytes.buffer);
  }
  return view!;
}
