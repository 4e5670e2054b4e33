//! Radical look-alikes: the Kangxi Radicals block (U+2F00–U+2FD5, all mapped by NFKC) and the
//! CJK Radicals Supplement block (U+2E80–U+2EF3, of which NFKC maps only ⺟ and ⻳).
//!
//! PDF fonts often map the glyph of an ordinary kanji to the code point of the radical that
//! looks the same (⼈ U+2F08 for 人, ⺠ U+2EA0 for 民, ⻑ U+2ED1 for 長). The supplement table
//! below is complete for every assigned code point of the block; it follows the equivalences
//! of Unicode's `EquivalentUnifiedIdeograph.txt`, choosing the Japanese form where the radical
//! is a Japanese shape (⻑→長, ⻝→食, ⻫→斉, ⻭→歯, ⻯→竜, ⻲→亀) and the simplified Chinese
//! ideograph where the radical is explicitly a C-simplified form (⻓→长).

use unicode_normalization::UnicodeNormalization;

/// CJK Radicals Supplement → unified ideograph. U+2E9A is unassigned.
pub(crate) const SUPPLEMENT: &[(char, char)] = &[
    ('\u{2E80}', '冫'), // ⺀ repeat
    ('\u{2E81}', '厂'), // ⺁ cliff
    ('\u{2E82}', '乛'), // ⺂ second one
    ('\u{2E83}', '乚'), // ⺃ second two
    ('\u{2E84}', '乙'), // ⺄ second three
    ('\u{2E85}', '亻'), // ⺅ person
    ('\u{2E86}', '冂'), // ⺆ box
    ('\u{2E87}', '几'), // ⺇ table
    ('\u{2E88}', '刀'), // ⺈ knife one
    ('\u{2E89}', '刂'), // ⺉ knife two
    ('\u{2E8A}', '卜'), // ⺊ divination
    ('\u{2E8B}', '㔾'), // ⺋ seal
    ('\u{2E8C}', '小'), // ⺌ small one
    ('\u{2E8D}', '小'), // ⺍ small two
    ('\u{2E8E}', '兀'), // ⺎ lame one
    ('\u{2E8F}', '尣'), // ⺏ lame two
    ('\u{2E90}', '尢'), // ⺐ lame three
    ('\u{2E91}', '𡯂'), // ⺑ lame four
    ('\u{2E92}', '巳'), // ⺒ snake
    ('\u{2E93}', '幺'), // ⺓ thread
    ('\u{2E94}', '彑'), // ⺔ snout one
    ('\u{2E95}', '彐'), // ⺕ snout two
    ('\u{2E96}', '忄'), // ⺖ heart one
    ('\u{2E97}', '㣺'), // ⺗ heart two
    ('\u{2E98}', '扌'), // ⺘ hand
    ('\u{2E99}', '攵'), // ⺙ rap
    ('\u{2E9B}', '旡'), // ⺛ choke
    ('\u{2E9C}', '日'), // ⺜ sun
    ('\u{2E9D}', '月'), // ⺝ moon
    ('\u{2E9E}', '歺'), // ⺞ death
    ('\u{2E9F}', '母'), // ⺟ mother
    ('\u{2EA0}', '民'), // ⺠ civilian
    ('\u{2EA1}', '氵'), // ⺡ water one
    ('\u{2EA2}', '氺'), // ⺢ water two
    ('\u{2EA3}', '灬'), // ⺣ fire
    ('\u{2EA4}', '爫'), // ⺤ paw one
    ('\u{2EA5}', '爫'), // ⺥ paw two
    ('\u{2EA6}', '丬'), // ⺦ simplified half tree trunk
    ('\u{2EA7}', '牛'), // ⺧ cow
    ('\u{2EA8}', '犭'), // ⺨ dog
    ('\u{2EA9}', '王'), // ⺩ jade
    ('\u{2EAA}', '疋'), // ⺪ bolt of cloth
    ('\u{2EAB}', '罒'), // ⺫ eye
    ('\u{2EAC}', '示'), // ⺬ spirit one
    ('\u{2EAD}', '礻'), // ⺭ spirit two
    ('\u{2EAE}', '竹'), // ⺮ bamboo
    ('\u{2EAF}', '糹'), // ⺯ silk
    ('\u{2EB0}', '纟'), // ⺰ c-simplified silk
    ('\u{2EB1}', '罓'), // ⺱ net one
    ('\u{2EB2}', '罒'), // ⺲ net two
    ('\u{2EB3}', '㓁'), // ⺳ net three
    ('\u{2EB4}', '罓'), // ⺴ net four
    ('\u{2EB5}', '网'), // ⺵ mesh
    ('\u{2EB6}', '羊'), // ⺶ sheep
    ('\u{2EB7}', '羊'), // ⺷ ram
    ('\u{2EB8}', '𦍌'), // ⺸ ewe
    ('\u{2EB9}', '耂'), // ⺹ old
    ('\u{2EBA}', '肀'), // ⺺ brush one
    ('\u{2EBB}', '聿'), // ⺻ brush two
    ('\u{2EBC}', '月'), // ⺼ meat
    ('\u{2EBD}', '臼'), // ⺽ mortar
    ('\u{2EBE}', '艹'), // ⺾ grass one
    ('\u{2EBF}', '艹'), // ⺿ grass two
    ('\u{2EC0}', '艹'), // ⻀ grass three
    ('\u{2EC1}', '虎'), // ⻁ tiger
    ('\u{2EC2}', '衤'), // ⻂ clothes
    ('\u{2EC3}', '覀'), // ⻃ west one
    ('\u{2EC4}', '西'), // ⻄ west two
    ('\u{2EC5}', '见'), // ⻅ c-simplified see
    ('\u{2EC6}', '角'), // ⻆ simplified horn
    ('\u{2EC7}', '角'), // ⻇ horn
    ('\u{2EC8}', '讠'), // ⻈ c-simplified speech
    ('\u{2EC9}', '贝'), // ⻉ c-simplified shell
    ('\u{2ECA}', '𧾷'), // ⻊ foot
    ('\u{2ECB}', '车'), // ⻋ c-simplified cart
    ('\u{2ECC}', '辶'), // ⻌ simplified walk
    ('\u{2ECD}', '辶'), // ⻍ walk one
    ('\u{2ECE}', '辶'), // ⻎ walk two
    ('\u{2ECF}', '阝'), // ⻏ city
    ('\u{2ED0}', '钅'), // ⻐ c-simplified gold
    ('\u{2ED1}', '長'), // ⻑ long one
    ('\u{2ED2}', '镸'), // ⻒ long two
    ('\u{2ED3}', '长'), // ⻓ c-simplified long
    ('\u{2ED4}', '门'), // ⻔ c-simplified gate
    ('\u{2ED5}', '阜'), // ⻕ mound one
    ('\u{2ED6}', '阝'), // ⻖ mound two
    ('\u{2ED7}', '雨'), // ⻗ rain
    ('\u{2ED8}', '青'), // ⻘ blue
    ('\u{2ED9}', '韦'), // ⻙ c-simplified tanned leather
    ('\u{2EDA}', '页'), // ⻚ c-simplified leaf
    ('\u{2EDB}', '风'), // ⻛ c-simplified wind
    ('\u{2EDC}', '飞'), // ⻜ c-simplified fly
    ('\u{2EDD}', '食'), // ⻝ eat one
    ('\u{2EDE}', '𩙿'), // ⻞ eat two
    ('\u{2EDF}', '飠'), // ⻟ eat three
    ('\u{2EE0}', '饣'), // ⻠ c-simplified eat
    ('\u{2EE1}', '首'), // ⻡ head
    ('\u{2EE2}', '马'), // ⻢ c-simplified horse
    ('\u{2EE3}', '骨'), // ⻣ bone
    ('\u{2EE4}', '鬼'), // ⻤ ghost
    ('\u{2EE5}', '鱼'), // ⻥ c-simplified fish
    ('\u{2EE6}', '鸟'), // ⻦ c-simplified bird
    ('\u{2EE7}', '卤'), // ⻧ c-simplified salt
    ('\u{2EE8}', '麦'), // ⻨ simplified wheat
    ('\u{2EE9}', '黄'), // ⻩ simplified yellow
    ('\u{2EEA}', '黾'), // ⻪ c-simplified frog
    ('\u{2EEB}', '斉'), // ⻫ j-simplified even
    ('\u{2EEC}', '齐'), // ⻬ c-simplified even
    ('\u{2EED}', '歯'), // ⻭ j-simplified tooth
    ('\u{2EEE}', '齿'), // ⻮ c-simplified tooth
    ('\u{2EEF}', '竜'), // ⻯ j-simplified dragon
    ('\u{2EF0}', '龙'), // ⻰ c-simplified dragon
    ('\u{2EF1}', '龜'), // ⻱ turtle
    ('\u{2EF2}', '亀'), // ⻲ j-simplified turtle
    ('\u{2EF3}', '龟'), // ⻳ c-simplified turtle
];

/// The unified ideograph a radical look-alike stands for, or `None` if `c` is not a radical
/// (Kangxi Radicals U+2F00–U+2FD5, CJK Radicals Supplement U+2E80–U+2EF3).
pub fn radical_to_ideograph(c: char) -> Option<char> {
    match c {
        '\u{2E80}'..='\u{2EF3}' => SUPPLEMENT
            .binary_search_by_key(&c, |&(r, _)| r)
            .ok()
            .map(|i| SUPPLEMENT[i].1),
        '\u{2F00}'..='\u{2FD5}' => {
            // Every Kangxi radical has a one-character compatibility mapping to its ideograph
            // (checked for the whole block by `whole_radical_blocks_are_mapped`).
            let mut it = std::iter::once(c).nfkc();
            match (it.next(), it.next()) {
                (Some(u), None) => Some(u),
                _ => None,
            }
        }
        _ => None,
    }
}
