import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

// prom-client's index also loads its default metrics, whose CPU counter requires @opentelemetry/api
// (for exemplars): about 7 MiB of every process's memory (measured: the index 7.0 MiB, these four
// files 0.1), for metrics Vaultover does not collect. The classes are loaded from their own files;
// their types are the package's. A test holds them to the index's exports.
const require = createRequire(import.meta.url);

export const Registry: typeof PromClient.Registry = require('prom-client/lib/registry');
export const Counter: typeof PromClient.Counter = require('prom-client/lib/counter');
export const Gauge: typeof PromClient.Gauge = require('prom-client/lib/gauge');
export const Histogram: typeof PromClient.Histogram = require('prom-client/lib/histogram');

export type Registry = PromClient.Registry;
export type Counter<T extends string = string> = PromClient.Counter<T>;
export type Gauge<T extends string = string> = PromClient.Gauge<T>;
export type Histogram<T extends string = string> = PromClient.Histogram<T>;
