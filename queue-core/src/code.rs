//! Appointment check-in codes: 8 Crockford base-32 characters and Crockford's mod-37 check symbol.
//!
//! A code carries 40 random bits (the server draws them; queue-core reads no entropy). It is
//! written `7K3M-QD9P-4` (two groups of four, then the check symbol) and read back tolerantly:
//! any case, `O` for 0, `I` and `L` for 1, hyphens and spaces anywhere. The check symbol
//! (the 40-bit value mod 37, Crockford's check alphabet `0-9 A-Z minus I L O U` then `* ~ $ = U`)
//! catches every single wrong character and every swap of two neighbours, so a mistyped code is
//! refused as mistyped before it is ever looked up.
//!
//! The site stores only a keyed hash of `Code::canonical` (see the server's `appointments`
//! module), never the code itself.

use std::fmt;

/// Crockford's base-32 alphabet: value → symbol.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Crockford's check symbols: value mod 37 → symbol (the 32 above, then five more).
pub const CHECK_ALPHABET: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";
/// Data characters in a code (40 bits).
pub const DATA_LEN: usize = 8;

/// A well-formed check-in code (its check symbol is right).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Code {
    /// The 40-bit value.
    value: u64,
}

/// Why a typed code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a code has {DATA_LEN} characters and a check character; this one has {0}")]
    Length(usize),
    #[error("'{0}' is not a character of a code (digits and letters except U)")]
    Character(char),
    #[error("the check character does not match: the code was mistyped")]
    Check,
}

/// The value of a data character, tolerant of case and of the look-alikes Crockford maps.
fn data_value(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET.iter().position(|&a| a as char == c).map(|p| p as u8)
}

/// The value of a check character (a data character, or one of `* ~ $ = U`).
fn check_value(c: char) -> Option<u8> {
    data_value(c).or_else(|| {
        CHECK_ALPHABET[32..].iter().position(|&a| a as char == c.to_ascii_uppercase()).map(|p| 32 + p as u8)
    })
}

impl Code {
    /// The code for 40 random bits (the server passes 5 bytes from its random source).
    pub fn from_bytes(bytes: [u8; 5]) -> Code {
        Code { value: bytes.iter().fold(0u64, |v, &b| (v << 8) | u64::from(b)) }
    }

    /// The code with this 40-bit value; `None` if the value is wider.
    pub fn from_value(value: u64) -> Option<Code> {
        (value < 1 << 40).then_some(Code { value })
    }

    pub fn value(self) -> u64 {
        self.value
    }

    /// Read a typed or scanned code: case, `O`/`I`/`L`, hyphens and spaces are forgiven; a wrong
    /// check character is not.
    pub fn parse(s: &str) -> Result<Code, CodeError> {
        let chars: Vec<char> = s.chars().filter(|c| !matches!(c, '-' | ' ' | '\t')).collect();
        if chars.len() != DATA_LEN + 1 {
            return Err(CodeError::Length(chars.len()));
        }
        let mut value = 0u64;
        for &c in &chars[..DATA_LEN] {
            let v = data_value(c).ok_or(CodeError::Character(c))?;
            value = (value << 5) | u64::from(v);
        }
        let check = chars[DATA_LEN];
        let cv = check_value(check).ok_or(CodeError::Character(check))?;
        if u64::from(cv) != value % 37 {
            return Err(CodeError::Check);
        }
        Ok(Code { value })
    }

    /// The eight data characters.
    fn data(self) -> [u8; DATA_LEN] {
        let mut out = [0u8; DATA_LEN];
        for (i, slot) in out.iter_mut().enumerate() {
            let shift = 5 * (DATA_LEN - 1 - i);
            *slot = ALPHABET[((self.value >> shift) & 31) as usize];
        }
        out
    }

    /// The check character.
    pub fn check_char(self) -> char {
        CHECK_ALPHABET[(self.value % 37) as usize] as char
    }

    /// Nine characters, no separators: what the site hashes and a QR slip carries.
    pub fn canonical(self) -> String {
        let mut s: String = self.data().iter().map(|&b| b as char).collect();
        s.push(self.check_char());
        s
    }

    /// A short reminder staff may see in the day's list (the first two characters): not enough
    /// to check in with.
    pub fn hint(self) -> String {
        self.data()[..2].iter().map(|&b| b as char).collect()
    }
}

impl fmt::Display for Code {
    /// `7K3M-QD9P-4`: easy to read aloud and to type.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.data();
        let s = |r: std::ops::Range<usize>| d[r].iter().map(|&b| b as char).collect::<String>();
        write!(f, "{}-{}-{}", s(0..4), s(4..8), self.check_char())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_format() {
        let c = Code::from_bytes([0x12, 0x34, 0x56, 0x78, 0x9a]);
        assert_eq!(c.value(), 0x12_3456_789a);
        let shown = c.to_string();
        assert_eq!(shown.len(), 11);
        assert_eq!(Code::parse(&shown), Ok(c));
        assert_eq!(Code::parse(&c.canonical()), Ok(c));
        assert_eq!(c.hint(), c.canonical()[..2]);
        expect_test::expect!["28T5-CY4T-Y"].assert_eq(&shown);
    }

    #[test]
    fn tolerant_reading() {
        let c = Code::parse("28T5-CY4T-Y").unwrap();
        assert_eq!(Code::parse(" 28t5 cy4t y "), Ok(c));
        assert_eq!(Code::parse("28t5cy4ty"), Ok(c));
        // O → 0, I and L → 1.
        let zeros = Code::from_value(0).unwrap();
        assert_eq!(zeros.to_string(), "0000-0000-0");
        assert_eq!(Code::parse("OOOO-oooo-o"), Ok(zeros));
        let ones = Code::from_value(0b00001_00001_00001_00001_00001_00001_00001_00001).unwrap();
        assert_eq!(Code::parse(&format!("ILil-1IlL-{}", ones.check_char())), Ok(ones));
    }

    #[test]
    fn refusals() {
        assert_eq!(Code::parse("28T5-CY4T"), Err(CodeError::Length(8)));
        assert_eq!(Code::parse("28T5-CY4T-YP"), Err(CodeError::Length(10)));
        assert_eq!(Code::parse("28T5-CU4T-Y"), Err(CodeError::Character('U')));
        assert_eq!(Code::parse("28T5-C#4T-Y"), Err(CodeError::Character('#')));
        assert_eq!(Code::parse("28T5-CY4T-Q"), Err(CodeError::Check));
        assert_eq!(Code::parse("28T5-CY4T-#"), Err(CodeError::Character('#')));
        assert_eq!(Code::from_value(1 << 40), None);
    }

    #[test]
    fn the_five_extra_check_symbols() {
        // Values ≡ 32..=36 (mod 37) take `* ~ $ = U`; each is accepted there and only there.
        for (rem, sym) in (32..37).zip(['*', '~', '$', '=', 'U']) {
            let c = Code::from_value(rem).unwrap();
            assert_eq!(c.check_char(), sym);
            assert_eq!(Code::parse(&c.canonical()), Ok(c));
            assert_eq!(Code::parse(&c.canonical().to_lowercase()), Ok(c));
        }
    }

    /// Every single-character substitution and every swap of two different neighbours in the
    /// data is refused (mod 37 is prime and larger than the alphabet), over many codes.
    #[test]
    fn every_single_typo_and_neighbour_swap_is_caught() {
        let mut v: u64 = 0x5a_5a5a_5a5a;
        for _ in 0..200 {
            v = (v.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407)) & ((1 << 40) - 1);
            let c = Code::from_value(v).unwrap();
            let s: Vec<char> = c.canonical().chars().collect();
            for i in 0..DATA_LEN {
                for &a in ALPHABET {
                    let mut t = s.clone();
                    if t[i] == a as char {
                        continue;
                    }
                    t[i] = a as char;
                    let typed: String = t.iter().collect();
                    assert_eq!(Code::parse(&typed), Err(CodeError::Check), "{typed} for {c}");
                }
                if i + 1 < DATA_LEN && s[i] != s[i + 1] {
                    let mut t = s.clone();
                    t.swap(i, i + 1);
                    let typed: String = t.iter().collect();
                    assert_eq!(Code::parse(&typed), Err(CodeError::Check), "{typed} for {c}");
                }
            }
        }
    }
}
