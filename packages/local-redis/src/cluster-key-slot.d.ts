// cluster-key-slot (ioredis's own, a CommonJS module) ships no types.
declare module 'cluster-key-slot' {
  /** The Redis Cluster slot of `key`: CRC16 of its hash tag (the text in its first `{…}`), or of the whole key. */
  export default function calculateSlot(key: string | Buffer): number;
}
