/**
 * Keeps a function's answers on the parsed object they are about. Models, stages, instructions and commands never
 * change once parsed, and many checks ask the same questions of them. The answer sits in a non-enumerable symbol
 * property (out of JSON and deep equality); a WeakMap would do the same but costs more on every lookup and in
 * every garbage collection. Answers are shared: callers must not change them.
 */
export function perObject<K extends object, R>(compute: (key: K) => R): (key: K) => R {
  const slot = Symbol(compute.name);
  return (key) => {
    const held = key as { [slot]?: { value: R } };
    let hit = held[slot];
    if (!hit) Object.defineProperty(key, slot, { value: (hit = { value: compute(key) }) });
    return hit.value;
  };
}

/** As perObject, for answers that also depend on a second object (the build context a file is linted with). */
export function perObjectPair<K extends object, P extends object, R>(compute: (key: K, other: P) => R): (key: K, other: P) => R {
  const slot = Symbol(compute.name);
  return (key, other) => {
    const held = key as { [slot]?: { other: P; value: R } };
    let hit = held[slot];
    if (hit?.other !== other) {
      hit = { other, value: compute(key, other) };
      if (held[slot]) held[slot] = hit;
      else Object.defineProperty(key, slot, { value: hit, writable: true });
    }
    return hit.value;
  };
}
