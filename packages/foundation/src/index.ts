// What every package stands on: the one clock. Depends on nothing.
export { type Clock, systemClock, type Timer } from './clock.ts';
