/**
 * Judge prompts for the three LLM stages of the RA-RFT evaluation (spec §5.2). They are OUR wording, written from the
 * spec's rubric summaries; the reference's verbatim prompts are not reproduced, so judge scores are comparable in
 * intent, not byte-for-byte. Bump PROMPT_VERSION on any edit: it is part of the cache key.
 */
import type { ChatMessage } from './chat-client.js';

export const PROMPT_VERSION = 'rarft-judge-v1';

const RELEVANCE_SYSTEM = `You evaluate answers of a video temporal grounding model. The model was asked whether a video contains a segment matching a text query and, if so, when. You see only the model's final answer, not the video.

Classify the answer:
- 'irrelevant' if it explicitly or implicitly says the query does not match the video (no such segment, the event never happens, an object, action, attribute or scene in the query is absent or different).
- 'relevant' otherwise.
Decide on the meaning of the answer, not on whether numbers appear: a refusal that mentions times is still 'irrelevant'.

If 'relevant', give the single best-supported time interval in seconds as [start, end], or None if no interval can be read from the answer. If 'irrelevant', the span is None.

Reply with exactly one Python dict literal and nothing else:
{'classification': 'relevant', 'span': [12.5, 17.8]}
{'classification': 'irrelevant', 'span': None}`;

export function relevancePrompt(answerText: string): ChatMessage[] {
  return [
    { role: 'system', content: RELEVANCE_SYSTEM },
    { role: 'user', content: `Answer:\n${answerText}` },
  ];
}

/** One line per path: what mismatches, and a minimal contrast (query vs video). */
export const CATEGORY_DEFINITIONS: Record<string, string> = {
  'Action/ActionSequence': 'the actions happen in a different order (query: opens the door then sits; video: sits then opens the door)',
  'Action/FineGrainedAction': 'a different action or manner of action (query: throws the pillow; video: holds the pillow)',
  'Object/ObjectExistence': 'an object in the query does not appear (query: drinks from a cup; video: no cup, drinks from a bottle)',
  'Object/ObjectPartRelation': 'the wrong part of an object or body is involved (query: touches the door handle; video: touches the door frame)',
  'Object/ObjectSpatialRelation': 'objects are placed differently relative to each other (query: book on the table; video: book under the table)',
  'Object/ObjectMoving': 'an object moves differently or not at all (query: the ball rolls away; video: the ball stays still)',
  'Scene/SceneTransition': 'the change of place or shot differs (query: walks from the kitchen into the garden; video: stays in the kitchen)',
  'Scene/SceneExistence': 'the place or setting in the query does not appear (query: in a bathroom; video: in a bedroom)',
  'Attribute/AttributeValue': 'a property differs: color, size, material, state (query: red shirt; video: blue shirt)',
  'Attribute/Counting': 'the number of people or objects differs (query: three people; video: two people)',
  'Attribute/Comparison': 'a comparison between entities is wrong (query: the taller man; video: the man is shorter)',
};

const CATEGORY_SYSTEM = `You read a video grounding model's explanation of why a query does not match a video, and label WHICH kinds of mismatch the explanation states. Use only these labels (multi-label; choose every label the explanation supports, none that it does not):

${Object.entries(CATEGORY_DEFINITIONS)
  .map(([path, def]) => `- ${path}: ${def}`)
  .join('\n')}

Reply with exactly one JSON array of label strings and nothing else, e.g. ["Object/ObjectExistence"]. Reply [] if no label applies.`;

const CATEGORY_EXAMPLES: [string, string][] = [
  ['The person is holding a phone, but there is no laptop anywhere in the room.', '["Object/ObjectExistence"]'],
  ['The man sits down first and only afterwards turns on the light; he also wears a grey jacket, not a black one.', '["Action/ActionSequence", "Attribute/AttributeValue"]'],
  ['Only one person appears, and they are in a garage rather than a kitchen.', '["Attribute/Counting", "Scene/SceneExistence"]'],
];

export function categoryPrompt(reasoningText: string): ChatMessage[] {
  return [
    { role: 'system', content: CATEGORY_SYSTEM },
    ...CATEGORY_EXAMPLES.flatMap(([text, labels]): ChatMessage[] => [
      { role: 'user', content: `Explanation:\n${text}` },
      { role: 'assistant', content: labels },
    ]),
    { role: 'user', content: `Explanation:\n${reasoningText}` },
  ];
}

const REASONING_SYSTEM = `You compare a model's explanation of why a query does not match a video with a reference (ground-truth) explanation. Score how faithfully the model reproduces the reference's mismatch reasons and the evidence for them.
- Penalise reasons or evidence of the reference that are missing, and statements that contradict the reference.
- Do not penalise extra detail that is consistent with the reference, differences of style or length, or an added remark about what the original query might have been.

Scale 0.0 to 5.0 with one decimal:
5.0 perfect: every reason and its evidence, nothing contradicting (give more than 4.9 only in this case)
4.0-4.9 high: all main reasons, minor evidence missing
3.0-3.9 moderate: the main reason, others missing or vague
2.0-2.9 low: only part of one reason
1.0-1.9 minimal: barely related to the reference's reasons
0.0-0.9 none: unrelated or contradicting

Reply with exactly one Python dict literal and nothing else, e.g. {'score': 3.5}`;

export function reasoningPrompt(reasoningText: string, groundTruth: string): ChatMessage[] {
  return [
    { role: 'system', content: REASONING_SYSTEM },
    { role: 'user', content: `Reference explanation:\n${groundTruth}\n\nModel explanation:\n${reasoningText}` },
  ];
}
