import { describe, expect, it } from 'vitest';
import { parseChangeNotice } from './change-notice.ts';

describe('parseChangeNotice', () => {
  it('reads the fields the commit script writes', () => {
    expect(parseChangeNotice(['vault', 'shop-eu', 'position', '42', 't', '1733390000000'])).toEqual({
      vault: 'shop-eu',
      position: 42,
      time: 1733390000000,
    });
  });

  it('ignores an entry that is not a notice', () => {
    const cases = [
      [],
      ['vault', 'shop'],
      ['vault', 'shop', 'position', 'x', 't', '1'],
      ['vault', 'shop', 'position', '1.5', 't', '1'],
      ['vault', 'shop', 'position', '1', 't', 'later'],
      ['vault', '', 'position', '1', 't', '1'],
      ['position', '1', 't', '1'],
    ];
    for (const fields of cases) expect(parseChangeNotice(fields), fields.join(' ')).toBeUndefined();
  });
});
