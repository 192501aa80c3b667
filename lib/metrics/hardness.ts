/**
 * Hardness levels of the refusal-aware evaluation (spec §5.3, §3.4 item 7, §7 item 15).
 * The data key is `difficulty` (original/easy/medium/hard); the reference evaluator reads `hardness_level`
 * (original/weak/moderate/strong), which no file has, so its hardness table is all zeros. We FIX the mapping by
 * default: easy→weak, medium→moderate, hard→strong (the paper's 3/2/1 edited elements), original→original.
 */
export const HARDNESS_LEVELS = ['original', 'weak', 'moderate', 'strong'] as const;
export type HardnessLevel = (typeof HARDNESS_LEVELS)[number];

/** 'mapped' = our fix; 'reference' = read only `hardness_level`, reproducing the released evaluator. */
export type HardnessSource = 'mapped' | 'reference';

const DIFFICULTY_TO_LEVEL: Readonly<Record<string, HardnessLevel>> = {
  original: 'original',
  easy: 'weak',
  medium: 'moderate',
  hard: 'strong',
  weak: 'weak',
  moderate: 'moderate',
  strong: 'strong',
};

/** The level a `difficulty` / `hardness_level` name stands for (either vocabulary), or undefined when unknown. */
export function levelForName(name: string): HardnessLevel | undefined {
  return DIFFICULTY_TO_LEVEL[name];
}

export interface HardnessFields {
  gt_relevant: boolean;
  hardness_level?: string | null | undefined;
  difficulty?: string | null | undefined;
  irrelevance_level?: string | null | undefined;
}

/**
 * Level of one item. Mapped: the first non-empty of hardness_level, difficulty, irrelevance_level, mapped by name;
 * an answerable item with none of them is "original"; a refusable item with none has no level (null).
 */
export function resolveHardness(item: HardnessFields, source: HardnessSource = 'mapped'): HardnessLevel | null {
  const exact = (v: string | null | undefined) =>
    (HARDNESS_LEVELS as readonly string[]).includes(v ?? '') ? (v as HardnessLevel) : null;
  if (source === 'reference') return exact(item.hardness_level);
  for (const raw of [item.hardness_level, item.difficulty, item.irrelevance_level]) {
    const level = raw ? levelForName(raw.trim().toLowerCase()) : undefined;
    if (level) return level;
  }
  return item.gt_relevant ? 'original' : null;
}
