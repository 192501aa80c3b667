/**
 * The 11-path mismatch taxonomy of the evaluator (rarft-reference §5.2). Data files may hold paths outside it
 * (HI-TVGBench has one "Action/SceneTransition"); readers keep them verbatim and count them as invalid.
 */
export const CATEGORY_PATHS = [
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

export type CategoryPath = (typeof CATEGORY_PATHS)[number];

const VALID = new Set<string>(CATEGORY_PATHS);

export function isValidCategory(path: string): path is CategoryPath {
  return VALID.has(path);
}
