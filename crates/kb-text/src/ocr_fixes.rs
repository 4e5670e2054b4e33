//! The repairs of `repair_chars` that change a word rather than its encoding: Cyrillic and
//! Greek look-alikes inside Latin acronyms (`ОJT` → `OJT`) and `×` read for the letter X
//! (`D×` → `DX`). `kb import` records each line they change as an OCR correction.

/// Latin capital letter look-alikes from Cyrillic and Greek, and a few lowercase ones.
fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic capitals
        'А' => 'A',
        'В' => 'B',
        'С' => 'C',
        'Е' => 'E',
        'Н' => 'H',
        'І' => 'I',
        'Ј' => 'J',
        'К' => 'K',
        'М' => 'M',
        'О' => 'O',
        'Р' => 'P',
        'Ѕ' => 'S',
        'Т' => 'T',
        'Х' => 'X',
        'У' | 'Ү' => 'Y',
        // Cyrillic lowercase
        'а' => 'a',
        'с' => 'c',
        'е' => 'e',
        'і' => 'i',
        'ј' => 'j',
        'о' => 'o',
        'р' => 'p',
        'ѕ' => 's',
        'х' => 'x',
        'у' => 'y',
        // Greek capitals
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        // Greek lowercase
        'ο' => 'o',
        _ => return None,
    })
}

/// Replaces Cyrillic/Greek look-alikes inside a run of letters that also contains ASCII Latin
/// letters (`ОJT` → `OJT`). A run made only of look-alikes (real Russian or Greek) is left alone.
pub(crate) fn fix_latin_lookalikes(text: &str) -> String {
    if !text.chars().any(|c| latin_lookalike(c).is_some()) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let in_run = |c: char| c.is_ascii_alphabetic() || latin_lookalike(c).is_some();
        if !in_run(c) {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && in_run(chars[i]) {
            i += 1;
        }
        let run = &chars[start..i];
        // A run touching other Cyrillic/Greek letters is part of a real word in that script.
        let touches_foreign = |k: Option<&char>| k.is_some_and(|&c| is_greek_or_cyrillic(c));
        let foreign_neighbour = touches_foreign(start.checked_sub(1).map(|k| &chars[k]))
            || touches_foreign(chars.get(i));
        let has_ascii = run.iter().any(|c| c.is_ascii_alphabetic());
        for &c in run {
            if has_ascii && !foreign_neighbour {
                out.push(latin_lookalike(c).unwrap_or(c));
            } else {
                out.push(c);
            }
        }
    }
    out
}

fn is_greek_or_cyrillic(c: char) -> bool {
    matches!(c, '\u{0370}'..='\u{03FF}' | '\u{0400}'..='\u{052F}') && c.is_alphabetic()
}

/// `×` right after an ASCII capital letter, not followed by a number, is the letter X misread
/// (`D×推進` → `DX推進`, `D×` → `DX`); `3×4` and `A × 3` stay.
pub(crate) fn fix_times_sign(text: &str) -> String {
    if !text.contains('×') {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '×' {
            let prev_upper = out
                .chars()
                .next_back()
                .is_some_and(|p| p.is_ascii_uppercase());
            let next = chars.get(i + 1).copied();
            let next_numeric = next.is_some_and(char::is_numeric);
            if prev_upper && !next_numeric {
                out.push('X');
                continue;
            }
        }
        out.push(c);
    }
    out
}
