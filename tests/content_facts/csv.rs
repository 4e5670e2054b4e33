//! The CSV downloads of a build (`data/measures.csv`, `data/themes/<theme>.csv`) agree field by
//! field with `data/measures.json`, and every cell a spreadsheet would read as a formula
//! (starting with `=` `+` `-` `@`, a tab or a carriage return) is neutralised with a leading `'`.

use serde_json::Value;
use std::path::Path;

const HEADER: [&str; 14] = [
    "id",
    "city",
    "city_ja",
    "city_en",
    "title_ja",
    "title_en",
    "primary_theme",
    "themes",
    "status",
    "status_ja",
    "commitment",
    "commitment_ja",
    "url_ja",
    "url_en",
];

/// Parses RFC 4180 CSV as the build writes it: UTF-8 with a byte-order mark, CRLF line ends,
/// fields quoted when they hold `,` `"` or a line break.
pub fn parse(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    let text = text.strip_prefix('\u{feff}').ok_or("no byte-order mark")?;
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {
                if chars.next() != Some('\n') {
                    return Err("CR without LF".into());
                }
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\n') => return Err("bare LF line end".into()),
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("unterminated quote".into());
    }
    if !field.is_empty() || !row.is_empty() {
        return Err("last line without CRLF".into());
    }
    Ok(rows)
}

/// A value as a spreadsheet-safe cell: the build's neutralisation rule.
fn neutralised(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter().fold(v, |v, k| &v[*k]).as_str().unwrap_or("")
}

/// The cells measures.json determines, by column: (column, expected value).
fn expected(m: &Value, base: &str) -> Vec<(&'static str, String)> {
    let themes: Vec<&str> = m["themes"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let url = |lang: &str| {
        let u = str_at(m, &["url", lang]);
        if u.is_empty() {
            String::new()
        } else {
            format!("{base}{u}")
        }
    };
    vec![
        ("id", str_at(m, &["id"]).to_string()),
        ("city", str_at(m, &["city"]).to_string()),
        ("title_ja", str_at(m, &["title", "ja"]).to_string()),
        ("title_en", str_at(m, &["title", "en"]).to_string()),
        (
            "primary_theme",
            themes.first().copied().unwrap_or("").to_string(),
        ),
        ("themes", themes.join(";")),
        ("status", str_at(m, &["status"]).to_string()),
        ("commitment", str_at(m, &["commitment"]).to_string()),
        ("url_ja", url("ja")),
        ("url_en", url("en")),
    ]
}

/// The cell of `row` in column `col`.
fn cell<'a>(row: &'a [String], col: &str) -> &'a str {
    HEADER
        .iter()
        .position(|h| *h == col)
        .map_or("", |i| row[i].as_str())
}

/// Compares one CSV with the measures it should list; problems are pushed to `errors`.
fn compare(errors: &mut Vec<String>, name: &str, bytes: &[u8], measures: &[&Value], base: &str) {
    let rows = match parse(bytes) {
        Ok(r) => r,
        Err(e) => return errors.push(format!("{name}: {e}")),
    };
    // Theme CSVs add columns after these (tests/theme_exports.rs checks them).
    let width = rows.first().map_or(0, Vec::len);
    if rows.first().map(|h| &h[..HEADER.len().min(h.len())])
        != Some(HEADER.map(String::from).as_slice())
    {
        errors.push(format!("{name}: header {:?}", rows.first()));
        return;
    }
    if rows.len() - 1 != measures.len() {
        errors.push(format!(
            "{name}: {} rows, measures.json has {} measures for it",
            rows.len() - 1,
            measures.len()
        ));
    }
    for (i, (row, m)) in rows[1..].iter().zip(measures).enumerate() {
        let line = i + 2;
        if row.len() != width {
            errors.push(format!("{name}:{line}: {} fields", row.len()));
            continue;
        }
        for (col, want) in expected(m, base) {
            if cell(row, col) != neutralised(&want) {
                errors.push(format!(
                    "{name}:{line}: {col} is {:?}, measures.json gives {want:?}",
                    cell(row, col)
                ));
            }
        }
        // Columns measures.json does not carry: present exactly when their key is.
        for (label, key) in [
            ("city_ja", "city"),
            ("city_en", "city"),
            ("status_ja", "status"),
            ("commitment_ja", "commitment"),
        ] {
            if cell(row, label).is_empty() != cell(row, key).is_empty() {
                errors.push(format!("{name}:{line}: {label} {:?}", cell(row, label)));
            }
        }
        for (col, c) in HEADER.iter().zip(row) {
            if c.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                errors.push(format!("{name}:{line}: {col} starts a formula: {c:?}"));
            }
        }
    }
}

/// Checks every CSV of the build in `public` against its `data/measures.json`.
pub fn check_build(public: &Path, measures: &[Value], themes: &[String], base_url: &str) {
    let base = base_url.trim_end_matches('/');
    let data = public.join("data");
    let mut errors = Vec::new();
    let all: Vec<&Value> = measures.iter().collect();
    let read = |p: &Path| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    compare(
        &mut errors,
        "data/measures.csv",
        &read(&data.join("measures.csv")),
        &all,
        base,
    );
    for theme in themes {
        let of_theme: Vec<&Value> = measures
            .iter()
            .filter(|m| {
                m["themes"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|t| t.as_str() == Some(theme.as_str())))
            })
            .collect();
        let name = format!("data/themes/{theme}.csv");
        compare(
            &mut errors,
            &name,
            &read(&public.join(&name)),
            &of_theme,
            base,
        );
    }
    assert!(
        errors.is_empty(),
        "{} CSV problem(s):\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn parser_and_neutralisation() {
    let rows = parse("\u{feff}a,\"b,\"\"c\"\"\"\r\n'=1,\r\n".as_bytes()).unwrap();
    assert_eq!(rows, [vec!["a", "b,\"c\""], vec!["'=1", ""]]);
    assert!(parse(b"a\r\n").is_err());
    assert!(parse("\u{feff}a\n".as_bytes()).is_err());
    assert_eq!(neutralised("=SUM(A1)"), "'=SUM(A1)");
    assert_eq!(neutralised("-1"), "'-1");
    assert_eq!(neutralised("研修"), "研修");
}
