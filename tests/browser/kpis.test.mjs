// The KPI dashboard (/kpis/, /en/kpis/) in the four views of issue 16 (1366/390 px × light/dark):
// axe finds nothing; chart labels are whole and distinct; every value shows its year; Osaki's
// male childcare-leave target reads as a level to maintain, not as a fall from 50% to 10%; a
// phone gets one card per indicator, nothing wider than the screen; Aizuwakamatsu gets a line
// saying why it has no indicators; the CSV download is linked and served; the English page has
// no Japanese era year, no number glued to a unit word and no unmarked Japanese.
// Screenshots of both pages at both widths (light) land in artifacts/kpis-*.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { ARTIFACTS, VIEWS, axe, describeViolations, setup } from "./helpers.mjs";

const env = setup(import.meta.url);
const TIMEOUT = { timeout: 180_000 };

const PAGES = [
  { lang: "ja", path: "/kpis/", year: /（(R\d+年度|令和\d+年度|\d{4}年|毎年度|年度の記載なし)）$/, maintain: "維持 ≥ 10%（R7年度）", none: /数値目標が示されていません/ },
  { lang: "en", path: "/en/kpis/", year: / \((FY\d{4}|\d{4}|every year|year not stated)\)$/, maintain: "maintain ≥ 10% (FY2025)", none: /sets no numeric targets/ },
];

/** Text of `main` outside elements marked lang="ja", for the English page's language checks. */
function englishText(page) {
  return page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement.closest('[lang="ja"], title, desc, script, style')) continue;
      out.push(n.textContent);
    }
    // SVG <title>/<desc> are read aloud too: include them unless marked.
    for (const e of document.querySelectorAll("main svg title, main svg desc")) {
      if (!e.closest('[lang="ja"]')) out.push(e.textContent);
    }
    return out.join("\n");
  });
}

for (const view of VIEWS) {
  const phone = view.viewport.width < 600;
  test(`KPI dashboard ${view.name}`, TIMEOUT, env.run(async (page) => {
    for (const p of PAGES) {
      await page.goto(env.url(p.path));
      assert.equal(await page.getAttribute("html", "lang"), p.lang);

      const violations = await axe(page);
      assert.deepEqual(violations.map((v) => v.id), [], `${p.path} ${view.name}:\n${describeViolations(violations)}`);

      // Aizuwakamatsu: in the contents with 0 and a line of its own saying why.
      const aizu = page.locator('section[data-city="aizuwakamatsu"] .kpi-none');
      assert.ok(await aizu.isVisible(), "Aizuwakamatsu's line is shown");
      assert.match(await aizu.innerText(), p.none);
      assert.ok(await page.locator('nav.toc a[href="#kpi-aizuwakamatsu"]').isVisible());

      // The CSV download: linked, served with its byte-order mark and header.
      const link = page.locator('a[data-kpi-csv]');
      assert.ok(await link.isVisible(), "CSV link visible");
      assert.equal(await link.getAttribute("href"), "/data/kpis.csv");
      const res = await page.request.get(env.url("/data/kpis.csv"));
      assert.equal(res.status(), 200);
      const body = await res.body();
      assert.deepEqual([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf], "UTF-8 BOM");
      assert.match(body.subarray(3).toString("utf8"), /^id,city,city_ja,city_en,indicator_ja,indicator_en,baseline_year,baseline_value,comparator,target_year,target_value,unit,measure,url_ja,url_en/);

      // Every figure in the table shows its year (or says none is stated).
      const years = await page.locator("table.kpi-table td .year").allInnerTexts();
      assert.ok(years.length >= 25, `years in the table: ${years.length}`);
      for (const y of years) assert.ok(y.trim().length > 0, "an empty year");

      // Osaki's male childcare leave (osaki-kpi-18): a level to maintain, in words.
      const row = page.locator("#osaki-kpi-18");
      assert.match(await row.getAttribute("class"), /kpi-maintain/);
      assert.equal((await row.locator(".kpi-target .kpi-value").innerText()).trim(), p.maintain.replace(/[（(].*$/, "").trim());

      if (!phone) {
        // Charts: labels whole and distinct, each bar's words ending with its year.
        const charts = await page.locator("main svg.kpi-chart:not(.kpi-series-chart)").evaluateAll((svgs) =>
          svgs.map((svg) => ({
            id: svg.id,
            // A label's lines, without the spaces where they wrap (compared without whitespace).
            labels: [...svg.querySelectorAll("text.label")].map((t) => t.textContent.replace(/\s+/g, "")),
            bars: [...svg.querySelectorAll("rect[data-kind]")].map((r) => ({
              kpi: r.dataset.kpi,
              kind: r.dataset.kind,
              cls: r.getAttribute("class"),
              words: r.nextElementSibling?.textContent || "",
            })),
          })));
        assert.ok(charts.length >= 5, `pair charts: ${charts.length}`);
        const names = await page.locator("table.kpi-table th .kpi-name").allInnerTexts();
        for (const c of charts) {
          assert.equal(new Set(c.labels).size, c.labels.length, `${c.id}: labels distinct: ${c.labels.join(" | ")}`);
          for (const l of c.labels) {
            assert.ok(!l.endsWith("…"), `${c.id}: label cut: ${l}`);
            assert.ok(names.map((n) => n.replace(/\s+/g, "")).includes(l), `${c.id}: label is the whole indicator name: ${l}`);
          }
          for (const b of c.bars) assert.match(b.words, p.year, `${c.id} ${b.kpi} ${b.kind}: "${b.words}" has no year`);
        }
        const target18 = charts.flatMap((c) => c.bars).find((b) => b.kpi === "osaki-kpi-18" && b.kind === "target");
        assert.ok(target18, "osaki-kpi-18's target is drawn");
        assert.match(target18.cls, /kpi-floor/, "drawn as a floor to keep, not as a shorter bar");
        assert.equal(target18.words, p.maintain);
        // ≥ and ≤ in the charts.
        const words = charts.flatMap((c) => c.bars.map((b) => b.words)).join("\n");
        assert.ok(words.includes("≥") && words.includes("≤"), "comparators in the charts");
        // The series chart of Kofu's applicants shows its years.
        const series = await page.locator("#chart-kofu-kpi-01").textContent();
        for (const y of ["2014", "2019", "2024"]) assert.ok(series.includes(y), `series year ${y}`);
      } else {
        // Phone: no chart wider than the screen, one card per indicator.
        assert.equal(await page.locator("main .kpi-figure").first().isVisible(), false, "charts give way to cards");
        const m = await page.evaluate(() => {
          const root = document.documentElement;
          const cards = [...document.querySelectorAll("tr.kpi-row")].map((tr) => {
            const r = tr.getBoundingClientRect();
            const name = tr.querySelector("th[scope=row]").getBoundingClientRect();
            return { id: tr.id, left: r.left, right: r.right, width: r.width, nameWidth: name.width, display: getComputedStyle(tr).display };
          });
          return { sw: root.scrollWidth, cw: root.clientWidth, cards };
        });
        assert.ok(m.sw <= m.cw + 1, `the page is ${m.sw} px wide at ${m.cw} px`);
        assert.ok(m.cards.length >= 25, `cards: ${m.cards.length}`);
        for (const c of m.cards) {
          assert.equal(c.display, "block", `${c.id} is a card`);
          assert.ok(c.left >= 0 && c.right <= m.cw + 1, `${c.id} fits: ${JSON.stringify(c)}`);
          assert.ok(c.width > m.cw * 0.8, `${c.id} spans the screen: ${c.width}`);
          // The name runs across the card, not five characters a line.
          assert.ok(c.nameWidth > m.cw * 0.6, `${c.id}: name squeezed to ${c.nameWidth} px`);
        }
        const bars = page.locator("#osaki-kpi-18 svg.kpi-card-bars");
        assert.ok(await bars.isVisible(), "the maintain card has its bars");
        assert.equal(await bars.locator(".kpi-zone").count(), 1, "the card draws the level to keep");
        assert.ok(await page.locator("#osaki-kpi-05 .kpi-cell-label").first().isVisible(), "cells say what they hold");
      }

      if (p.lang === "en") {
        const text = await englishText(page);
        assert.doesNotMatch(text, /[RH]\d+年度|令和|平成/, "an era year on /en/kpis/");
        assert.doesNotMatch(text, /\d(people|persons|points|hours|days|departments|times)\b/, "a number glued to its unit");
        const ja = text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu) || [];
        assert.deepEqual(ja, [], "Japanese outside lang=\"ja\" on /en/kpis/");
        assert.match(text, /977 people/);
      }

      if (view.colorScheme === "light") {
        const file = path.join(ARTIFACTS, `kpis-${p.lang}-${view.viewport.width}.png`);
        await page.screenshot({ path: file, fullPage: true });
      }
    }
  }, view));
}
