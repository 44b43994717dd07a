/**
 * The pub/sub channel, on a primary's Redis, on which a secondary's replicator announces that it
 * acknowledged new positions (the message is the secondary region's name). A primary in sync mode wakes
 * the writes waiting for those acknowledgements at once instead of polling for them.
 */
export const ACK_CHANNEL = 'vo:repl:acked';
