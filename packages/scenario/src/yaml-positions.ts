import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

/** 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Where `path` is in the YAML document: its value's node, or its key's when `atKey` (a key that should
 * not be there). A path that leads nowhere (a missing field) points at the deepest mapping or list it
 * reaches: where the field should be added.
 */
export function positionOf(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
  atKey = false,
): Position {
  let node: unknown = doc.contents;
  let at: Node | null = isNode(node) ? node : null;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      const key = pair.key as Node;
      if (last && atKey) return place(lines, key);
      node = pair.value;
      // `key:` with nothing after it has no value node: the key is the place.
      at = isNode(node) ? node : key;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (!isNode(item)) break;
      node = item;
      at = item;
    } else {
      break;
    }
  }
  return at ? place(lines, at) : { line: 1, column: 1 };
}

function place(lines: LineCounter, node: Node): Position {
  const offset = node.range?.[0] ?? 0;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function isNode(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value);
}
