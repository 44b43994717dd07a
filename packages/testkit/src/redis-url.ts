/**
 * `url` reached through another port on loopback (a link proxy in front of the same server): the user,
 * password and database are kept, since an embedded Redis refuses a client without credentials.
 */
export function redisUrlThrough(url: string, port: number): string {
  const through = new URL(url);
  through.hostname = '127.0.0.1';
  through.port = String(port);
  return through.toString();
}
