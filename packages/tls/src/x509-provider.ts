// Must stay first: @peculiar/x509 resolves algorithms through tsyringe, which needs Reflect metadata.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Loaded on first use (certificate-authority.ts and server-certificate.ts import it where they issue):
// a process that only reads the deployment's certificates does not hold the library (docs/benchmarks.md).
// @peculiar/x509 needs a WebCrypto implementation; Node's is complete. Importing this module
// (rather than calling set() per use) makes it happen once, before any generator runs.
x509.cryptoProvider.set(webcrypto);

export { x509 };
