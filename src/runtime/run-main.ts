import { UsageError } from "./command-line";

/**
 * Runs an entry file's `main` when that file is the program (`tsx src/x/cli.ts`), not when it is
 * imported (by a test, a notebook or another module). `main` gets the command-line arguments; a
 * number it returns is the exit code; an error it throws is printed as one line, after `prefix`,
 * with exit code 1 (2 for a {@link UsageError}: a command line the command cannot take).
 *
 * @example
 * runMain(module, main, "[challenge] ");
 */
export function runMain(
  entry: NodeModule,
  main: (argv: string[]) => Promise<number | void>,
  prefix = "",
): void {
  if (require.main !== entry) return;
  main(process.argv.slice(2)).then(
    (code) => {
      if (typeof code === "number") process.exit(code);
    },
    (err: unknown) => {
      console.error(`${prefix}${err instanceof Error ? err.message : String(err)}`);
      process.exit(err instanceof UsageError ? 2 : 1);
    },
  );
}
