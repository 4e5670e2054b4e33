// Site-wide chrome (issue 16, items 6 and 7): a phone header at most 100 px tall, search results
// on the first screen of a phone with the filters collapsed, "last updated" in every content
// page's footer, and a print footer with the site's name and the page's address (header,
// navigation, search and download links not printed). Saves the screenshots
// artifacts/chrome-{home,search}-{1366,390}-{light,dark}.png, which are committed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { ARTIFACTS, ROOT, VIEWS, setup } from "./helpers.mjs";

const env = setup(import.meta.url);
const TIMEOUT = { timeout: 120_000 };
const Q = encodeURIComponent("研修");
const view = (name) => VIEWS.find((v) => v.name === name);
const PHONE_PAGES = ["/", `/search/?q=${Q}`, "/cities/takasaki/measures/takasaki-16/", "/kpis/", "/themes/training/", "/cities/osaki/source/"];

for (const v of VIEWS.filter((v) => v.name.startsWith("phone"))) {
  test(`the header is at most 100 px tall at 390 px (${v.name})`, TIMEOUT, env.run(async (page) => {
    const tall = [];
    for (const prefix of ["", "/en"]) {
      for (const p of PHONE_PAGES) {
        await page.goto(env.url(prefix + p));
        const h = await page.locator(".site-header").evaluate((e) => e.getBoundingClientRect().height);
        if (h > 100) tall.push(`${prefix + p}: ${Math.round(h)} px`);
        // Everything in it is still there and usable: navigation, search box, language switch.
        for (const sel of [".main-nav a", "#site-search", ".search-box button", ".lang-switch"]) {
          assert.ok(await page.locator(sel).first().isVisible(), `${sel} visible on ${prefix + p}`);
        }
      }
    }
    assert.deepEqual(tall, [], "headers taller than 100 px");
  }, v));
}

test("on a phone the first search result is on the first screen, the filters one tap away", TIMEOUT, env.run(async (page) => {
  for (const prefix of ["", "/en"]) {
    await page.goto(env.url(`${prefix}/search/?q=${Q}`));
    const first = page.locator("#search-results .result").first();
    await first.waitFor();
    const top = await first.evaluate((e) => e.getBoundingClientRect().top);
    assert.ok(top < 844, `the first result starts at ${Math.round(top)} px on ${prefix}/search/`);
    const options = page.locator("#search-options");
    assert.equal(await options.evaluate((d) => d.open), false, "the filters start closed");
    assert.equal(await page.locator("#search-city").isVisible(), false);
    await options.locator("summary").click();
    for (const sel of ["#search-city", "#search-theme", "#search-lang", "#search-facets a"]) {
      assert.ok(await page.locator(sel).first().isVisible(), `${sel} shows once the filters open`);
    }
    // A filter still applies at once (the menus belong to the search form from outside it).
    await page.selectOption("#search-city", "osaki");
    await page.waitForURL((u) => u.searchParams.get("city") === "osaki");
    await page.locator("#search-results .result").first().waitFor();
    assert.equal(await page.inputValue("#search-city"), "osaki");
  }
}, view("phone-light")));

test("on a wide screen the filters stay open beside the results", TIMEOUT, env.run(async (page) => {
  await page.goto(env.url(`/search/?q=${Q}`));
  await page.locator("#search-results .result").first().waitFor();
  await page.locator("#search-facets a").first().waitFor();
  assert.equal(await page.locator("#search-options").evaluate((d) => d.open), true);
  const facets = await page.locator("#search-facets").boundingBox();
  const results = await page.locator("#search-results").boundingBox();
  assert.ok(facets.x + facets.width <= results.x, "the filters sit left of the results");
  const header = await page.locator(".site-header").evaluate((e) => e.getBoundingClientRect().height);
  assert.ok(header <= 70, `the wide header stays one row: ${header} px`);
  assert.equal(await page.locator(".brand").innerText(), "自治体人材育成ナレッジベース");
}, view("desktop-light")));

function inGit() {
  try {
    execFileSync("git", ["-C", ROOT, "rev-parse", "--is-inside-work-tree"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

test("content pages say when they were last updated, in their language", TIMEOUT, env.run(async (page, t) => {
  if (!inGit()) {
    t.skip("not a git checkout: pages carry no history date");
    return;
  }
  for (const [p, label] of [
    ["/", "最終更新"],
    ["/en/", "Last updated"],
    ["/cities/takasaki/measures/takasaki-16/", "最終更新"],
    ["/en/cities/takasaki/measures/takasaki-16/", "Last updated"],
    ["/cities/osaki/source/", "最終更新"],
  ]) {
    await page.goto(env.url(p));
    const line = page.locator(".site-footer .last-updated");
    assert.match(await line.innerText(), new RegExp(`^${label} \\d{4}-\\d{2}-\\d{2}$`), p);
    const when = await line.locator("time").getAttribute("datetime");
    assert.match(when, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(new Date(when) <= new Date(), `${p}: ${when} is not in the future`);
  }
}, view("desktop-light")));

test("print: the site's name and the page's address, no header, navigation, search or downloads", TIMEOUT, env.run(async (page) => {
  for (const p of ["/themes/training/", "/en/kpis/", "/themes/"]) {
    await page.goto(env.url(p));
    assert.equal(await page.locator(".print-footer").isVisible(), false, "the print footer is for paper only");
    await page.emulateMedia({ media: "print" });
    const footer = page.locator(".print-footer");
    assert.ok(await footer.isVisible(), `${p}: a print footer`);
    const text = await footer.innerText();
    assert.ok(text.includes(p.startsWith("/en/") ? "Municipal HR Development Knowledge Base" : "自治体人材育成ナレッジベース"), text);
    // base_url is the path "/" here, so the address is the page's path (a host would be named).
    assert.ok(await footer.locator(".print-url").innerText() === p, text);
    for (const sel of [".site-header", ".main-nav", ".search-box", "a[download]", 'a[href$=".csv"]', 'a[href$=".json"]']) {
      const shown = await page.locator(sel).evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0).length);
      assert.equal(shown, 0, `${p}: ${sel} is not printed`);
    }
    await page.emulateMedia({ media: "screen" });
  }
}, view("desktop-light")));

for (const v of VIEWS) {
  const width = v.viewport.width;
  const scheme = v.colorScheme;
  test(`screenshots: home and search at ${width} px, ${scheme}`, TIMEOUT, env.run(async (page, t) => {
    for (const [name, p] of [["home", "/"], ["search", `/search/?q=${Q}`]]) {
      await page.goto(env.url(p));
      if (name === "search") await page.locator("#search-results .result").first().waitFor();
      const file = path.join(ARTIFACTS, `chrome-${name}-${width}-${scheme}.png`);
      await page.screenshot({ path: file });
      t.diagnostic(`screenshot: ${path.relative(ROOT, file)}`);
    }
  }, v));
}
