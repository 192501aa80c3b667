import type { MismatchCategory } from './categories.js';

/**
 * Word lists for rule-based hard-irrelevant edits. A swap set is a list of lexemes; a lexeme lists its forms in a fixed
 * order (verbs: base, 3rd person, -ing, past; nouns: singular, plural), so a word is replaced by the SAME form of another
 * lexeme of its set ("opens" -> "closes", "doors" -> "windows") and the sentence stays grammatical. Lists are small and
 * aimed at Charades / ActivityNet / TVGBench queries; extend them here.
 */
export type EditKind = 'actor' | 'object' | 'action' | 'colour' | 'count' | 'scene' | 'spatial' | 'sequence';

/** Each edit kind's mismatch category (the 11-path taxonomy of rarft-reference §5.2). */
export const EDIT_CATEGORY: Readonly<Record<EditKind, MismatchCategory>> = {
  actor: 'Object/ObjectExistence',
  object: 'Object/ObjectExistence',
  action: 'Action/FineGrainedAction',
  colour: 'Attribute/AttributeValue',
  count: 'Attribute/Counting',
  scene: 'Scene/SceneExistence',
  spatial: 'Object/ObjectSpatialRelation',
  sequence: 'Action/ActionSequence',
};

type Lexeme = readonly string[];

const plural = (...words: string[]): Lexeme[] => words.map((w) => [w, w.endsWith('s') || w.endsWith('sh') || w.endsWith('ch') || w.endsWith('x') ? `${w}es` : `${w}s`]);

export const SWAP_SETS: Readonly<Record<EditKind, readonly (readonly Lexeme[])[]>> = {
  actor: [
    [['person', 'people'], ['child', 'children'], ['woman', 'women'], ['man', 'men'], ['boy', 'boys'], ['girl', 'girls'], ['lady', 'ladies'], ['dog', 'dogs']],
    [['he'], ['she']],
  ],
  object: [
    [
      ...plural('door', 'window', 'cabinet', 'closet', 'refrigerator', 'book', 'laptop', 'phone', 'cup', 'bag', 'box', 'towel', 'blanket'),
      ...plural('pillow', 'sandwich', 'shoe', 'broom', 'mirror', 'picture', 'camera', 'dish', 'lamp', 'television', 'chair', 'table'),
      ...plural('bed', 'sofa', 'couch', 'desk', 'ball', 'bottle', 'knife', 'car', 'bike', 'guitar', 'horse', 'boat', 'rope', 'brush'),
      ['glass', 'glasses'],
      ['shelf', 'shelves'],
      ['light', 'lights'],
    ],
  ],
  action: [
    [['open', 'opens', 'opening', 'opened'], ['close', 'closes', 'closing', 'closed']],
    [['sit', 'sits', 'sitting', 'sat'], ['stand', 'stands', 'standing', 'stood']],
    [['eat', 'eats', 'eating', 'ate'], ['drink', 'drinks', 'drinking', 'drank']],
    [['walk', 'walks', 'walking', 'walked'], ['run', 'runs', 'running', 'ran'], ['jump', 'jumps', 'jumping', 'jumped']],
    [['hold', 'holds', 'holding', 'held'], ['throw', 'throws', 'throwing', 'threw']],
    [['take', 'takes', 'taking', 'took'], ['put', 'puts', 'putting', 'put']],
    [['laugh', 'laughs', 'laughing', 'laughed'], ['sneeze', 'sneezes', 'sneezing', 'sneezed'], ['cry', 'cries', 'crying', 'cried']],
    [['wash', 'washes', 'washing', 'washed'], ['wipe', 'wipes', 'wiping', 'wiped']],
    [['read', 'reads', 'reading', 'read'], ['write', 'writes', 'writing', 'wrote']],
    [['smile', 'smiles', 'smiling', 'smiled'], ['frown', 'frowns', 'frowning', 'frowned']],
    [['dress', 'dresses', 'dressing', 'dressed'], ['undress', 'undresses', 'undressing', 'undressed']],
    [['push', 'pushes', 'pushing', 'pushed'], ['pull', 'pulls', 'pulling', 'pulled']],
    [['play', 'plays', 'playing', 'played'], ['watch', 'watches', 'watching', 'watched']],
    [['cook', 'cooks', 'cooking', 'cooked'], ['clean', 'cleans', 'cleaning', 'cleaned'], ['tidy', 'tidies', 'tidying', 'tidied']],
    [['turn', 'turns', 'turning', 'turned'], ['tap', 'taps', 'tapping', 'tapped']],
    [['enter', 'enters', 'entering', 'entered'], ['leave', 'leaves', 'leaving', 'left']],
  ],
  colour: [[['red'], ['blue'], ['green'], ['yellow'], ['black'], ['white'], ['brown'], ['orange'], ['purple'], ['pink'], ['gray'], ['silver'], ['gold']]],
  count: [[['one'], ['two'], ['three'], ['four'], ['five'], ['six']]],
  scene: [[...plural('kitchen', 'bedroom', 'bathroom', 'garage', 'office', 'hallway', 'basement', 'pantry', 'beach', 'gym', 'park', 'street')]],
  spatial: [
    [['above'], ['below'], ['under'], ['behind'], ['beside'], ['inside'], ['outside']],
    [['left'], ['right']],
  ],
  sequence: [
    [['before'], ['after']],
    [['first'], ['last']],
  ],
};

export interface WordMatch {
  kind: EditKind;
  set: readonly Lexeme[];
  lexeme: number;
  form: number;
}

/**
 * Lower-case word -> its possible edits. A word may belong to several kinds ("left": spatial, and the past of
 * "leave"); all are kept and the generator picks one.
 */
export const WORD_INDEX: ReadonlyMap<string, readonly WordMatch[]> = (() => {
  const index = new Map<string, WordMatch[]>();
  for (const [kind, sets] of Object.entries(SWAP_SETS) as [EditKind, readonly (readonly Lexeme[])[]][]) {
    for (const set of sets) {
      set.forEach((lexeme, l) =>
        lexeme.forEach((word, form) => {
          const list = index.get(word) ?? [];
          // A word that is two forms of one lexeme ("put", "read") is indexed once, as its first form.
          if (!list.some((m) => m.set === set && m.lexeme === l)) list.push({ kind, set, lexeme: l, form });
          index.set(word, list);
        }),
      );
    }
  }
  return index;
})();
