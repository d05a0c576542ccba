//! Mobile numbers: per-country valid ranges, a collision-free numbering of
//! persons within those ranges, and the messy spellings dumps use.

use rand::Rng;

/// A country whose mobile numbers the generator can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Country {
    NL,
    BE,
    DE,
    FR,
    GB,
    ES,
    IT,
    EG,
    SA,
    US,
}

/// One block of mobile numbers: national significant number = `prefix`
/// followed by `digits` free digits.
struct Block {
    prefix: &'static str,
    digits: u32,
}

const fn b(prefix: &'static str, digits: u32) -> Block {
    Block { prefix, digits }
}

const NL_BLOCKS: &[Block] = &[b("61", 7), b("62", 7), b("63", 7), b("64", 7), b("65", 7)];
const BE_BLOCKS: &[Block] = &[
    b("455", 6),
    b("456", 6),
    b("460", 6),
    b("465", 6),
    b("466", 6),
    b("467", 6),
    b("468", 6),
    b("470", 6),
    b("471", 6),
    b("472", 6),
    b("473", 6),
    b("474", 6),
    b("475", 6),
    b("476", 6),
    b("477", 6),
    b("478", 6),
    b("479", 6),
    b("484", 6),
    b("485", 6),
    b("486", 6),
    b("487", 6),
    b("488", 6),
    b("489", 6),
    b("490", 6),
    b("491", 6),
    b("492", 6),
    b("493", 6),
    b("494", 6),
    b("495", 6),
    b("496", 6),
    b("497", 6),
    b("498", 6),
    b("499", 6),
];
const DE_BLOCKS: &[Block] = &[
    b("151", 8),
    b("152", 8),
    b("157", 8),
    b("160", 7),
    b("170", 7),
    b("171", 7),
    b("172", 7),
    b("175", 7),
];
const FR_BLOCKS: &[Block] = &[
    b("60", 7),
    b("61", 7),
    b("62", 7),
    b("64", 7),
    b("65", 7),
    b("66", 7),
    b("67", 7),
    b("68", 7),
    b("75", 7),
    b("76", 7),
    b("77", 7),
    b("78", 7),
];
const GB_BLOCKS: &[Block] = &[
    b("740", 7),
    b("741", 7),
    b("742", 7),
    b("743", 7),
    b("744", 7),
    b("746", 7),
    b("747", 7),
    b("748", 7),
    b("749", 7),
    b("753", 7),
    b("754", 7),
    b("755", 7),
    b("756", 7),
    b("757", 7),
    b("758", 7),
    b("759", 7),
    b("771", 7),
    b("772", 7),
    b("773", 7),
    b("774", 7),
    b("775", 7),
    b("776", 7),
    b("777", 7),
    b("780", 7),
    b("781", 7),
    b("784", 7),
    b("785", 7),
    b("786", 7),
    b("787", 7),
    b("788", 7),
    b("789", 7),
    b("790", 7),
    b("792", 7),
    b("794", 7),
    b("795", 7),
    b("796", 7),
    b("797", 7),
    b("798", 7),
    b("799", 7),
];
const ES_BLOCKS: &[Block] = &[b("6", 8)];
const IT_BLOCKS: &[Block] = &[b("32", 8), b("33", 8), b("34", 8), b("38", 8), b("39", 8)];
const EG_BLOCKS: &[Block] = &[b("10", 8), b("11", 8), b("12", 8), b("15", 8)];
const SA_BLOCKS: &[Block] = &[
    b("50", 7),
    b("53", 7),
    b("54", 7),
    b("55", 7),
    b("56", 7),
    b("59", 7),
];
const US_BLOCKS: &[Block] = &[
    b("2012", 6),
    b("2125", 6),
    b("2134", 6),
    b("3056", 6),
    b("3123", 6),
    b("4157", 6),
    b("6178", 6),
    b("6464", 6),
    b("7029", 6),
    b("7132", 6),
];

impl Country {
    /// Every supported country.
    pub const ALL: [Country; 10] = [
        Country::NL,
        Country::BE,
        Country::DE,
        Country::FR,
        Country::GB,
        Country::ES,
        Country::IT,
        Country::EG,
        Country::SA,
        Country::US,
    ];

    /// ISO 3166 code, upper case.
    pub fn code(self) -> &'static str {
        match self {
            Country::NL => "NL",
            Country::BE => "BE",
            Country::DE => "DE",
            Country::FR => "FR",
            Country::GB => "GB",
            Country::ES => "ES",
            Country::IT => "IT",
            Country::EG => "EG",
            Country::SA => "SA",
            Country::US => "US",
        }
    }

    /// Parses an ISO code (case-insensitive).
    pub fn from_code(s: &str) -> Option<Country> {
        let up = s.trim().to_ascii_uppercase();
        Country::ALL.into_iter().find(|c| c.code() == up)
    }

    /// Country calling code.
    pub fn calling_code(self) -> &'static str {
        match self {
            Country::NL => "31",
            Country::BE => "32",
            Country::DE => "49",
            Country::FR => "33",
            Country::GB => "44",
            Country::ES => "34",
            Country::IT => "39",
            Country::EG => "20",
            Country::SA => "966",
            Country::US => "1",
        }
    }

    fn blocks(self) -> &'static [Block] {
        match self {
            Country::NL => NL_BLOCKS,
            Country::BE => BE_BLOCKS,
            Country::DE => DE_BLOCKS,
            Country::FR => FR_BLOCKS,
            Country::GB => GB_BLOCKS,
            Country::ES => ES_BLOCKS,
            Country::IT => IT_BLOCKS,
            Country::EG => EG_BLOCKS,
            Country::SA => SA_BLOCKS,
            Country::US => US_BLOCKS,
        }
    }

    /// How many distinct numbers the country's blocks hold.
    pub fn capacity(self) -> u64 {
        self.blocks().iter().map(|b| 10u64.pow(b.digits)).sum()
    }
}

/// A bijection of `0..capacity` for one country: `index -> (a * index + c) mod n`
/// with `a` coprime to `n`, so distinct persons get distinct numbers.
#[derive(Debug, Clone, Copy)]
pub struct Numbering {
    a: u64,
    c: u64,
    n: u64,
}

fn gcd(mut x: u64, mut y: u64) -> u64 {
    while y != 0 {
        (x, y) = (y, x % y);
    }
    x
}

impl Numbering {
    /// A numbering for `country`, its constants drawn from `rng`.
    pub fn new(country: Country, rng: &mut impl Rng) -> Numbering {
        let n = country.capacity();
        let mut a = rng.gen_range(n / 3..n / 3 * 2) | 1;
        while gcd(a, n) != 1 {
            a += 2;
        }
        let c = rng.gen_range(0..n);
        Numbering { a, c, n }
    }

    /// The national significant number of person `index` (distinct for
    /// distinct `index < capacity`).
    pub fn national(&self, country: Country, index: u64) -> String {
        let mut k = ((u128::from(self.a) * u128::from(index) + u128::from(self.c))
            % u128::from(self.n)) as u64;
        for block in country.blocks() {
            let size = 10u64.pow(block.digits);
            if k < size {
                return format!(
                    "{}{:0width$}",
                    block.prefix,
                    k,
                    width = block.digits as usize
                );
            }
            k -= size;
        }
        // Unreachable: k < n = sum of block sizes.
        String::from(country.blocks()[0].prefix)
    }
}

/// Canonical E.164 spelling.
pub fn e164(country: Country, national: &str) -> String {
    format!("+{}{}", country.calling_code(), national)
}

/// Groups `s` into chunks of the given sizes (the rest as the last chunk),
/// joined by `sep`.
fn group(s: &str, sizes: &[usize], sep: &str) -> String {
    let mut parts = Vec::new();
    let mut rest = s;
    for &size in sizes {
        if rest.len() <= size {
            break;
        }
        let (head, tail) = rest.split_at(size);
        parts.push(head);
        rest = tail;
    }
    parts.push(rest);
    parts.join(sep)
}

/// Writes a number of `country` in one of the spellings real dumps use.
/// About `clean_share` of the values are clean E.164; national formats are
/// used only for NL and BE (foreign numbers always carry +CC or 00CC).
pub fn spell(country: Country, national: &str, clean_share: f64, rng: &mut impl Rng) -> String {
    if rng.gen_bool(clean_share) {
        return e164(country, national);
    }
    let cc = country.calling_code();
    match country {
        Country::NL => {
            // national = "6" + 8 digits
            let sub = &national[1..];
            match rng.gen_range(0..9) {
                0 => format!("06-{sub}"),
                1 => format!("0{national}"),
                2 => format!("+31 6 {sub}"),
                3 => format!("0031{national}"),
                4 => format!("+31(0)6 {}", group(sub, &[4], " ")),
                5 => format!("(0)6-{}", group(sub, &[4], " ")),
                6 => format!("31{national}"),
                7 => format!("tel:+31-6-{}", group(sub, &[4], "-")),
                _ => format!("06 {}", group(sub, &[2, 2, 2], " ")),
            }
        }
        Country::BE => {
            // national = "4xx" + 6 digits
            let (op, sub) = national.split_at(3);
            match rng.gen_range(0..7) {
                0 => format!("0{op}/{}", group(sub, &[2, 2], ".")),
                1 => format!("0{op} {}", group(sub, &[2, 2], " ")),
                2 => format!("+32 {op} {}", group(sub, &[2, 2], " ")),
                3 => format!("0032{national}"),
                4 => format!("32{national}"),
                5 => format!("0{national}"),
                _ => format!("+32 (0){op} {}", group(sub, &[2, 2], " ")),
            }
        }
        Country::US => {
            let (area, rest) = national.split_at(3);
            let (exch, line) = rest.split_at(3);
            match rng.gen_range(0..3) {
                0 => format!("+1 ({area}) {exch}-{line}"),
                1 => format!("001 {area} {exch} {line}"),
                _ => format!("+1-{area}-{exch}-{line}"),
            }
        }
        _ => {
            // FR writes 6 12 34 56 78; the others in threes.
            let sizes: &[usize] = if country == Country::FR {
                &[1, 2, 2, 2]
            } else {
                &[3, 3]
            };
            match rng.gen_range(0..3) {
                0 => format!("+{cc} {}", group(national, sizes, " ")),
                1 => format!("00{cc}{national}"),
                _ => format!("00{cc} {}", group(national, sizes, " ")),
            }
        }
    }
}

/// Unparsable phone values for junk rows.
pub const JUNK_PHONES: &[&str] = &[
    "06-123",
    "abc",
    "+31 6 123",
    "0470/12",
    "n.v.t.",
    "12",
    "00000",
];
