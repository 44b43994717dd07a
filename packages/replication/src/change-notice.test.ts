import { describe, expect, it } from 'vitest';
import { parseChangeNotice } from './change-notice.ts';

describe('parseChangeNotice', () => {
  it('reads the fields the commit script writes', () => {
    expect(parseChangeNotice(['vault', 'shop-eu', 'position', '42', 't', '1733390000000'])).toEqual({
      vault: 'shop-eu',
      position: 42,
      time: 1733390000000,
      entry: undefined,
    });
  });

  it("reads the entry a notice carries, at the notice's position", () => {
    const fields = ['vault', 'shop', 'position', '7', 't', '5', 'v', '1', 'op', 'SecretSet'];
    const notice = parseChangeNotice([...fields, 'keys', '["a"]', 'ops', '[["set",0,"b"]]']);
    expect(notice?.entry).toEqual({
      position: 7,
      v: '1',
      op: 'SecretSet',
      t: '5',
      keyNames: ['a'],
      keys: '["a"]',
      ops: '[["set",0,"b"]]',
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
