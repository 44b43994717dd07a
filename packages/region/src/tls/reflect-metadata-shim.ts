// @peculiar/x509 2.x resolves its algorithms through tsyringe, which refuses to load unless a
// Reflect metadata polyfill is present, and none is installed. tsyringe only calls these three
// functions, so this installs minimal versions when (and only when) a real polyfill is absent.
// Replace with `import 'reflect-metadata';` once that package is a dependency.

type MetadataTarget = object;
type MetadataStore = Map<unknown, unknown>;

interface ReflectMetadataApi {
  getMetadata?(key: unknown, target: MetadataTarget): unknown;
  getOwnMetadata?(key: unknown, target: MetadataTarget): unknown;
  defineMetadata?(key: unknown, value: unknown, target: MetadataTarget): void;
}

const reflect = Reflect as typeof Reflect & ReflectMetadataApi;

if (typeof reflect.getMetadata !== 'function') {
  const stores = new WeakMap<MetadataTarget, MetadataStore>();
  const getOwnMetadata = (key: unknown, target: MetadataTarget): unknown => stores.get(target)?.get(key);
  reflect.getOwnMetadata = getOwnMetadata;
  // Like reflect-metadata: own metadata first, then up the prototype chain.
  reflect.getMetadata = (key, target) => {
    for (
      let current: MetadataTarget | null = target;
      current !== null;
      current = Object.getPrototypeOf(current)
    ) {
      if (stores.get(current)?.has(key)) return getOwnMetadata(key, current);
    }
    return undefined;
  };
  reflect.defineMetadata = (key, value, target) => {
    const store = stores.get(target) ?? new Map<unknown, unknown>();
    store.set(key, value);
    stores.set(target, store);
  };
}
