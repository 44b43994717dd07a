import { OPERATIONS, type OperationName } from './catalogue.ts';

/** The operation groups a pattern may name: the catalogue's classes. */
export const OPERATION_GROUPS = ['read', 'write'] as const;

/**
 * The catalogue operations one pattern names (a fault rule's `match.operations` entries): an operation's name, a
 * pattern in which `*` stands for any run of characters (`Key*`, `*Get`, `*`), or a group (`read`,
 * `write`: the catalogue's class). Names are case-sensitive, as the catalogue spells them; a pattern
 * must match a whole name. An empty result means the entry names nothing.
 */
export function operationsNamedBy(entry: string): OperationName[] {
  if ((OPERATION_GROUPS as readonly string[]).includes(entry)) {
    return OPERATIONS.filter((operation) => operation.class === entry).map((operation) => operation.name);
  }
  if (!entry.includes('*')) {
    return OPERATIONS.filter((operation) => operation.name === entry).map((operation) => operation.name);
  }
  const pattern = new RegExp(
    `^${entry
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return OPERATIONS.filter((operation) => pattern.test(operation.name)).map((operation) => operation.name);
}
