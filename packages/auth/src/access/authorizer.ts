import type { Operation } from '@vaultover/vault';
import { ForbiddenError } from '@vaultover/vault/errors';
import type { Principal } from './principals.ts';
import { actionMatches, ROLES } from './roles.ts';

export interface AccessContext {
  principal: string;
  vault: string;
  region: string;
  tenantId: string;
}

/** Decides whether a principal may perform an operation: role-based access plus special permissions. */
export class Authorizer {
  readonly #principals: ReadonlyMap<string, Principal>;
  readonly #decisions = new Map<string, boolean>();

  constructor(principals: Record<string, Principal>) {
    this.#principals = new Map(Object.entries(principals));
  }

  has(principal: string): boolean {
    return this.#principals.has(principal);
  }

  isAdministrator(principal: string): boolean {
    return this.#principals.get(principal)?.roles.includes('Key Vault Administrator') ?? false;
  }

  names(): string[] {
    return [...this.#principals.keys()];
  }

  /** Throws 403 Forbidden (ForbiddenByRbac) in the real service's message shape unless allowed. */
  authorize(operation: Operation, context: AccessContext): void {
    if (this.allows(context.principal, operation)) return;
    throw new ForbiddenError(
      'Caller is not authorized to perform action on resource.\r\n' +
        'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n' +
        `Caller: name=${context.principal};iss=https://sts.windows.net/${context.tenantId}/\r\n` +
        `Action: '${operation.action}'\r\n` +
        `Resource: '/vaults/${context.vault}'\r\n` +
        'Assignment: (not found)\r\n' +
        'DenyAssignmentId: null\r\n' +
        "DecisionReason: 'DeniedWithNoValidRBAC' \r\n" +
        `Vault: ${context.vault};location=${context.region}\r\n`,
      'ForbiddenByRbac',
    );
  }

  allows(principalName: string, operation: Operation): boolean {
    const key = `${principalName}\u0000${operation.name}`;
    let decision = this.#decisions.get(key);
    if (decision === undefined) {
      decision = this.#decide(principalName, operation);
      this.#decisions.set(key, decision);
    }
    return decision;
  }

  /** Whether the principal's roles cover the operation's action, special permissions aside (for messages). */
  rolesAllow(principalName: string, operation: Operation): boolean {
    const principal = this.#principals.get(principalName);
    if (!principal) return false;
    return principal.roles.some((role) =>
      ROLES[role].some((pattern) => actionMatches(pattern, operation.action)),
    );
  }

  #decide(principalName: string, operation: Operation): boolean {
    const principal = this.#principals.get(principalName);
    if (!principal) return false;
    if (operation.special && !principal.permissions.includes(operation.special)) return false;
    return principal.roles.some((role) =>
      ROLES[role].some((pattern) => actionMatches(pattern, operation.action)),
    );
  }
}
