/**
 * The 11-path mismatch taxonomy of the RA-RFT judge (spec §5.2 stage 2). Predicted categories outside it are dropped;
 * GT categories are kept as given (HI-TVGBench has one invalid "Action/SceneTransition"), so they still enlarge the
 * Jaccard union as in the reference.
 */
export const MISMATCH_TAXONOMY = [
  'Action/ActionSequence',
  'Action/FineGrainedAction',
  'Object/ObjectExistence',
  'Object/ObjectPartRelation',
  'Object/ObjectSpatialRelation',
  'Object/ObjectMoving',
  'Scene/SceneTransition',
  'Scene/SceneExistence',
  'Attribute/AttributeValue',
  'Attribute/Counting',
  'Attribute/Comparison',
] as const;

export type MismatchCategory = (typeof MISMATCH_TAXONOMY)[number];

const VALID = new Set<string>(MISMATCH_TAXONOMY);

export function isTaxonomyPath(path: string): path is MismatchCategory {
  return VALID.has(path);
}

/** Keeps only valid paths, deduplicated, in first-seen order (the judge may repeat a label). */
export function keepTaxonomyPaths(paths: readonly string[]): MismatchCategory[] {
  return [...new Set(paths.map((p) => p.trim()))].filter(isTaxonomyPath);
}

/** |P ∩ G| / |P ∪ G| over category sets; 1.0 when both are empty (reference convention). */
export function categoryJaccard(pred: readonly string[], gt: readonly string[]): number {
  const p = new Set(pred), g = new Set(gt);
  if (p.size === 0 && g.size === 0) return 1;
  let inter = 0;
  for (const x of p) if (g.has(x)) inter += 1;
  return inter / (p.size + g.size - inter);
}

/**
 * The reference's label space: the taxonomy sorted as Python's `sorted()` sorts it (code-point order), which is the
 * order of every per-label table in its metrics.json.
 */
export const REFERENCE_LABELS: readonly MismatchCategory[] = [...MISMATCH_TAXONOMY].sort();

/**
 * The keys of a per-label table: every reference label, zeros included, in the reference's order; then, unless
 * `referenceOnly`, the out-of-taxonomy GT labels that occur (sorted) as extra keys after them. The reference drops such
 * labels from its tables (its label space is the taxonomy); HI-TVGBench has one ("Action/SceneTransition").
 */
export function tableLabels(seen: Iterable<string>, referenceOnly: boolean): string[] {
  if (referenceOnly) return [...REFERENCE_LABELS];
  const extra = [...new Set(seen)].filter((l) => !VALID.has(l)).sort();
  return [...REFERENCE_LABELS, ...extra];
}
