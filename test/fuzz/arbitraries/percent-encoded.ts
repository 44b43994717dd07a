/**
 * `text` for a URL: every byte of its UTF-8 percent-encoded but letters, digits and `-._~`. Unlike
 * encodeURIComponent, it takes lone surrogates too (as U+FFFD's bytes), which fuzzed strings hold.
 */
export function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}
