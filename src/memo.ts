/**
 * Keeps a function's answers beside the parsed object they are about. Models, stages, instructions and commands
 * never change once parsed, and many checks ask the same questions of them; a WeakMap lets the answers go with
 * the model. Answers are shared: callers must not change them.
 */
export function perObject<K extends object, R>(compute: (key: K) => R): (key: K) => R {
  const cache = new WeakMap<K, { value: R }>();
  return (key) => {
    let hit = cache.get(key);
    if (!hit) cache.set(key, (hit = { value: compute(key) }));
    return hit.value;
  };
}

/** As perObject, for answers that also depend on a second object (the build context a file is linted with). */
export function perObjectPair<K extends object, P extends object, R>(compute: (key: K, other: P) => R): (key: K, other: P) => R {
  const cache = new WeakMap<K, WeakMap<P, { value: R }>>();
  return (key, other) => {
    let inner = cache.get(key);
    if (!inner) cache.set(key, (inner = new WeakMap()));
    let hit = inner.get(other);
    if (!hit) inner.set(other, (hit = { value: compute(key, other) }));
    return hit.value;
  };
}
