//! CSV exports for spreadsheet users: UTF-8 with a byte-order mark and CRLF line ends, so that
//! Excel opens Japanese text correctly by double-click.

use crate::content::Entry;
use crate::site::Site;

/// The columns of `measures.csv`, which each theme's CSV begins with.
pub(crate) const HEADER: [&str; 14] = [
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

/// One CSV cell. A value a spreadsheet would take for a formula (starting with `=` `+` `-` `@`,
/// a tab or a carriage return: CSV injection) gets a leading `'`, which Excel and LibreOffice
/// show as text and do not evaluate; then the cell is quoted if it needs to be.
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub(crate) fn to_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    for row in rows {
        let line: Vec<String> = row.iter().map(|f| field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// A page's URL for a spreadsheet cell: absolute when base_url names a host, so that Excel
/// opens it.
pub(crate) fn absolute(site: &Site, url: &str) -> String {
    site.base_url().absolute(url)
}

/// The `HEADER` columns of a measure (its Japanese entry `ja`) in `city`.
pub(crate) fn measure_row(site: &Site, city: &str, ja: &Entry) -> Vec<String> {
    let tr = |k: &str| site.config.trans(k, "ja");
    let themes = ja
        .front
        .taxonomies
        .get("themes")
        .cloned()
        .unwrap_or_default();
    let en = site.translation(ja);
    let m = ja.measure().cloned().unwrap_or_default();
    vec![
        ja.slug().to_string(),
        city.to_string(),
        site.city_name(city, "ja").to_string(),
        site.city_name(city, "en").to_string(),
        ja.title().to_string(),
        en.map(|e| e.title().to_string()).unwrap_or_default(),
        themes.first().cloned().unwrap_or_default(),
        themes.join(";"),
        m.status.clone().unwrap_or_default(),
        m.status
            .as_ref()
            .map(|s| tr(&format!("status_{s}")))
            .unwrap_or_default(),
        m.commitment.clone().unwrap_or_default(),
        m.commitment
            .as_ref()
            .map(|s| tr(&format!("commitment_{s}")))
            .unwrap_or_default(),
        absolute(site, &ja.url),
        en.map(|e| absolute(site, &e.url)).unwrap_or_default(),
    ]
}

/// One row per measure, optionally only those with `theme` among their themes.
pub fn measures_csv(site: &Site, theme: Option<&str>) -> Vec<u8> {
    let mut rows = vec![HEADER.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for city in site.cities() {
        for ja in site.measures(city, "ja") {
            let themes = ja
                .front
                .taxonomies
                .get("themes")
                .cloned()
                .unwrap_or_default();
            if theme.is_some_and(|t| !themes.iter().any(|x| x == t)) {
                continue;
            }
            rows.push(measure_row(site, city, ja));
        }
    }
    to_csv(&rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_fields_that_need_it() {
        let csv = to_csv(&[vec!["a,b".into(), "say \"hi\"".into(), "研修".into()]]);
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "\u{feff}\"a,b\",\"say \"\"hi\"\"\",研修\r\n"
        );
    }

    #[test]
    fn neutralises_cells_that_start_a_formula() {
        let row = ["=1+2", "+81", "-x", "@SUM(A1)", "\tz", "a=b", "研修"].map(String::from);
        let csv = to_csv(&[row.to_vec()]);
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "\u{feff}'=1+2,'+81,'-x,'@SUM(A1),'\tz,a=b,研修\r\n"
        );
        let quoted = to_csv(&[vec!["=HYPERLINK(\"x\",1)".into()]]);
        assert_eq!(
            String::from_utf8(quoted).unwrap(),
            "\u{feff}\"'=HYPERLINK(\"\"x\"\",1)\"\r\n"
        );
    }
}
