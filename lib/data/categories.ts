/**
 * The 11-path mismatch taxonomy lives in lib/metrics (the evaluator owns it); readers and the HI-VTG generator use the
 * same list so a category is valid in the data exactly when the evaluator accepts it.
 */
export { MISMATCH_TAXONOMY, isTaxonomyPath, type MismatchCategory } from '../metrics/taxonomy.js';
