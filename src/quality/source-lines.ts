/**
 * Source lines of code: lines with something besides whitespace and comments (`//` lines and
 * `/* ... *\/` blocks, TSDoc included).
 *
 * @example
 * sourceLines("// note\nconst a = 1; /* why *\/\n\n"); // 1
 */
export function sourceLines(text: string): number {
  let count = 0;
  let inBlock = false;
  for (const raw of text.split("\n")) {
    let line = raw.trim();
    let code = false;
    while (line.length > 0) {
      if (inBlock) {
        const end = line.indexOf("*/");
        if (end < 0) break;
        inBlock = false;
        line = line.slice(end + 2).trim();
      } else if (line.startsWith("//")) {
        break;
      } else if (line.startsWith("/*")) {
        inBlock = true;
        line = line.slice(2);
      } else {
        code = true;
        break;
      }
    }
    if (code) count++;
  }
  return count;
}
