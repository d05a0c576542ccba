//! Shared by the differential test and the benchmark: a deterministic generator
//! of messy phone-number inputs, and a driver for the Python reference
//! implementation (`scripts/phone_reference.py`).
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// A country for the generator: calling code, trunk prefix used in national
/// format, and national-significant-number templates (`d` = any digit, other
/// characters literal). Templates are realistic shapes, so many generated
/// numbers are valid and many are near misses.
struct Country {
    cc: &'static str,
    trunk: &'static str,
    templates: &'static [&'static str],
}

const NL: Country = Country {
    cc: "31",
    trunk: "0",
    templates: &[
        "6dddddddd",
        "61ddddddd",
        "62ddddddd",
        "64ddddddd",
        "65ddddddd",
        "68ddddddd",
        "10ddddddd",
        "20ddddddd",
        "30ddddddd",
        "40ddddddd",
        "70ddddddd",
        "13ddddddd",
        "15ddddddd",
        "23ddddddd",
        "24ddddddd",
        "26ddddddd",
        "35ddddddd",
        "43ddddddd",
        "50ddddddd",
        "53ddddddd",
        "55ddddddd",
        "58ddddddd",
        "71ddddddd",
        "72ddddddd",
        "76ddddddd",
        "79ddddddd",
        "85ddddddd",
        "88ddddddd",
        "91ddddddd",
        "97ddddddddd",
        "800dddd",
        "900dddd",
        "909dddd",
        "66ddddddd",
        "84ddddddd",
        "87ddddddd",
        "dddddddd",
        "ddddddddd",
        "dddddddddd",
    ],
};

const BE: Country = Country {
    cc: "32",
    trunk: "0",
    templates: &[
        "470dddddd",
        "471dddddd",
        "472dddddd",
        "473dddddd",
        "475dddddd",
        "476dddddd",
        "477dddddd",
        "478dddddd",
        "479dddddd",
        "483dddddd",
        "484dddddd",
        "485dddddd",
        "486dddddd",
        "487dddddd",
        "488dddddd",
        "489dddddd",
        "49ddddddd",
        "46ddddddd",
        "2ddddddd",
        "3ddddddd",
        "9ddddddd",
        "4ddddddd",
        "50dddddd",
        "51dddddd",
        "56dddddd",
        "59dddddd",
        "60dddddd",
        "64dddddd",
        "67dddddd",
        "71dddddd",
        "80dddddd",
        "87dddddd",
        "800ddddd",
        "90dddddd",
        "78dddddd",
        "dddddddd",
        "ddddddddd",
    ],
};

const FOREIGN: &[Country] = &[
    Country {
        cc: "49",
        trunk: "0",
        templates: &[
            "15dddddddd",
            "151dddddddd",
            "160ddddddd",
            "170ddddddd",
            "176dddddddd",
            "30dddddddd",
            "30ddddddd",
            "89ddddddd",
            "40dddddddd",
            "221dddddd",
            "69ddddddd",
            "ddddddddd",
        ],
    },
    Country {
        cc: "33",
        trunk: "0",
        templates: &[
            "6dddddddd",
            "7dddddddd",
            "1dddddddd",
            "4dddddddd",
            "9dddddddd",
            "8dddddddd",
        ],
    },
    Country {
        cc: "44",
        trunk: "0",
        templates: &[
            "7ddddddddd",
            "20dddddddd",
            "1dddddddd",
            "1ddddddddd",
            "3ddddddddd",
            "8ddddddddd",
        ],
    },
    Country {
        cc: "1",
        trunk: "1",
        templates: &[
            "2d2dddddddd",
            "212dddddddd",
            "415dddddddd",
            "ddddddddd",
            "dddddddddd",
        ],
    },
    Country {
        cc: "34",
        trunk: "",
        templates: &["6dddddddd", "7dddddddd", "9dddddddd", "8dddddddd"],
    },
    Country {
        cc: "39",
        trunk: "",
        templates: &[
            "3dddddddd",
            "3ddddddddd",
            "06dddddddd",
            "02dddddddd",
            "0ddddddd",
            "0ddddd",
        ],
    },
    Country {
        cc: "20",
        trunk: "0",
        templates: &[
            "10dddddddd",
            "11dddddddd",
            "12dddddddd",
            "15dddddddd",
            "2dddddddd",
        ],
    },
    Country {
        cc: "966",
        trunk: "0",
        templates: &["5dddddddd", "11ddddddd", "12ddddddd", "800ddddddd"],
    },
    Country {
        cc: "90",
        trunk: "0",
        templates: &["5ddddddddd", "2ddddddddd"],
    },
    Country {
        cc: "48",
        trunk: "",
        templates: &["5dddddddd", "6dddddddd", "2dddddddd"],
    },
    Country {
        cc: "212",
        trunk: "0",
        templates: &["6dddddddd", "5dddddddd"],
    },
    Country {
        cc: "7",
        trunk: "8",
        templates: &["9ddddddddd", "495ddddddd", "7ddddddddd"],
    },
    Country {
        cc: "61",
        trunk: "0",
        templates: &["4dddddddd", "2dddddddd"],
    },
    Country {
        cc: "55",
        trunk: "0",
        templates: &["11ddddddddd", "21dddddddd"],
    },
    Country {
        cc: "225",
        trunk: "",
        templates: &["0ddddddddd", "2ddddddddd"],
    },
    Country {
        cc: "800",
        trunk: "",
        templates: &["dddddddd"],
    },
];

/// Country calling codes that do not exist (or not as generated here).
const BAD_CC: &[&str] = &[
    "999", "0", "28", "42", "80", "83", "89", "210", "259", "969", "3",
];

const SEPARATORS: &[&str] = &[
    " ", " ", "-", ".", "/", "", " - ", "  ", "\u{a0}", "\u{2009}",
];
const EXTENSIONS: &[&str] = &[
    " ext. 12",
    " ext 345",
    " x 12",
    " x12",
    " #12",
    ";ext=12",
    " toestel 12",
    " Ext.7",
    " extension 99",
    " doorkies 12",
];
const PREFIX_WORDS: &[&str] = &[
    "Tel: ", "tel. ", "mob ", "phone: ", "T ", "☎ ", "Mobiel: ", "(", "\"", "'",
];
const SUFFIX_WORDS: &[&str] = &[" (mobiel)", " privé", ".", ",", ")", " !", " thuis", "\""];
const GARBAGE_POOL: &[char] = &[
    '0',
    '1',
    '2',
    '3',
    '4',
    '5',
    '6',
    '7',
    '8',
    '9',
    '0',
    '3',
    '6',
    ' ',
    '-',
    '.',
    '/',
    '(',
    ')',
    '+',
    '#',
    '*',
    ';',
    ':',
    ',',
    'a',
    'b',
    'e',
    'x',
    't',
    'T',
    'O',
    'l',
    'I',
    '=',
    '~',
    '\t',
    '\u{a0}',
    '\u{ff10}',
    '\u{ff13}',
    '\u{0661}',
    '\u{06f5}',
    '\u{0967}',
    '\u{ff0b}',
    '\u{2010}',
    '\u{2212}',
    '\u{3000}',
    'é',
    'ß',
    'Ж',
    '中',
    '🙂',
    '@',
    '%',
    '&',
    '_',
    '[',
    ']',
    '\r',
    '\u{b}',
    '\u{c}',
    '\u{85}',
    '\u{1680}',
    '\u{2028}',
    '\u{200b}',
    '\u{feff}',
    '\u{301}',
    '\u{1d7ce}',
    '\u{ff21}',
    'İ',
    'ı',
    'ſ',
    '\u{212a}',
    'ﬀ',
    '\\',
    '|',
    '<',
    '>',
    '!',
    '?',
    '$',
    '^',
    '\'',
    '"',
    '{',
];
const ALPHA_WORDS: &[&str] = &["FLOWERS", "CALL", "HELP", "taxi", "PIZZA", "ab", "NU"];

/// Unicode digit sets libphonenumber understands (decimal digits of other scripts).
const DIGIT_ZEROES: &[u32] = &[0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1D7CE];

fn fill_template(rng: &mut StdRng, t: &str) -> String {
    t.chars()
        .map(|c| {
            if c == 'd' {
                char::from(b'0' + rng.gen_range(0..10u8))
            } else {
                c
            }
        })
        .collect()
}

/// Randomly drops, adds, or changes digits (too few / too many digits).
fn mutate_digits(rng: &mut StdRng, nsn: &mut String) {
    match rng.gen_range(0..5) {
        0 => {
            for _ in 0..rng.gen_range(1..4) {
                if !nsn.is_empty() {
                    let i = rng.gen_range(0..nsn.len());
                    nsn.remove(i);
                }
            }
        }
        1 => {
            for _ in 0..rng.gen_range(1..4) {
                let i = rng.gen_range(0..=nsn.len());
                nsn.insert(i, char::from(b'0' + rng.gen_range(0..10u8)));
            }
        }
        2 => {
            if !nsn.is_empty() {
                let i = rng.gen_range(0..nsn.len());
                nsn.replace_range(i..=i, &rng.gen_range(0..10u8).to_string());
            }
        }
        3 => nsn.truncate(rng.gen_range(0..=nsn.len().min(4))),
        _ => {
            let extra: String = (0..rng.gen_range(5..12))
                .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
                .collect();
            nsn.push_str(&extra);
        }
    }
}

/// Splits digits into groups of 1–4 joined by one separator (sometimes mixed).
fn group(rng: &mut StdRng, digits: &str) -> String {
    let sep = *SEPARATORS.choose(rng).unwrap_or(&" ");
    let mixed = rng.gen_bool(0.1);
    let chars: Vec<char> = digits.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let paren_first = rng.gen_bool(0.08);
    let mut first = true;
    while i < chars.len() {
        let n = rng.gen_range(1..=4).min(chars.len() - i);
        if !first {
            out.push_str(if mixed {
                SEPARATORS.choose(rng).unwrap_or(&" ")
            } else {
                sep
            });
        }
        let g: String = chars[i..i + n].iter().collect();
        if first && paren_first {
            out.push('(');
            out.push_str(&g);
            out.push(')');
        } else {
            out.push_str(&g);
        }
        first = false;
        i += n;
    }
    out
}

fn unicode_digits(rng: &mut StdRng, s: &str) -> String {
    let zero = *DIGIT_ZEROES.choose(rng).unwrap_or(&0xFF10);
    let all = rng.gen_bool(0.7);
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii() && (all || rng.gen_bool(0.5)) => {
                char::from_u32(zero + d).unwrap_or(c)
            }
            _ => c,
        })
        .collect()
}

fn unicode_punct(rng: &mut StdRng, s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ' ' if rng.gen_bool(0.5) => *['\u{a0}', '\u{2009}', '\u{3000}', '\u{202f}']
                .choose(rng)
                .unwrap_or(&' '),
            '-' if rng.gen_bool(0.5) => {
                *['\u{2010}', '\u{2013}', '\u{2014}', '\u{2212}', '\u{ff0d}']
                    .choose(rng)
                    .unwrap_or(&'-')
            }
            '+' if rng.gen_bool(0.5) => '\u{ff0b}',
            '(' if rng.gen_bool(0.3) => '\u{ff08}',
            ')' if rng.gen_bool(0.3) => '\u{ff09}',
            '.' if rng.gen_bool(0.3) => '\u{ff0e}',
            '/' if rng.gen_bool(0.3) => '\u{ff0f}',
            _ => c,
        })
        .collect()
}

fn stray_letters(rng: &mut StdRng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    for _ in 0..rng.gen_range(1..4) {
        let letter = *[
            'a', 'b', 'o', 'O', 'l', 'I', 'x', 'e', 'Z', 'q', 'é', 'k', 'İ', 'ı',
        ]
        .choose(rng)
        .unwrap_or(&'a');
        let i = rng.gen_range(0..=chars.len());
        chars.insert(i, letter);
    }
    chars.into_iter().collect()
}

fn garbage(rng: &mut StdRng) -> String {
    match rng.gen_range(0..4) {
        // Anything from the pool.
        0 => {
            let n = rng.gen_range(0..30);
            (0..n)
                .map(|_| *GARBAGE_POOL.choose(rng).unwrap_or(&'0'))
                .collect()
        }
        // Digit-heavy: digits with separators, pluses and pool characters.
        1 => {
            let n = rng.gen_range(1..26);
            (0..n)
                .map(|_| match rng.gen_range(0..10) {
                    0..=5 => char::from(b'0' + rng.gen_range(0..10u8)),
                    6 => *[' ', '-', '.', '/', '(', ')'].choose(rng).unwrap_or(&' '),
                    7 => '+',
                    _ => *GARBAGE_POOL.choose(rng).unwrap_or(&'0'),
                })
                .collect()
        }
        // Vanity numbers (letters mapped to digits by libphonenumber).
        2 => {
            let word = ALPHA_WORDS.choose(rng).unwrap_or(&"CALL");
            let digits: String = (0..rng.gen_range(0..8))
                .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
                .collect();
            match rng.gen_range(0..4) {
                0 => format!("0800-{word}{digits}"),
                1 => format!("+31 {digits} {word}"),
                2 => format!("{digits}{word}"),
                _ => format!("+1 800 {word} {digits}"),
            }
        }
        // RFC 3966 oddities.
        _ => {
            let digits: String = (0..rng.gen_range(3..12))
                .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
                .collect();
            let ctx = *[
                "+31",
                "+32",
                "example.nl",
                "+",
                "+31-6",
                ".nl",
                "",
                "+3a",
                "-",
            ]
            .choose(rng)
            .unwrap_or(&"+31");
            match rng.gen_range(0..5) {
                0 => format!("tel:0{digits};phone-context={ctx}"),
                1 => format!("tel:{digits};phone-context={ctx};ext=1"),
                2 => format!("tel:+{digits};isub=12"),
                3 => format!("0{digits};phone-context={ctx}"),
                _ => format!("tel:+{digits};ext={digits}"),
            }
        }
    }
}

/// One messy input around a number of `country`.
fn render(rng: &mut StdRng, c: &Country) -> String {
    let template = c.templates.choose(rng).unwrap_or(&"dddddddd");
    let mut nsn = fill_template(rng, template);
    if rng.gen_bool(0.2) {
        mutate_digits(rng, &mut nsn);
    }
    let cc = if rng.gen_bool(0.03) {
        BAD_CC.choose(rng).unwrap_or(&"999")
    } else {
        c.cc
    };
    let grouped = group(rng, &nsn);
    let trunk0 = c.trunk == "0";
    let mut s = match rng.gen_range(0..20) {
        0..=3 => group(rng, &format!("{}{}", c.trunk, nsn)),
        4..=5 => format!("{}{}", c.trunk, grouped),
        6..=7 => format!("+{cc} {grouped}"),
        8 => format!("+{cc}{nsn}"),
        9 => format!("00{cc} {grouped}"),
        10 => format!("00{cc}{}{nsn}", if rng.gen_bool(0.5) { " " } else { "" }),
        11..=12 => format!("{cc}{}{grouped}", if rng.gen_bool(0.5) { " " } else { "" }),
        13 if trunk0 => format!("+{cc} (0){grouped}"),
        13 => format!("+{cc} {grouped}"),
        14 if trunk0 => format!(
            "{}{cc} (0) {grouped}",
            if rng.gen_bool(0.5) { "00" } else { "" }
        ),
        14 => format!("({cc}) {grouped}"),
        15 => {
            let dashed = group(rng, &nsn).replace([' ', '.', '/', '\u{a0}', '\u{2009}'], "-");
            match rng.gen_range(0..4) {
                0 => format!("tel:+{cc}-{dashed}"),
                1 => format!("tel:+{cc}-{dashed};ext=12"),
                2 => format!("tel:{}{nsn};phone-context=+{cc}", c.trunk),
                _ => format!("TEL:+{cc}{nsn}"),
            }
        }
        16 => format!("+{cc} {grouped}{}", EXTENSIONS.choose(rng).unwrap_or(&"")),
        17 => format!(
            "{}{grouped}{}",
            c.trunk,
            EXTENSIONS.choose(rng).unwrap_or(&"")
        ),
        18 => format!(
            "{}{cc} {}{grouped}",
            if rng.gen_bool(0.5) { "+" } else { "00" },
            c.trunk
        ),
        _ => format!("0{cc}{nsn}"),
    };
    // Decorations.
    if rng.gen_bool(0.05) {
        s = stray_letters(rng, &s);
    }
    if rng.gen_bool(0.04) {
        s = unicode_digits(rng, &s);
    }
    if rng.gen_bool(0.05) {
        s = unicode_punct(rng, &s);
    }
    if rng.gen_bool(0.04) {
        s = format!("{}{s}", PREFIX_WORDS.choose(rng).unwrap_or(&""));
    }
    if rng.gen_bool(0.04) {
        s.push_str(SUFFIX_WORDS.choose(rng).unwrap_or(&""));
    }
    if rng.gen_bool(0.04) {
        s = format!(
            "{}{s}{}",
            [" ", "\t", "\u{a0}", "  "].choose(rng).unwrap_or(&" "),
            [" ", "\t", "", "\u{3000}"].choose(rng).unwrap_or(&"")
        );
    }
    s
}

/// `n` deterministic messy inputs: about 40% around Dutch numbers, 30% Belgian,
/// 22% other countries, 8% random garbage (character soup, digit soup, vanity
/// numbers, `tel:` URI oddities), plus fixed edge cases. No input contains `\n`.
pub fn generate_inputs(seed: u64, n: usize) -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(n);
    let fixed_edge_cases = [
        "",
        " ",
        "+",
        "00",
        "0",
        "06",
        "tel:",
        "tel:+",
        "+31",
        "0031",
        "31",
        "32",
        "+32",
        "ext. 12",
        "abc",
        "1-800-FLOWERS",
        "0800-FLOWERS",
        "0800-CALL\u{17f}12",
        "0800-CALL\u{212a}12",
        "0800-CALL\u{131}",
        "06-1234567\u{130}8",
        "+31 6 1234 5678 ext. 12",
        "tel:+31-6-1234-5678;ext=12",
        "tel:0612345678;phone-context=+31",
        "tel:0612345678;phone-context=example.nl",
        "06-12345678,",
        "06-12345678 (mobiel)",
        "+31 6 CALLNOW",
        "06-12345678",
        "0031 6 12345678",
        "+32 470 12 34 56",
        "0470/12.34.56",
        "(0)6 1234 5678",
        "+31 (0)6 12345678",
        "tel:+31-6-1234-5678",
        "+31 20 123 4567 ext. 12",
        "31612345678",
        "32470123456",
        "0488 12 34 56",
        "+31 6 1234 5678 9",
        &"1".repeat(251),
        &format!("31{}612345678", " ".repeat(239)),
        &format!("+31{}612345678", " ".repeat(239)),
    ];
    for s in fixed_edge_cases {
        out.push(s.to_string());
    }
    while out.len() < n {
        let roll = rng.gen_range(0..100);
        let s = match roll {
            0..=39 => render(&mut rng, &NL),
            40..=69 => render(&mut rng, &BE),
            70..=91 => {
                let c = FOREIGN.choose(&mut rng).unwrap_or(&NL);
                render(&mut rng, c)
            }
            _ => garbage(&mut rng),
        };
        let s = if rng.gen_bool(0.01) {
            // Rarely: mangle one character into a pool character.
            let mut chars: Vec<char> = s.chars().collect();
            if !chars.is_empty() {
                let i = rng.gen_range(0..chars.len());
                chars[i] = *GARBAGE_POOL.choose(&mut rng).unwrap_or(&'x');
            }
            chars.into_iter().collect()
        } else {
            s
        };
        out.push(s.replace(['\n'], " "));
    }
    out
}

/// `n` deterministic messy Dutch and Belgian inputs with the default region to
/// read them with (mostly their own region, 20% the other one), for the benchmark.
pub fn generate_nl_be_records(seed: u64, n: usize) -> Vec<(&'static str, String)> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let dutch = rng.gen_bool(0.5);
            let input = render(&mut rng, if dutch { &NL } else { &BE }).replace('\n', " ");
            let own = rng.gen_bool(0.8);
            let region = if dutch == own { "NL" } else { "BE" };
            (region, input)
        })
        .collect()
}

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

/// The Python interpreter with the reference `phonenumbers`: `$LEKRADAR_PYTHON`,
/// else `<workspace>/.venv/bin/python`. Panics (fails the test) when missing.
pub fn python() -> PathBuf {
    let (path, origin) = match std::env::var_os("LEKRADAR_PYTHON") {
        Some(p) if !p.is_empty() => (PathBuf::from(p), "LEKRADAR_PYTHON"),
        _ => (
            workspace_root().join(".venv/bin/python"),
            "the default <workspace>/.venv/bin/python",
        ),
    };
    assert!(
        path.exists(),
        "Python interpreter {} (from {origin}) does not exist: run scripts/test-deps.sh \
         to create .venv with the reference phonenumbers package",
        path.display()
    );
    path
}

pub fn reference_script() -> PathBuf {
    workspace_root().join("scripts/phone_reference.py")
}

/// Runs the reference script once over all `(region, input)` records, with
/// extra arguments (e.g. `--bench`), and returns its stdout.
pub fn run_reference(records: &[(&str, &str)], args: &[&str]) -> String {
    let mut payload = String::new();
    for (region, input) in records {
        assert!(!input.contains('\n'), "inputs must not contain newlines");
        payload.push_str(region);
        payload.push('\t');
        payload.push_str(input);
        payload.push('\n');
    }
    let mut child = Command::new(python())
        .arg(reference_script())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("failed to start the Python reference (run scripts/test-deps.sh)");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        stdin
            .write_all(payload.as_bytes())
            .expect("write to python");
    });
    let output = child.wait_with_output().expect("python output");
    writer.join().expect("writer thread");
    assert!(
        output.status.success(),
        "scripts/phone_reference.py failed: {}",
        output.status
    );
    String::from_utf8(output.stdout).expect("python output is UTF-8")
}

/// The `phonenumbers` version the reference interpreter has.
pub fn reference_version() -> String {
    run_reference(&[], &["--version"]).trim().to_string()
}

/// The version pinned in `scripts/phonenumbers-version`.
pub fn pinned_version() -> String {
    std::fs::read_to_string(workspace_root().join("scripts/phonenumbers-version"))
        .expect("scripts/phonenumbers-version")
        .trim()
        .to_string()
}
