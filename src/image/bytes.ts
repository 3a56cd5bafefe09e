/**
 * One DataView per chunk, kept while calls stay on it: headers and file contents are read from the
 * same few chunks in turn, and a view per header or per file would be garbage by the million.
 * (Keyed by the chunk itself: reading a typed array's `buffer` on every call measured slower.)
 */
let viewed: Uint8Array | undefined;
let view: DataView | undefined;

/** A DataView of `bytes`, indexed like `bytes` itself. */
export function viewOf(bytes: Uint8Array): DataView {
  if (bytes !== viewed) {
    viewed = bytes;
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return view!;
}
