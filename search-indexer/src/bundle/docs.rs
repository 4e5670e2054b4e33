//! `docs.bin`: what filtering, facets and scoring need of every document, as byte columns.
//!
//! A query for a common word matches a large share of the documents (研修: 78,000 of 196,000 at
//! N = 1,741), and totals and facets count every match, so the browser needs these columns for
//! all documents at once; as JSON rows they were 810 KB gzipped there, as these columns 270 KB.
//! The file is gzip-compressed here, so that what is transferred does not depend on the server
//! compressing binary files. Layout (little-endian):
//!
//! * `u32` header length `h`, then `h` bytes of JSON header: `documents`, the tables `cities`,
//!   `langs`, `kinds`, `themes` (what the column values index), `theme_sets` (each distinct set
//!   of themes as a list of indexes into `themes`), `norm_table` (tantivy's 256 fieldnorm values:
//!   field length = `norm_table[code]`, exactly what its BM25 uses), and `columns`: name →
//!   `{type, offset}` (type `u8`, `u16` or `i32`; offsets from the start of the file, 4-aligned);
//! * `city`: `u16` per document, index into `cities`, `0xFFFF` for none;
//! * `lang`, `kind`: `u8` per document, indexes into `langs` and `kinds`;
//! * `themes`: per document, index into `theme_sets` (`u8`, or `u16` past 256 sets): a few
//!   dozen sets recur, and a set number compresses better than a bitset per theme (130 KB) or a
//!   mask per document (59 KB; this column: 44 KB at N = 1,741);
//! * `norms`: per document, four fieldnorm codes (`u8`, [`super::FIELD_NAMES`] order) side by
//!   side: a document's four codes recur together (84 KB gzipped at N = 1,741, one column per
//!   field 172 KB);
//! * `twin`: `i32` per document, its translation's document number minus its own, 0 for none.

use std::collections::HashMap;
use std::io::Write;

use anyhow::{bail, Context, Result};
use serde_json::json;
use tantivy::fieldnorm::FieldNormReader;

use super::DocInfo;

/// The value of the `city` column for a document without a city.
pub const NO_CITY: u16 = u16::MAX;

/// Values in order of first appearance, each with its number (a hash map: 1,741 cities times
/// 196,000 documents is too many for a linear search).
#[derive(Default)]
struct Table<'a> {
    values: Vec<&'a str>,
    number: HashMap<&'a str, usize>,
}

impl<'a> Table<'a> {
    fn intern(&mut self, value: &'a str) -> usize {
        *self.number.entry(value).or_insert_with(|| {
            self.values.push(value);
            self.values.len() - 1
        })
    }
}

/// The bytes of `docs.bin` before compression: `docs` with their fieldnorm codes `norms` (per
/// document, one per analyzed field) and `twin`, per document how far its translation is in
/// document numbers (0: none).
pub(super) fn table(docs: &[DocInfo], norms: &[[u8; 4]], twin: &[i64]) -> Result<Vec<u8>> {
    let n = docs.len();
    let [mut cities, mut langs, mut kinds, mut themes] = [(); 4].map(|_| Table::default());
    let mut sets: Vec<Vec<usize>> = Vec::new();
    let mut set_number: HashMap<Vec<usize>, usize> = HashMap::new();
    let mut city = Vec::with_capacity(n);
    let mut lang = Vec::with_capacity(n);
    let mut kind = Vec::with_capacity(n);
    let mut doc_set = Vec::with_capacity(n);
    for d in docs {
        city.push(match &d.city {
            Some(c) => cities.intern(c),
            None => usize::from(NO_CITY),
        });
        lang.push(langs.intern(&d.lang));
        kind.push(kinds.intern(&d.kind));
        let mut t: Vec<usize> = d.themes.iter().map(|t| themes.intern(t)).collect();
        t.sort_unstable();
        t.dedup();
        let k = *set_number.entry(t.clone()).or_insert_with(|| {
            sets.push(t);
            sets.len() - 1
        });
        doc_set.push(k);
    }
    let (cities, langs, kinds, themes) = (cities.values, langs.values, kinds.values, themes.values);
    if cities.len() >= usize::from(NO_CITY) || langs.len() > 256 || kinds.len() > 256 {
        bail!(
            "docs.bin: {} cities, {} languages, {} kinds (at most 65,534, 256, 256)",
            cities.len(),
            langs.len(),
            kinds.len()
        );
    }
    let (set_type, set_bytes): (&str, Vec<u8>) = if sets.len() <= 256 {
        ("u8", doc_set.iter().map(|&k| k as u8).collect())
    } else if sets.len() <= 65_536 {
        let b = doc_set.iter().flat_map(|&k| (k as u16).to_le_bytes());
        ("u16", b.collect())
    } else {
        bail!(
            "docs.bin: {} distinct sets of themes (at most 65,536)",
            sets.len()
        );
    };
    let mut cols: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "city",
            "u16",
            city.iter()
                .flat_map(|&c| (c as u16).to_le_bytes())
                .collect(),
        ),
        ("lang", "u8", lang.iter().map(|&l| l as u8).collect()),
        ("kind", "u8", kind.iter().map(|&k| k as u8).collect()),
        ("themes", set_type, set_bytes),
        ("norms", "u8", norms.iter().flatten().copied().collect()),
    ];
    let twin: Vec<u8> = twin
        .iter()
        .flat_map(|&delta| (delta as i32).to_le_bytes())
        .collect();
    cols.push(("twin", "i32", twin));
    let norm_table: Vec<u32> = (0..=255u8).map(FieldNormReader::id_to_fieldnorm).collect();
    // Offsets depend on the header's length, which depends on the offsets: lay the columns out
    // after a header padded to a fixed width.
    let header = |offsets: &[usize]| {
        let columns: serde_json::Map<String, serde_json::Value> = cols
            .iter()
            .zip(offsets)
            .map(|((name, ty, _), off)| (name.to_string(), json!({"type": ty, "offset": off})))
            .collect();
        serde_json::to_vec(&json!({
            "documents": n,
            "cities": cities,
            "langs": langs,
            "kinds": kinds,
            "themes": themes,
            "theme_sets": sets,
            "norm_table": norm_table,
            "columns": columns,
        }))
        .context("serialising the docs.bin header")
    };
    let mut room = header(&vec![usize::MAX; cols.len()])?.len();
    room = (4 + room).next_multiple_of(4);
    let mut offsets = Vec::with_capacity(cols.len());
    let mut at = room;
    for (_, _, bytes) in &cols {
        offsets.push(at);
        at = (at + bytes.len()).next_multiple_of(4);
    }
    let mut head = header(&offsets)?;
    head.resize(room - 4, b' ');
    let mut out = Vec::with_capacity(at);
    out.extend((head.len() as u32).to_le_bytes());
    out.extend(head);
    for (_, _, bytes) in cols {
        out.extend(bytes);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    Ok(out)
}

/// gzip-compressed, as `docs.bin` is written (engine.js decompresses it; a host that sends it
/// already decompressed is recognised by the missing gzip magic).
pub(super) fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).context("compressing docs.bin")?;
    enc.finish().context("compressing docs.bin")
}

/// One document as `docs.bin` describes it ([`read`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocRow {
    pub city: Option<String>,
    pub lang: String,
    pub kind: String,
    pub themes: Vec<String>,
    /// Field lengths as tantivy's BM25 sees them (decoded fieldnorm codes), per analyzed field.
    pub norms: [u32; 4],
    /// The translation's document number.
    pub twin: Option<usize>,
}

/// Reads `docs.bin` as written (gzip-compressed) back into rows: what engine.js does, for the
/// tests and for checks of a built bundle.
pub fn read(gz: &[u8]) -> Result<Vec<DocRow>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut bytes)
        .context("docs.bin is not gzip data")?;
    let u32_at = |at: usize| -> Result<u32> {
        let b = bytes
            .get(at..at + 4)
            .context("docs.bin: truncated")?
            .try_into()
            .context("docs.bin: truncated")?;
        Ok(u32::from_le_bytes(b))
    };
    let h = u32_at(0)? as usize;
    let head: serde_json::Value =
        serde_json::from_slice(bytes.get(4..4 + h).context("docs.bin: truncated header")?)
            .context("docs.bin: header is not JSON")?;
    let strings = |key: &str| -> Vec<String> {
        head[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (cities, langs, kinds, themes) = (
        strings("cities"),
        strings("langs"),
        strings("kinds"),
        strings("themes"),
    );
    let n = head["documents"]
        .as_u64()
        .context("docs.bin: no document count")? as usize;
    let table: Vec<u32> = head["norm_table"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_u64().map(|x| x as u32))
                .collect()
        })
        .unwrap_or_default();
    let col = |name: &str, width: usize| -> Result<&[u8]> {
        let off = head["columns"][name]["offset"]
            .as_u64()
            .with_context(|| format!("docs.bin: no column {name}"))? as usize;
        if off % 4 != 0 {
            bail!("docs.bin: column {name} at {off} is not 4-aligned");
        }
        bytes
            .get(off..off + width)
            .with_context(|| format!("docs.bin: column {name} truncated"))
    };
    let sets: Vec<Vec<usize>> = serde_json::from_value(head["theme_sets"].clone())
        .context("docs.bin: theme_sets is not a list of lists of numbers")?;
    let set_width = if head["columns"]["themes"]["type"] == "u16" {
        2
    } else {
        1
    };
    let (city, lang, kind) = (col("city", 2 * n)?, col("lang", n)?, col("kind", n)?);
    let (set_of, norms, twin) = (
        col("themes", set_width * n)?,
        col("norms", 4 * n)?,
        col("twin", 4 * n)?,
    );
    let name = |table: &[String], k: usize| -> Result<String> {
        table
            .get(k)
            .cloned()
            .with_context(|| format!("docs.bin: index {k} outside its table"))
    };
    (0..n)
        .map(|d| {
            let c = u16::from_le_bytes([city[2 * d], city[2 * d + 1]]);
            let mut row_norms = [0u32; 4];
            for (f, v) in row_norms.iter_mut().enumerate() {
                *v = *table
                    .get(usize::from(norms[4 * d + f]))
                    .context("docs.bin: short norm table")?;
            }
            let delta = i32::from_le_bytes([
                twin[4 * d],
                twin[4 * d + 1],
                twin[4 * d + 2],
                twin[4 * d + 3],
            ]);
            let set = match set_width {
                2 => usize::from(u16::from_le_bytes([set_of[2 * d], set_of[2 * d + 1]])),
                _ => usize::from(set_of[d]),
            };
            let set = sets
                .get(set)
                .context("docs.bin: theme set outside its table")?;
            Ok(DocRow {
                city: (c != NO_CITY)
                    .then(|| name(&cities, usize::from(c)))
                    .transpose()?,
                lang: name(&langs, usize::from(lang[d]))?,
                kind: name(&kinds, usize::from(kind[d]))?,
                themes: set
                    .iter()
                    .map(|&t| name(&themes, t))
                    .collect::<Result<_>>()?,
                norms: row_norms,
                twin: (delta != 0).then(|| (d as i64 + i64::from(delta)) as usize),
            })
        })
        .collect()
}
