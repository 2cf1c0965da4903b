import ts from "typescript";

/**
 * Source lines of code: lines that hold part of a token of the program, so not blank lines, `//`
 * lines or `/* ... *\/` blocks (TSDoc included), wherever a block opens. The lines are read off
 * TypeScript's own parser rather than a scan for comment marks, which a string or a regular
 * expression holding `/*` or `//` would fool; a string or template spanning lines counts on each.
 *
 * @example
 * sourceLines("// note\nconst a = 1; /* why,\n at length *\/\n\n"); // 1
 */
export function sourceLines(text: string): number {
  const file = ts.createSourceFile("lines.ts", text, ts.ScriptTarget.Latest, true);
  const lines = new Set<number>();
  const lineOf = (pos: number): number => file.getLineAndCharacterOfPosition(pos).line;
  const visit = (node: ts.Node): void => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode)
      return;
    const children = node.getChildren(file);
    if (children.length > 0) return children.forEach(visit);
    if (node.kind === ts.SyntaxKind.EndOfFileToken) return;
    for (let l = lineOf(node.getStart(file)); l <= lineOf(node.getEnd()); l++) lines.add(l);
  };
  visit(file);
  return lines.size;
}
