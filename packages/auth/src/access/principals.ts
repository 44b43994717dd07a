import type { SpecialPermission } from '@vaultover/vault';
import { z } from 'zod';
import { ROLE_NAMES, type RoleName } from './roles.ts';

/** A principal of the deployment: who a token names, and what it may do. */
export interface Principal {
  roles: RoleName[];
  permissions: SpecialPermission[];
}

export const principalSchema = z.object({
  roles: z.array(z.enum(ROLE_NAMES as [RoleName, ...RoleName[]])).default([]),
  permissions: z.array(z.enum(['recover', 'purge', 'listDeleted'])).default([]),
});

export const principalsSchema = z.record(z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/), principalSchema);

/** The principals of the default configuration. */
export const DEFAULT_PRINCIPALS: Record<string, Principal> = {
  admin: { roles: ['Key Vault Administrator'], permissions: ['recover', 'purge', 'listDeleted'] },
  officer: {
    roles: ['Key Vault Secrets Officer', 'Key Vault Crypto Officer', 'Key Vault Certificates Officer'],
    permissions: ['listDeleted'],
  },
  app: { roles: ['Key Vault Secrets User', 'Key Vault Crypto User'], permissions: [] },
  reader: { roles: ['Key Vault Reader'], permissions: [] },
};
