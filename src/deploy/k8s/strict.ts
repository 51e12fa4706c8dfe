/** A kubernetes-models object: `new Deployment({...})`. */
export interface Manifest {
  validate(): void;
  toJSON(): unknown;
}

/**
 * Validates a kubernetes-models object against the Kubernetes OpenAPI schema it ships, and
 * refuses unknown fields too, which `validate()` lets through (its schemas do not forbid
 * additional properties), while `kubectl apply` warns about or drops them: a typo such as
 * `readinesProbe` would silently remove the probe.
 *
 * The known fields are the schema's own: the compiled validator reads, on each object it
 * checks, every property its schema declares (and every key of a map-typed field), and never
 * a key the schema does not know. Watching its reads through a Proxy yields, for each object
 * of the manifest, the fields the schema knows; any other key is unknown. So the check follows
 * the kubernetes-models version installed, with no field list kept here.
 */
export function validateStrict(model: Manifest, kind: string): void {
  const data = JSON.parse(JSON.stringify(model)) as unknown;
  const read = new WeakMap<object, Set<PropertyKey>>();
  const watched = watch(data, read);
  try {
    model.validate.call(watched);
  } catch (error) {
    throw new Error(`${kind} is invalid: ${error instanceof Error ? error.message : String(error)}`);
  }
  const unknown = unknownFields(data, read, "");
  if (unknown.length > 0) {
    throw new Error(`${kind} has fields Kubernetes does not know: ${unknown.join(", ")}`);
  }
}

function watch(value: unknown, read: WeakMap<object, Set<PropertyKey>>): unknown {
  if (value === null || typeof value !== "object") return value;
  const keys = new Set<PropertyKey>();
  read.set(value, keys);
  return new Proxy(value, {
    get(target, key, receiver) {
      keys.add(key);
      return watch(Reflect.get(target, key, receiver), read);
    },
  });
}

function unknownFields(value: unknown, read: WeakMap<object, Set<PropertyKey>>, path: string): string[] {
  if (value === null || typeof value !== "object") return [];
  const keys = read.get(value);
  const found: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const at = `${path}/${key}`;
    if (!Array.isArray(value) && !keys?.has(key)) found.push(at);
    else found.push(...unknownFields(child, read, at));
  }
  return found;
}
