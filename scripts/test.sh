#!/usr/bin/env bash
# `npm test`: install what is missing, then the quality gates (types, lint, format) and every test
# under test/ with Node's test runner (tsx for TypeScript). The notebooks run in quick mode inside
# test/report/report-quick.test.ts; SKIP_NOTEBOOKS=1 skips them for a fast loop.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
echo "[test] typecheck (tsc --noEmit, strict)"; node node_modules/typescript/bin/tsc --noEmit -p .
echo "[test] lint (eslint)"; npx eslint --max-warnings 0 .
echo "[test] format (prettier --check)"; npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }
echo "[test] notebooks (prettier-formatted cells, eslint, imports first)"; npx tsx src/report/notebook-style.ts --check
mapfile -t files < <(find test -name '*.test.ts' | sort)
echo "[test] node --test (${#files[@]} files)"
exec node --import tsx --test --test-concurrency=1 "${files[@]}"
