// Conformance of the browser's alignment (static/js/benchmark-align.js, what /benchmark/ runs)
// with the Rust alignment (search_indexer::align, printed by the benchmark_pairs example) on
// every ordered pair of the real cities: the same pairs, in the same order, with the same scores
// to the last bit.
// Run by scripts/test after `cargo build --release --bin kb --example benchmark_pairs`:
//   node --test tests/benchmark_align/
// KB_BIN and KB_BENCHMARK_PAIRS override the binaries; KB_BENCH_OUTPUT reuses a built site.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TARGET = process.env.CARGO_TARGET_DIR || join(REPO, "target");
const KB = process.env.KB_BIN || join(TARGET, "release", "kb");
const PAIRS = process.env.KB_BENCHMARK_PAIRS || join(TARGET, "release", "examples", "benchmark_pairs");

const tmp = process.env.KB_BENCH_OUTPUT ? null : mkdtempSync(join(tmpdir(), "kb-bench-"));
const out = process.env.KB_BENCH_OUTPUT || join(tmp, "public");
if (tmp) {
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const b = spawnSync(KB, ["build", "--root", REPO, "--output", out], { encoding: "utf8" });
  assert.equal(b.status, 0, b.stderr);
}
const KbAlign = createRequire(import.meta.url)(join(REPO, "static", "js", "benchmark-align.js"));

test("the browser aligns every ordered pair of cities exactly as Rust does", () => {
  const r = spawnSync(PAIRS, [out], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const rust = JSON.parse(r.stdout);
  const dir = join(out, "benchmark");
  const cities = readdirSync(dir).filter((f) => f.endsWith(".json")).sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")));
  assert.equal(cities.length, 5);
  let ordered = 0, pairs = 0;
  for (const a of cities) {
    for (const b of cities) {
      if (a.city === b.city) continue;
      const js = KbAlign.align(a.measures, b.measures, a.params)
        .map((p) => [a.measures[p.a].id, b.measures[p.b].id, p.why.score]);
      const expected = rust[`${a.city}/${b.city}`];
      assert.ok(expected, `${a.city}/${b.city} missing from Rust's output`);
      assert.deepEqual(js, expected, `${a.city}/${b.city}`);
      ordered += 1;
      pairs += js.length;
    }
  }
  assert.equal(ordered, 20);
  console.log(`# ${ordered} ordered pairs of cities, ${pairs} matched pairs: identical`);
});
