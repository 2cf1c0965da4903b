/** A value of a Python literal: what `ast.literal_eval` gives for TMDB's list and dict columns. */
export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/**
 * Parses a Python literal (dicts, lists, tuples, strings, numbers, True/False/None), as the raw
 * TMDB columns hold them, e.g. `"[{'id': 16, 'name': 'Animation'}]"`. Throws on malformed text.
 *
 * @example
 * parsePythonLiteral("[{'id': 16, 'name': 'Animation'}]"); // [{ id: 16, name: "Animation" }]
 */
export function parsePythonLiteral(text: string): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`bad Python literal at ${i}: ${what} in ${JSON.stringify(text.slice(0, 80))}`);
  };
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const value = (): PyValue => {
    ws();
    const c = text[i];
    if (c === "[" || c === "(") return sequence(c === "[" ? "]" : ")");
    if (c === "{") return dict();
    if (c === "'" || c === '"') return str();
    if (text.startsWith("True", i)) return ((i += 4), true);
    if (text.startsWith("False", i)) return ((i += 5), false);
    if (text.startsWith("None", i)) return ((i += 4), null);
    const m = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) return fail("unexpected character");
    i += m[0].length;
    return Number(m[0]);
  };
  const sequence = (close: string): PyValue[] => {
    const out: PyValue[] = [];
    i++;
    for (ws(); text[i] !== close; ws()) {
      out.push(value());
      ws();
      if (text[i] === ",") i++;
      else if (text[i] !== close) fail(`expected , or ${close}`);
      ws();
    }
    i++;
    return out;
  };
  const dict = (): { [key: string]: PyValue } => {
    const out: { [key: string]: PyValue } = {};
    i++;
    for (ws(); text[i] !== "}"; ws()) {
      const key = value();
      ws();
      if (text[i] !== ":") fail("expected :");
      i++;
      out[String(key)] = value();
      ws();
      if (text[i] === ",") i++;
      else if (text[i] !== "}") fail("expected , or }");
    }
    i++;
    return out;
  };
  const str = (): string => {
    const quote = text[i++];
    let out = "";
    while (i < text.length && text[i] !== quote) {
      if (text[i] === "\\") {
        const e = text[i + 1];
        const map: Record<string, string> = {
          n: "\n",
          t: "\t",
          r: "\r",
          "\\": "\\",
          "'": "'",
          '"': '"',
        };
        if (e === "x" || e === "u") {
          const len = e === "x" ? 2 : 4;
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 2 + len), 16));
          i += 2 + len;
          continue;
        }
        out += map[e] ?? `\\${e}`;
        i += 2;
      } else out += text[i++];
    }
    if (text[i] !== quote) fail("unterminated string");
    i++;
    return out;
  };
  const result = value();
  ws();
  if (i !== text.length) fail("trailing characters");
  return result;
}

/**
 * The `name` fields of a TMDB list column (`genres`, `production_companies`, ...), or of the
 * single dict of `belongs_to_collection`. Empty text means unknown and gives `[]`.
 */
export function literalNames(text: string): string[] {
  if (text.trim() === "") return [];
  const v = parsePythonLiteral(text);
  const items = Array.isArray(v) ? v : [v];
  return items
    .map((x) => (x && typeof x === "object" && !Array.isArray(x) ? x.name : null))
    .filter((n): n is string => typeof n === "string");
}
