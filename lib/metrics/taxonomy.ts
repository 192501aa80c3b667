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

/** Stable label order for tables: taxonomy order first, then any out-of-taxonomy GT label alphabetically. */
export function orderLabels(labels: Iterable<string>): string[] {
  const seen = new Set(labels);
  const known = MISMATCH_TAXONOMY.filter((l) => seen.has(l));
  const other = [...seen].filter((l) => !VALID.has(l)).sort();
  return [...known, ...other];
}
