/** `npm run quality`: the code-quality score of the rating service code, part by part. */
import { runMain } from "../runtime/run-main";
import { measureCodeQuality } from "./code-quality";
import { formatQuality } from "./format-quality";

async function main(): Promise<void> {
  console.log(formatQuality(await measureCodeQuality()).join("\n"));
}

runMain(module, main);
