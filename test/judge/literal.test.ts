import { describe, expect, it } from 'vitest';
import { JudgeReplyError, parseCategoryReply, parseLiteral, parseReasoningReply, parseRelevanceReply } from '../../lib/judge/index.js';

describe('strict Python-literal-or-JSON parser', () => {
  it('parses Python dict literals and JSON alike', () => {
    expect(parseLiteral("{'classification': 'relevant', 'span': [1.0, 2.5]}")).toEqual({ classification: 'relevant', span: [1, 2.5] });
    expect(parseLiteral('{"classification": "irrelevant", "span": null}')).toEqual({ classification: 'irrelevant', span: null });
    expect(parseLiteral("{'a': None, 'b': True, 'c': False, 'd': (1, -2e1,), 'e': .5}")).toEqual({ a: null, b: true, c: false, d: [1, -20], e: 0.5 });
    expect(parseLiteral("  ['Object/ObjectExistence', \"it\\'s\"]\n")).toEqual(['Object/ObjectExistence', "it's"]);
    expect(parseLiteral("'caf\\u00e9\\n'")).toBe('café\n');
  });
  it('rejects extra text, fences, two values and garbage with a JudgeReplyError naming the offset', () => {
    for (const bad of [
      "Sure! {'score': 3}",
      "{'score': 3} I hope this helps",
      "```json\n{'score': 3}\n```",
      "{'score': 3}{'score': 4}",
      "{'score': 3",
      "{'score' 3}",
      "{'score': three}",
      '',
    ]) {
      expect(() => parseLiteral(bad), bad).toThrow(JudgeReplyError);
    }
    expect(() => parseLiteral("{'score': 3} extra")).toThrow(/unexpected text after the literal at offset 13/);
  });
});

describe('stage reply shapes', () => {
  it('relevance: coerces unknown classes to irrelevant and unusable spans to null', () => {
    expect(parseRelevanceReply("{'classification': 'relevant', 'span': [1.0, 2.5]}")).toEqual({ relevant: true, span: [1, 2.5] });
    expect(parseRelevanceReply("{'classification': 'relevant', 'span': None}")).toEqual({ relevant: true, span: null });
    expect(parseRelevanceReply("{'classification': 'maybe', 'span': [1, 2]}")).toEqual({ relevant: false, span: null });
    expect(() => parseRelevanceReply("{'span': [1, 2]}")).toThrow(/classification/);
  });
  it('categories: keeps only taxonomy paths', () => {
    expect(parseCategoryReply('["Object/ObjectExistence", "Negation/Negation", "Attribute/Counting"]')).toEqual([
      'Object/ObjectExistence',
      'Attribute/Counting',
    ]);
    expect(() => parseCategoryReply("{'labels': []}")).toThrow(/list of strings/);
  });
  it('reasoning: a number in 0–5', () => {
    expect(parseReasoningReply("{'score': 4.5}")).toBe(4.5);
    expect(() => parseReasoningReply("{'score': 7}")).toThrow(/outside 0–5/);
    expect(() => parseReasoningReply("{'score': '4'}")).toThrow(/numeric/);
  });
});
