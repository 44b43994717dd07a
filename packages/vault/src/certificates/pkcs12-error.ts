import { CodedError } from '@vaultover/foundation';

/** Why a PFX could not be read: its structure, a password that does not open it, or a legacy cipher. */
export type Pkcs12ErrorCode = 'Pkcs12Malformed' | 'Pkcs12PasswordWrong' | 'Pkcs12CipherUnsupported';

export class Pkcs12Error extends CodedError<Pkcs12ErrorCode> {
  readonly code: Pkcs12ErrorCode;
  constructor(code: Pkcs12ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
