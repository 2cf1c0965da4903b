import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";

import { PROJECT_ROOT } from "../../src/io/project-paths";
import { parseCommandLine, UsageError, wholeNumberOption } from "../../src/runtime/command-line";

/** Every command a user runs through npm, by its entry file. */
const COMMANDS = [
  "src/challenge/cli.ts",
  "src/server/serve.ts",
  "src/quality/cli.ts",
  "src/report/cli.ts",
  "src/particles/cli.ts",
  "bench/api.ts",
  "bench/api-load.ts",
  "bench/embed.ts",
  "bench/generality.ts",
  "bench/integration.ts",
  "bench/particles.ts",
  "bench/rating-scale.ts",
  "bench/rating-train.ts",
];

/** Runs an entry file as npm's scripts do (tsx), with the arguments; resolves with what it did. */
function run(entry: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, entry), ...args], {
      cwd: PROJECT_ROOT,
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    child.once("exit", (code) => resolve({ code, out }));
  });
}

test("parseCommandLine: --help prints the usage and returns null; unknown options name themselves", () => {
  const usage = "usage: demo [--n N]";
  const config = { options: { n: { type: "string" as const, default: "3" } } };
  assert.equal(parseCommandLine(["--n", "5"], usage, config)?.values.n, "5");
  const printed: string[] = [];
  const log = console.log;
  console.log = (line: string) => printed.push(line);
  try {
    assert.equal(parseCommandLine(["--n", "5", "--help"], usage, config), null);
  } finally {
    console.log = log;
  }
  assert.deepEqual(printed, [usage]);
  assert.throws(
    () => parseCommandLine(["--bogus"], usage, config),
    (e: Error) =>
      e instanceof UsageError &&
      /Unknown option '--bogus'/.test(e.message) &&
      e.message.endsWith(usage),
  );
  assert.throws(() => parseCommandLine(["extra"], usage, config), UsageError);
});

/** How each command answers `args`: the exit code it must give and what its output must say. */
const answersTo = async (args: string[], code: number, says: RegExp[]): Promise<void> => {
  const answers = await Promise.all(COMMANDS.map((c) => run(c, args)));
  answers.forEach((a, i) => {
    assert.equal(a.code, code, `${COMMANDS[i]}: ${a.out}`);
    for (const pattern of says) assert.match(a.out, pattern, COMMANDS[i]);
  });
};

test(
  "every command answers --help with its usage and does nothing else",
  { timeout: 180_000 },
  () => answersTo(["--help"], 0, [/^usage: npm run /m]),
);

test(
  "every command refuses an unknown option with exit code 2 and its usage line",
  { timeout: 180_000 },
  () =>
    answersTo(["--no-such-option"], 2, [/Unknown option '--no-such-option'/, /usage: npm run /]),
);

test("wholeNumberOption takes digits only and names the option otherwise", () => {
  assert.equal(wholeNumberOption("epochs", "36"), 36);
  assert.equal(wholeNumberOption("seed", "0"), 0);
  for (const bad of ["3.5", "-1", "", "1e3", "ten"])
    assert.throws(
      () => wholeNumberOption("seed", bad),
      (err: Error) => err.message === `--seed must be a whole number, got ${JSON.stringify(bad)}`,
    );
});
