import { describe, expect, it } from 'vitest';
import { coversAll, DEFAULT_HOSTNAMES, subjectNamesFor, toSubjectName } from './hostnames.ts';

describe('toSubjectName', () => {
  it('classifies DNS names, wildcards and IPs', () => {
    expect(toSubjectName('Vault.Example.')).toEqual({ type: 'dns', value: 'vault.example' });
    expect(toSubjectName('*.vault.localhost')).toEqual({ type: 'dns', value: '*.vault.localhost' });
    expect(toSubjectName('10.1.2.3')).toEqual({ type: 'ip', value: '10.1.2.3' });
  });

  it('canonicalises IPv6 so equal addresses compare equal', () => {
    expect(toSubjectName('0:0:0:0:0:0:0:1')).toEqual({ type: 'ip', value: '::1' });
    expect(toSubjectName('[FD00::0001]')).toEqual({ type: 'ip', value: 'fd00::1' });
  });

  it.each(['https://vault.localhost', 'vault.localhost:8443', '', 'a..b', 'foo.*.localhost', 'bad name'])(
    'rejects %j with a message naming it',
    (hostname) => {
      expect(() => toSubjectName(hostname)).toThrow(
        new RegExp(`Invalid TLS hostname ${JSON.stringify(hostname)}`),
      );
    },
  );
});

describe('subjectNamesFor', () => {
  it('puts the defaults first and drops duplicates', () => {
    const names = subjectNamesFor(['LOCALHOST', 'vault.localhost', '127.0.0.1']);
    expect(names.map((name) => name.value)).toEqual([...DEFAULT_HOSTNAMES, 'vault.localhost']);
  });
});

describe('coversAll', () => {
  it('requires each wanted name literally', () => {
    const present = subjectNamesFor([]);
    expect(coversAll(present, subjectNamesFor([]))).toBe(true);
    expect(coversAll(present, [toSubjectName('foo.localhost')])).toBe(false);
  });
});
