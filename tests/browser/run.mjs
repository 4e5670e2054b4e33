// Runs every browser test against one `kb serve` (a build of the real repository takes a while;
// each test file would otherwise start its own). `node --test` alone works too: each file then
// starts its own server. Exit status and output are node's test runner's.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "./helpers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here).filter((f) => f.endsWith(".test.mjs")).sort().map((f) => path.join(here, f));
const server = await startServer();
let code = 1;
try {
  code = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--test", "--test-concurrency=1", ...files], {
      stdio: "inherit",
      env: { ...process.env, KB_BASE_URL: server.base },
    });
    child.on("error", reject);
    child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
} finally {
  await server.stop();
}
process.exit(code);
