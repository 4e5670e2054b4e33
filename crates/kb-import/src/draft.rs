//! The files of a draft content folder written by `kb import`, as text.

use crate::{CityNames, OcrCorrection, RepairedDocument};
use std::path::PathBuf;

/// A TOML basic string.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn corrections_toml(cs: &[OcrCorrection], key: &str) -> String {
    let mut out = String::new();
    for c in cs {
        out.push_str(&format!(
            "\n[[{key}]]\nline = {}\nsource = {}\ncorrected = {}\nnote = {{ ja = {}, en = {} }}\n",
            c.line,
            q(&c.source),
            q(&c.corrected),
            q(&c.note_ja),
            q(&c.note_en)
        ));
    }
    out
}

/// The files of a draft content folder, as (relative path, content).
pub fn render_files(
    city: &CityNames,
    source_name: &str,
    doc: &RepairedDocument,
) -> Vec<(PathBuf, String)> {
    let (ja_name, en_name) = (&city.ja, &city.en);
    let weight_line = city
        .weight
        .map(|w| format!("weight = {w}\n"))
        .unwrap_or_default();
    let mut files = Vec::new();

    // City page (Japanese).
    let mut ja = format!("+++\ntitle = {}\n{weight_line}[extra]\n", q(ja_name));
    ja.push_str(&format!(
        "# DRAFT written by `kb import` from {source_name}: complete the city data (see content/README.md).\n"
    ));
    if let Some(t) = &doc.title {
        ja.push_str(&format!("official_title = {}\n", q(t)));
    }
    if let Some((s, y, m)) = &doc.issued {
        ja.push_str(&format!(
            "issued = {}\nissued_year = {y}\nissued_month = {m}\n",
            q(s)
        ));
    }
    ja.push_str(&format!("source = {}\n", q(source_name)));
    ja.push_str(&corrections_toml(
        &doc.preamble_corrections,
        "extra.corrections",
    ));
    ja.push_str("+++\n");
    ja.push_str(&format!(
        "（下書き）{ja_name}の方針の紹介文をここに書きます。本文は章の一覧にあります。\n"
    ));
    if let Some((md, first, last)) = &doc.preamble {
        ja.push_str(&format!(
            "\n## 表紙・目次（原文 {first}〜{last}行、編集用）\n\n{md}"
        ));
    }
    files.push((PathBuf::from("_index.md"), ja));

    // City page (English).
    let mut en = format!("+++\ntitle = {}\n{weight_line}[extra]\n", q(en_name));
    en.push_str(&format!("source = {}\n+++\n", q(source_name)));
    en.push_str(&format!(
        "*Draft:* the introduction to {en_name}'s policy document is to be written, from the Japanese page. The text is in the chapter list.\n"
    ));
    files.push((PathBuf::from("_index.en.md"), en));

    // Chapter list.
    files.push((
        PathBuf::from("chapters/_index.md"),
        format!(
            "+++\ntitle = \"章\"\nsort_by = \"weight\"\n+++\n{ja_name}の方針の本文（章ごと）。\n"
        ),
    ));
    files.push((
        PathBuf::from("chapters/_index.en.md"),
        format!(
            "+++\ntitle = \"Chapters\"\nsort_by = \"weight\"\n+++\nThe text of {en_name}'s policy document, chapter by chapter.\n"
        ),
    ));

    for (i, c) in doc.chapters.iter().enumerate() {
        let weight = i + 1;
        let mut ja = format!(
            "+++\ntitle = {}\nweight = {weight}\n[extra]\nsource_lines = [{}, {}]\n",
            q(&c.title),
            c.first_line,
            c.last_line
        );
        ja.push_str(&corrections_toml(&c.corrections, "extra.corrections"));
        ja.push_str("+++\n");
        ja.push_str(&c.text);
        files.push((PathBuf::from(format!("chapters/{}.md", c.slug)), ja));

        let en = format!(
            "+++\ntitle = {}\nweight = {weight}\n[extra]\nsource_lines = [{}, {}]\n+++\n*The English translation of this chapter is to be written.* Japanese original: {} (source lines {}–{}).\n",
            q(&c.title_en),
            c.first_line,
            c.last_line,
            c.title.replace(['*', '_', '[', ']'], ""),
            c.first_line,
            c.last_line
        );
        files.push((PathBuf::from(format!("chapters/{}.en.md", c.slug)), en));
    }
    files
}
