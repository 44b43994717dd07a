// Must stay first: @peculiar/x509 resolves algorithms through tsyringe, which needs Reflect metadata.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import * as pkijs from 'pkijs';

// Loaded on first use: the modules that use these libraries (self-signed, pkcs12,
// policy-from-certificate) are imported dynamically where a certificate is made or read, so a region
// node that never does either does not hold them (some 9 MiB of its RSS; docs/benchmarks.md).
// Both libraries do their cryptography through a WebCrypto implementation; Node's is complete.
// Setting it when this module loads makes it happen once, before any certificate or PFX is made.
// The region package sets the same provider for its TLS material: setting it twice is harmless.
x509.cryptoProvider.set(webcrypto);
pkijs.setEngine(
  'node',
  new pkijs.CryptoEngine({
    name: 'node',
    crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'],
  }),
);

export { pkijs, x509 };
