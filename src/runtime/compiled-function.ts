/** Compiled factories by their source, the oldest dropped first beyond {@link MAX_CACHED}. */
const factories = new Map<string, (...bound: unknown[]) => unknown>();
/** How many factories stay cached. */
const MAX_CACHED = 256;

/** What a compiled function may be named: a JavaScript identifier. */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A function `name` of `args` whose body is JavaScript source written at run time (the particle
 * kernel's passes, see KernelMlp and PairTerm), closed over the values of `bound` by name. Callers
 * write the source from numbers and names they have checked, never from input text. The source is
 * compiled once: a later call with the same source gets a new closure of the same function, so
 * that the kernels of one shape (a pruning step refits several) share V8's optimized code rather
 * than each warming up its own. The name is what profiles show for it.
 *
 * @example
 * const scale = compiledFunction<(x: number) => number>("scale", { k: 3 }, ["x"], "return k * x;");
 * scale(2); // 6
 */
export function compiledFunction<F>(
  name: string,
  bound: Record<string, unknown>,
  args: string[],
  body: string,
): F {
  if (!IDENTIFIER.test(name))
    throw new Error(`compiledFunction: ${JSON.stringify(name)} is not a name`);
  const names = Object.keys(bound);
  const key = `${name}\n${names.join(",")}\n${args.join(",")}\n${body}`;
  let make = factories.get(key);
  if (!make) {
    make = new Function(...names, `return function ${name}(${args.join(", ")}) {\n${body}\n};`) as (
      ...bound: unknown[]
    ) => unknown;
    if (factories.size >= MAX_CACHED) factories.delete(factories.keys().next().value as string);
    factories.set(key, make);
  }
  return make(...names.map((n) => bound[n])) as F;
}
