// Peer benchmarking at scale (issue 17), run by hand on a built synthetic site (BENCHMARKS.md):
//   kb synth --cities 1741 --out S --seed 1 --root . && kb build --root S --output S/public
//   node tests/browser/benchmark-scale.mjs S/public
// Serves the output with a plain static server, opens /benchmark/?city=a&peer=b for 20 pairs of
// cities (the largest data files and random ones) in Chromium, and reports per pair the time
// until the comparison shows and the bytes of data fetched; then the data's share of the output.
import { createServer } from "node:http";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const dir = path.resolve(process.argv[2] || "public");
const server = createServer((req, res) => {
  let file = path.join(dir, decodeURIComponent(new URL(req.url, "http://x").pathname));
  if (!file.startsWith(dir)) { res.writeHead(404); res.end(); return; }
  if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, "index.html");
  if (!existsSync(file)) { res.writeHead(404); res.end(); return; }
  const type = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".json": "application/json", ".css": "text/css" }[path.extname(file)] || "application/octet-stream";
  res.writeHead(200, { "content-type": type });
  res.end(readFileSync(file));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${server.address().port}`;

const data = path.join(dir, "benchmark");
const files = readdirSync(data).filter((f) => f.endsWith(".json")).map((f) => ({ city: f.slice(0, -5), bytes: statSync(path.join(data, f)).size }));
files.sort((a, b) => b.bytes - a.bytes);
let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pairs = [[files[0].city, files[1].city]];
while (pairs.length < 20) {
  const a = files[Math.floor(rand() * files.length)].city, b = files[Math.floor(rand() * files.length)].city;
  if (a !== b) pairs.push([a, b]);
}
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage();
const times = [], sizes = [], alls = [];
for (const [a, b] of pairs) {
  const t0 = Date.now();
  await page.goto(`${origin}/benchmark/?city=${a}&peer=${b}`);
  await page.waitForSelector("#bench-result [data-kind]", { timeout: 30_000 });
  const ms = Date.now() - t0;
  // Every byte the page fetched for this pair (a fresh document each time: nothing carried over).
  const [bytes, all] = await page.evaluate(() => {
    const entries = performance.getEntriesByType("resource").concat(performance.getEntriesByType("navigation"));
    const json = entries.filter((e) => /\/benchmark\/[^/]+\.json$/.test(new URL(e.name).pathname));
    return [json.reduce((s, e) => s + e.decodedBodySize, 0), entries.reduce((s, e) => s + e.decodedBodySize, 0)];
  });
  times.push(ms);
  sizes.push(bytes);
  console.log(`${a} / ${b}: ${ms} ms, ${bytes} bytes of data, ${all} bytes in all (page, scripts, style, data)`);
  alls.push(all);
}
await browser.close();
server.close();
const du = (d) => readdirSync(d, { withFileTypes: true }).reduce((s, e) => s + (e.isDirectory() ? du(path.join(d, e.name)) : statSync(path.join(d, e.name)).size), 0);
const total = du(dir), bench = du(data);
const sorted = [...times].sort((x, y) => x - y);
console.log(`pairs: ${pairs.length}; time median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms; data per pair max ${Math.max(...sizes)} bytes, everything per pair max ${Math.max(...alls)} bytes (uncompressed)`);
console.log(`largest city file ${files[0].bytes} bytes, median ${files[Math.floor(files.length / 2)].bytes}; benchmark/ ${bench} bytes of ${total} (${(100 * bench / total).toFixed(2)}% of the output, ${(100 * bench / (total - bench)).toFixed(2)}% added)`);
