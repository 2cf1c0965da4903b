/** The `k` rows most similar to row `query` by cosine similarity (the query itself excluded). */
export function nearestNeighbours(
  vectors: Float32Array,
  dim: number,
  query: number,
  k = 5,
): { row: number; similarity: number }[] {
  const n = vectors.length / dim;
  const norm = (i: number): number => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += vectors[i * dim + d] ** 2;
    return Math.sqrt(s) || 1;
  };
  const qn = norm(query);
  const scored: { row: number; similarity: number }[] = [];
  for (let i = 0; i < n; i++) {
    if (i === query) continue;
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += vectors[i * dim + d] * vectors[query * dim + d];
    scored.push({ row: i, similarity: dot / (qn * norm(i)) });
  }
  return scored.sort((a, b) => b.similarity - a.similarity).slice(0, k);
}

/**
 * For each of `queries` (titles found in `titles`), its `k` nearest neighbours by cosine
 * similarity as one table row: the movie, then the neighbours' titles with their similarity.
 * Titles not in `titles` are left out.
 *
 * @example
 * showTable(neighbourTable(vectors, 768, movies.map((m) => m.title), ["Toy Story"]));
 */
export function neighbourTable(
  vectors: Float32Array,
  dim: number,
  titles: string[],
  queries: string[],
  k = 5,
): { movie: string; neighbours: string }[] {
  return queries.flatMap((title) => {
    const q = titles.indexOf(title);
    if (q < 0) return [];
    const nn = nearestNeighbours(vectors, dim, q, k);
    const named = nn.map((n) => `${titles[n.row]} (${n.similarity.toFixed(2)})`);
    return [{ movie: title, neighbours: named.join("; ") }];
  });
}
