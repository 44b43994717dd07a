import fc from 'fast-check';

// Values that input checks get wrong: range bounds and their neighbours, fractions, IEEE specials,
// strings that look like other types or break parsers and encoders, and JSON of every shape. Shared by
// the fuzzers of the config, the fault rules and the HTTP bodies.

/** Numbers at and around the limits Vaultover checks, and the ones JSON cannot carry (NaN, ±Infinity). */
export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0.5,
    1.5,
    -1.5,
    7,
    90,
    99,
    100,
    599,
    600,
    1000,
    3600,
    5000,
    65_535,
    65_536,
    2 ** 31,
    2 ** 53,
    2 ** 53 + 2,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    1e21,
    1e-7,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ),
  fc.integer(),
  fc.double(),
);

/** Keys an object may be given besides its own: prototype names, empty, odd characters. */
export const edgeKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    ' ',
    '$ref',
    'é',
  ),
  fc.string({ maxLength: 12 }),
);

/** Strings that look like other types, break encoders (lone surrogates, NUL, bidi), or are long. */
export const edgeString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\t',
    '\n',
    '0',
    '-1',
    '1.5',
    'true',
    'null',
    'NaN',
    '[]',
    '{}',
    '__proto__',
    '%',
    '%ZZ',
    '../..',
    '\\',
    '"',
    "'",
    '\u0000',
    '\ud800',
    '\udc00x',
    'é',
    '👍',
    '*',
    '\u202e',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer({ min: 100, max: 70_000 }).map((length) => 'x'.repeat(length)),
);

/** Any value a parsed document could hold where a checked field is expected, JSON or not. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: edgeNumber },
  { weight: 3, arbitrary: edgeString },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, undefined) },
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(edgeKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.anything({ maxDepth: 2 }),
);
