/**
 * Which parameters train. `freeze` and `unfreeze` are globs over parameter names where `*` matches any run of
 * characters (dots included); a name is frozen when it matches a freeze pattern and no unfreeze pattern. The
 * default (freeze visual.*, unfreeze visual.merger.*) is the reference's fix_vit: the vision tower is frozen except
 * the patch merger, and the language model trains fully.
 */
function globToRegExp(glob: string): RegExp {
  const esc = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${esc}$`);
}

export function makeFreezePredicate(freeze: readonly string[], unfreeze: readonly string[] = []): (name: string) => boolean {
  const f = freeze.map(globToRegExp);
  const u = unfreeze.map(globToRegExp);
  return (name) => f.some((r) => r.test(name)) && !u.some((r) => r.test(name));
}

/** Splits parameter names into trainable and frozen, and says which patterns matched nothing (likely typos). */
export function partitionParams(names: readonly string[], freeze: readonly string[], unfreeze: readonly string[] = []) {
  const isFrozen = makeFreezePredicate(freeze, unfreeze);
  const unused = [...freeze, ...unfreeze].filter((p) => !names.some((n) => globToRegExp(p).test(n)));
  return { trainable: names.filter((n) => !isFrozen(n)), frozen: names.filter(isFrozen), unusedPatterns: unused };
}
