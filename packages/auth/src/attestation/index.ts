export {
  AttestationAuthority,
  type AttestationRequest,
  JWKS_PATH,
  OPENID_CONFIGURATION_PATH,
} from './attestation-authority.ts';
export { ATTESTATION_ALGORITHM, type AttestationKey, ensureAttestationKey } from './attestation-key.ts';
