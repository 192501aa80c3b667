/**
 * The similarity service the explain/correction reward needs. Implemented elsewhere (SBERT all-MiniLM-L6-v2 in
 * lib/sbert/); the rewards only ever see this interface, so tests can inject a table of known cosines.
 */
export interface SentenceEncoder {
  /**
   * Cosine similarity of each (a, b) pair, in order. The rewards put every pair of one reward call into ONE call,
   * as the reference encodes all texts of a call in a single batch.
   */
  similarity(pairs: ReadonlyArray<readonly [string, string]>): Promise<number[]>;
}
