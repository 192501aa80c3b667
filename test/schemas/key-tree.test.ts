// The checker behind the layout tests must catch each kind of drift it claims to: a missing, renamed or moved key, an
// addition before a declared key, an int written as a float and back, a wrong type, and schema keywords it ignores.
import { describe, expect, it } from 'vitest';
import { checkKeyTree, type Schema } from './key-tree.js';

const schema: Schema = {
  type: 'object',
  properties: {
    n: { type: 'integer' },
    block: { $ref: '#/$defs/block' },
    list: { type: 'array', items: { type: ['number', 'null'] }, minItems: 2, maxItems: 2 },
    tag: { type: 'string', enum: ['a', 'b'] },
  },
  required: ['n', 'block'],
  $defs: {
    block: {
      type: 'object',
      properties: { TP: { type: 'integer' }, mean: { type: 'number' } },
      required: ['TP', 'mean'],
      additionalProperties: { type: 'number' },
    },
  },
};

const text = (v: string) => v;

describe('checkKeyTree', () => {
  it('accepts a conforming text, with additions after the declared keys', () => {
    expect(checkKeyTree(schema, text('{"n": 3, "block": {"TP": 1, "mean": 0.0, "extra": 2.5}, "list": [1.5, null], "tag": "a", "ours": {"x": 1}}'))).toEqual([]);
    expect(checkKeyTree(schema, text('{"n": 3, "block": {"TP": 1, "mean": 1e-05}}'))).toEqual([]); // optional keys may be absent
  });

  it('reports a missing key and a renamed key (lower-case confusion)', () => {
    expect(checkKeyTree(schema, '{"n": 3, "block": {"tp": 1, "mean": 0.5}}')).toEqual([
      '$.block: missing key "TP"',
      '$.block: key order [tp, mean]; expected [mean] first, in that order',
      '$.block.tp: expected number, found integer 1', // an addition must match additionalProperties
    ]);
  });

  it('reports a moved key and an addition placed before a declared key', () => {
    expect(checkKeyTree(schema, '{"block": {"TP": 1, "mean": 0.5}, "n": 3}')).toEqual(['$: key order [block, n]; expected [n, block] first, in that order']);
    expect(checkKeyTree(schema, '{"n": 3, "ours": 1, "block": {"TP": 1, "mean": 0.5}}')).toEqual([
      '$: key order [n, ours, block]; expected [n, block] first, in that order',
    ]);
  });

  it('checks number types as written: Python int vs float', () => {
    expect(checkKeyTree(schema, '{"n": 3.0, "block": {"TP": 1, "mean": 0}}')).toEqual([
      '$.n: expected integer, found number 3.0',
      '$.block.mean: expected number, found integer 0',
    ]);
    expect(checkKeyTree(schema, '{"n": 3, "block": {"TP": 1, "mean": 0.5, "extra": 2}}')).toEqual(['$.block.extra: expected number, found integer 2']);
  });

  it('checks other types, enums and array bounds; keeps the text\'s order of integer-like keys', () => {
    expect(checkKeyTree(schema, '{"n": "3", "block": {"TP": 1, "mean": 0.5}, "list": [1.5], "tag": "c"}')).toEqual([
      '$.n: expected integer, found string',
      '$.list: 1 items, at least 2 expected',
      '$.tag: "c" is not one of ["a","b"]',
    ]);
    // A JS object would list "1" before "b" whatever the text says; the parsed text keeps its order.
    const bFirst: Schema = { type: 'object', properties: { b: {} } };
    expect(checkKeyTree(bFirst, '{"b": 1, "1": 2}')).toEqual([]);
    expect(checkKeyTree(bFirst, '{"1": 2, "b": 1}')).toEqual(['$: key order [1, b]; expected [b] first, in that order']);
    // ...but a schema object cannot keep it, so integer-like property names are refused
    expect(() => checkKeyTree({ type: 'object', properties: { b: {}, '1': {} } }, '{}')).toThrow(/integer-like property name "1"/);
  });

  it('refuses schema keywords it does not implement, bad $refs and invalid JSON', () => {
    expect(() => checkKeyTree({ type: 'object', patternProperties: {} }, '{}')).toThrow(/keyword "patternProperties" is not supported/);
    expect(() => checkKeyTree({ $ref: '#/$defs/none' }, '{}')).toThrow(/does not name an entry of \$defs/);
    expect(() => checkKeyTree(schema, '{"n": 1,}')).toThrow(/invalid JSON at offset/);
    expect(() => checkKeyTree(schema, '{"n": 1, "n": 2}')).toThrow(/duplicate key "n"/);
  });
});
