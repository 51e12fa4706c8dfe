/**
 * A record whose prototype chain holds nothing, so a header called `__proto__` or
 * `constructor` is kept like any other and no name reaches `Object.prototype`.
 *
 * Made with `new` rather than `Object.create(null)`: V8 starts the latter as a small hash
 * table and grows it entry by entry, which was a fifth of a REST API event's cost in the bench
 * (18 headers); an instance starts with fast properties.
 */
function Bare(): void {}
Bare.prototype = Object.create(null) as object;

export function bareRecord<T>(): Record<string, T> {
  return new (Bare as unknown as new () => Record<string, T>)();
}
