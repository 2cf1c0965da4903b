/** `npm run quality`: the code-quality score of the rating service code, part by part. */
import { parseCommandLine } from "../runtime/command-line";
import { runMain } from "../runtime/run-main";
import { measureCodeQuality } from "./code-quality";
import { formatQuality } from "./format-quality";

const USAGE = `usage: npm run quality
  Prints the challenge's code-quality score of src/server and src/ratings, part by part.
  --help    this text`;

async function main(argv: string[]): Promise<void> {
  if (!parseCommandLine(argv, USAGE, { options: {} })) return;
  console.log(formatQuality(await measureCodeQuality()).join("\n"));
}

runMain(module, main);
