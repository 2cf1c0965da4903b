import { parseArgs, type ParseArgsConfig } from "node:util";

/** A command line the command cannot take: the message ends with the command's usage text. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Parses a command's arguments with node's `parseArgs`, strictly: `--help` (or `-h`) prints
 * `usage` and returns null, so the command can exit 0 without doing anything; an unknown option,
 * a missing value or an unexpected positional argument throws a {@link UsageError} that names it
 * and repeats the usage text ({@link runMain} exits 2 on it).
 *
 * @example
 * const args = parseCommandLine(argv, "usage: npm run serve", { options: {} });
 * if (!args) return; // --help was printed
 */
export function parseCommandLine<T extends ParseArgsConfig>(
  argv: string[],
  usage: string,
  config: T,
): ReturnType<typeof parseArgs<T>> | null {
  const end = argv.indexOf("--");
  const flags = end < 0 ? argv : argv.slice(0, end);
  if (flags.includes("--help") || flags.includes("-h")) {
    console.log(usage);
    return null;
  }
  try {
    return parseArgs({ ...config, args: argv, strict: true }) as ReturnType<typeof parseArgs<T>>;
  } catch (err) {
    const code = (err as { code?: string }).code ?? "";
    if (code.startsWith("ERR_PARSE_ARGS"))
      throw new UsageError(`${(err as Error).message}\n${usage}`);
    throw err;
  }
}

/**
 * Option `--name`'s value as a whole number (digits only), or an error that names the option and
 * the value.
 *
 * @example
 * wholeNumberOption("epochs", "36"); // 36; "3.5", "-1" or "" throw
 */
export function wholeNumberOption(name: string, value: string): number {
  if (!/^\d+$/.test(value))
    throw new Error(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
  return Number(value);
}
