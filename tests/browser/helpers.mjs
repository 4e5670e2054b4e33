// Shared set-up of the browser tests: one `kb serve` of the real repository on a free loopback
// port, one headless Debian Chromium, a fresh browser context per test that records every
// request (the site must ask nothing of any other host) and saves a screenshot when the test
// fails. Environment:
//   KB_BIN       the kb binary (default: $CARGO_TARGET_DIR or <repo>/target, then /release/kb)
//   KB_BASE_URL  test an already running server instead of starting one (e.g. http://127.0.0.1:1111)
//   CHROMIUM     the browser (default /usr/bin/chromium); never downloaded
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, "..", "..");
export const ARTIFACTS = path.join(here, "artifacts");
const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const LAUNCH_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// The four ways issue 16's acceptance looks at a page: desktop and phone widths, light and dark
// colour schemes. Pass one as the context options of `env.run(fn, VIEWS[i])`; `name` is for test
// titles and screenshot file names.
export const VIEWS = [
  { name: "desktop-light", viewport: { width: 1366, height: 900 }, colorScheme: "light" },
  { name: "desktop-dark", viewport: { width: 1366, height: 900 }, colorScheme: "dark" },
  { name: "phone-light", viewport: { width: 390, height: 844 }, colorScheme: "light", isMobile: true, hasTouch: true },
  { name: "phone-dark", viewport: { width: 390, height: 844 }, colorScheme: "dark", isMobile: true, hasTouch: true },
];

// The five cities of the real repository, in display order (config.toml's extra.cities).
export const CITIES = ["takasaki", "kofu", "osaki", "aizuwakamatsu", "tachikawa"];

function kbBinary() {
  if (process.env.KB_BIN) return path.resolve(process.env.KB_BIN);
  const target = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, "target");
  return path.join(target, "release", "kb");
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `kb serve` on the repository, its output in a temporary folder; resolves once it listens. */
export async function startServer() {
  if (process.env.KB_BASE_URL) return { base: process.env.KB_BASE_URL.replace(/\/$/, ""), stop: async () => {} };
  const bin = kbBinary();
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`cargo build --release --bin kb\` first (or set KB_BIN)`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "kb-browser-"));
  const port = await freePort();
  const child = spawn(bin, ["serve", "--root", ROOT, "--output", path.join(tmp, "public"), "--port", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr.setEncoding("utf8");
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`kb serve did not start within 180 s:\n${log}`));
    }, 180_000);
    child.stderr.on("data", (chunk) => {
      log += chunk;
      if (/serving http:\/\//.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`kb serve exited with ${code}:\n${log}`));
    });
  });
  // A failed build would serve nothing (the output folder is new): say so plainly.
  assert.match(log, /built \d+ pages/, `the site did not build:\n${log}`);
  const exited = new Promise((resolve) => child.on("exit", resolve));
  return {
    base: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

function slug(text) {
  return text.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase().slice(0, 80) || "test";
}

/**
 * Registers the file's set-up: a server and a browser for all its tests. Returns `env`, whose
 * `base` is the server's origin once the tests run, and `run(fn, contextOptions)` that wraps a
 * test body `fn(page, t)` with its own browser context.
 */
export function setup(fileUrl) {
  const prefix = "failure-" + slug(path.basename(fileURLToPath(fileUrl), ".test.mjs"));
  const env = { base: null, server: null, browser: null };
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const f of readdirSync(ARTIFACTS)) if (f.startsWith(prefix)) rmSync(path.join(ARTIFACTS, f));
    env.server = await startServer();
    env.base = env.server.base;
    env.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      args: LAUNCH_ARGS,
      timeout: 60_000,
    });
  });
  after(async () => {
    if (env.browser) await env.browser.close();
    if (env.server) await env.server.stop();
  });

  env.run = (fn, contextOptions = {}) =>
    async function (t) {
      const { name: _view, ...options } = contextOptions;
      const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
      context.setDefaultTimeout(15_000);
      const origin = new URL(env.base).origin;
      const foreign = [];
      const errors = [];
      const guarded = new WeakSet();
      const guard = (page) => {
        if (guarded.has(page)) return;
        guarded.add(page);
        // Script errors and refusals by the server's Content-Security-Policy show here.
        page.on("console", (msg) => {
          if (msg.type() === "error") errors.push(`${page.url()}: ${msg.text()}`);
        });
        page.on("pageerror", (err) => errors.push(`${page.url()}: ${err.message}`));
        page.on("request", (req) => {
          const url = new URL(req.url());
          if (["data:", "blob:", "about:"].includes(url.protocol) || url.origin === origin) return;
          foreign.push(req.url());
        });
      };
      context.on("page", guard);
      // Nothing leaves the machine even if the site tried: such requests are recorded, then refused.
      await context.route(
        (url) => url.origin !== origin && !["data:", "blob:", "about:"].includes(url.protocol),
        (route) => route.abort("blockedbyclient"),
      );
      const page = await context.newPage();
      guard(page);
      try {
        await fn(page, t);
        assert.deepEqual(foreign, [], "the site requested another host than the server under test");
        assert.deepEqual(errors, [], "errors in the browser console");
      } catch (err) {
        const file = path.join(ARTIFACTS, `${prefix}-${slug(t.name)}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => {});
        t.diagnostic(`screenshot: ${path.relative(ROOT, file)}`);
        throw err;
      } finally {
        await context.close();
      }
    };
  env.url = (p) => env.base + p;
  return env;
}

/** Runs axe-core in the page; returns its violations. */
export async function axe(page) {
  // Evaluated through the DevTools protocol: the server's CSP (script-src 'self') still holds
  // for the page itself, which a <script> tag of our own would break.
  await page.evaluate(`${AXE_SOURCE}\n;undefined`);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const res = await axe.run(document, { resultTypes: ["violations"] });
    return res.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary, html: n.html.slice(0, 200) })),
    }));
  });
}

/** A readable account of axe violations for an assertion message. */
export function describeViolations(violations) {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n` + v.nodes.slice(0, 5).map((n) => `  ${n.target}\n    ${n.html}\n    ${(n.summary || "").replace(/\n/g, "\n    ")}`).join("\n"))
    .join("\n");
}
