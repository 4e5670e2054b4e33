// Chapter reading (issue 16, item 1) at the four views (1366/390 px × light/dark): the previous
// and next chapter links, the table of contents that stays in view beside a chapter on a wide
// screen and comes before it as a plain list on a phone, the language switch that keeps the
// section being read, the Japanese original after each section of an English chapter, the
// city page's linked contents; axe finds nothing on these pages. Screenshots of a chapter in
// both languages at 1366 and 390 px go to artifacts/chapter-*.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { ARTIFACTS, VIEWS, axe, describeViolations, setup } from "./helpers.mjs";

const env = setup(import.meta.url);
const TIMEOUT = { timeout: 180_000 };
const CH = "/cities/takasaki/chapters/";
const LONG = CH + "03-basic-measures/";
const MIDDLE = CH + "02-guidelines/";

async function axeClean(page, what) {
  const violations = await axe(page);
  assert.equal(violations.length, 0, `axe on ${what}:\n${describeViolations(violations)}`);
}

/** The id of the section heading nearest the top of the window. */
function headingAtTop(page) {
  return page.evaluate(() => {
    let best = null;
    for (const h of document.querySelectorAll(".chapter-body :is(h2,h3,h4,h5,h6)[id]")) {
      const d = Math.abs(h.getBoundingClientRect().top);
      if (!best || d < best.d) best = { id: h.id, d };
    }
    return best && best.d < 150 ? best.id : null;
  });
}

for (const v of VIEWS) {
  const desktop = v.viewport.width >= 1100;

  test(`prev/next chapter links and the table of contents ${v.name}`, TIMEOUT, env.run(async (page) => {
    for (const prefix of ["", "/en"]) {
      await page.goto(env.url(prefix + MIDDLE));
      const prev = page.locator('main a[rel="prev"]');
      const next = page.locator('main a[rel="next"]');
      assert.ok((await prev.count()) >= 1 && (await next.count()) >= 1, "both links on a middle chapter");
      assert.equal(await prev.first().getAttribute("href"), prefix + CH + "01-introduction/");
      assert.equal(await next.first().getAttribute("href"), prefix + LONG);
      assert.equal(await page.locator('head link[rel="next"]').getAttribute("href"), prefix + LONG);
      // The last chapter has no next.
      await page.goto(env.url(prefix + LONG));
      assert.equal(await page.locator('main a[rel="next"]').count(), 0);
      assert.ok((await page.locator('main a[rel="prev"]').count()) >= 1);
      await page.locator('.chapter-nav a[rel="prev"]').click();
      await page.waitForURL(env.url(prefix + MIDDLE));
    }

    await page.goto(env.url(LONG));
    const toc = page.locator(".chapter-toc");
    const body = page.locator(".chapter-body");
    assert.ok((await toc.locator("a").count()) >= 10, "the sections are listed");
    const position = await toc.evaluate((el) => getComputedStyle(el).position);
    if (desktop) {
      assert.equal(position, "sticky");
      const [t, b] = [await toc.boundingBox(), await body.boundingBox()];
      assert.ok(t.x >= b.x + b.width, "the contents are beside the text");
      // Deep in the chapter the contents are still in view, and mark the section read.
      await page.locator("#s3-2").scrollIntoViewIfNeeded();
      await page.evaluate(() => document.getElementById("s3-2").scrollIntoView());
      await page.waitForTimeout(200);
      const box = await toc.boundingBox();
      assert.ok(box.y >= 0 && box.y < 40, `the contents stay at the top: y=${box.y}`);
      assert.ok(box.y + box.height <= v.viewport.height + 1, "and fit in the window");
      const current = page.locator('.chapter-toc a[aria-current="location"]');
      assert.equal(await current.count(), 1);
      assert.match(await current.getAttribute("href"), /^#s3/);
    } else {
      assert.notEqual(position, "sticky");
      const [t, b] = [await toc.boundingBox(), await body.boundingBox()];
      assert.ok(t.y + t.height <= b.y + 1, "on a phone the contents come before the text");
      assert.ok(t.width <= v.viewport.width, "and fit the width");
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no sideways scrolling of the page (${overflow}px)`);
    await axeClean(page, LONG);
  }, v));

  test(`the language switch keeps the section ${v.name}`, TIMEOUT, env.run(async (page) => {
    // From a link to a section, both ways.
    await page.goto(env.url(LONG + "#s1-4"));
    await page.click(".lang-switch");
    await page.waitForURL(env.url("/en" + LONG + "#s1-4"));
    await page.waitForTimeout(100);
    assert.equal(await headingAtTop(page), "s1-4");
    assert.match(await page.textContent("#s1-4"), /job rotation/i);
    await page.click(".lang-switch");
    await page.waitForURL(env.url(LONG + "#s1-4"));
    assert.match(await page.textContent("#s1-4"), /ジョブローテーション/);
    // From where the reader has scrolled to, without a link.
    await page.goto(env.url("/en" + LONG));
    await page.evaluate(() => document.getElementById("s2-1").scrollIntoView());
    await page.waitForTimeout(200);
    await page.click(".lang-switch");
    await page.waitForURL(env.url(LONG + "#s2-1"));
    await page.waitForTimeout(100);
    assert.equal(await headingAtTop(page), "s2-1");
    // A page read from its top opens the other language at its top.
    await page.goto(env.url(MIDDLE));
    await page.click(".lang-switch");
    await page.waitForURL(env.url("/en" + MIDDLE));
  }, v));

  test(`the Japanese original after each section, and screenshots ${v.name}`, TIMEOUT, env.run(async (page) => {
    await page.goto(env.url("/en" + LONG));
    const originals = page.locator("details.original-section");
    assert.ok((await originals.count()) >= 20, "an original per section");
    assert.equal(await page.locator("details.original:not(.original-section)").count(), 0, "no one block after the chapter");
    // The original of section s1-4 follows it and is its Japanese text.
    const after = await page.evaluate(() => {
      const h = document.getElementById("s1-4");
      let el = h.closest(".prose").nextElementSibling;
      return el && el.matches("details.original-section") ? el.querySelector('.prose[lang="ja"]').textContent : null;
    });
    assert.match(after || "", /ジョブローテーション/);
    const shot = v.name.endsWith("light") ? (desktop ? "1366" : "390") : null;
    await page.locator("#s1-4").scrollIntoViewIfNeeded();
    await page.evaluate(() => document.getElementById("s1-4").scrollIntoView());
    const details = page.locator("#s1-4").locator("xpath=ancestor::div[contains(@class,'prose')]/following-sibling::details[1]");
    await details.locator("summary").click();
    assert.equal(await details.evaluate((d) => d.open), true);
    // On a phone the section's text fills the window: show the end of it and its original.
    if (desktop) await page.evaluate(() => document.getElementById("s1-4").scrollIntoView());
    else await details.evaluate((d) => { d.scrollIntoView(); window.scrollBy(0, -240); });
    await page.waitForTimeout(150);
    await axeClean(page, "/en" + LONG);
    if (shot) await page.screenshot({ path: path.join(ARTIFACTS, `chapter-en-${shot}.png`) });

    await page.goto(env.url(LONG + "#s1-4"));
    await page.waitForTimeout(150);
    assert.equal(await page.locator("details.original-section").count(), 0, "the Japanese page is the original");
    if (shot) await page.screenshot({ path: path.join(ARTIFACTS, `chapter-ja-${shot}.png`) });
    if (shot) {
      await page.goto(env.url(LONG));
      await page.screenshot({ path: path.join(ARTIFACTS, `chapter-ja-top-${shot}.png`) });
    }
  }, v));

  test(`city page contents and measure section links ${v.name}`, TIMEOUT, env.run(async (page) => {
    await page.goto(env.url("/cities/takasaki/"));
    const contents = page.locator(".city-contents");
    const box = await contents.boundingBox();
    assert.ok(box.y < v.viewport.height, "the contents are on the first screen");
    await contents.locator(`a[href="${LONG}#s2"]`).click();
    await page.waitForURL(env.url(LONG + "#s2"));
    assert.equal(await headingAtTop(page), "s2");
    await page.goto(env.url("/en/cities/takasaki/"));
    for (const a of await page.locator(".page-sections a").all()) {
      const id = (await a.getAttribute("href")).slice(1);
      assert.equal(await page.locator(`[id="${id}"]`).count(), 1, `#${id} exists`);
    }
    await axeClean(page, "/en/cities/takasaki/");
    // A measure's chapter link opens its section.
    await page.goto(env.url("/cities/takasaki/measures/takasaki-16/"));
    const href = await page.locator('.facts a[href*="/chapters/"]').getAttribute("href");
    assert.match(href, /#s\d/);
    await page.locator('.facts a[href*="/chapters/"]').click();
    await page.waitForURL(env.url(href));
    assert.equal(await headingAtTop(page), href.split("#")[1]);
  }, v));
}
