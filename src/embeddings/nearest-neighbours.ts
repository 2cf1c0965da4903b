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
