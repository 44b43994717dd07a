import { systemClock } from '@vaultover/vault';

console.log(systemClock.now() > 0);
