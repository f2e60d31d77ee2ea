//! A small seeded mutator for the stable test: byte flips, insertions, deletions, duplicated
//! slices and characters that parsers find interesting, applied to valid samples.

/// Deterministic xorshift generator with the mutations built on it.
pub struct Mutator {
    state: u64,
}

const INTERESTING: &[&[u8]] = &[
    b"X",
    b"x",
    b"0",
    b"9",
    b".",
    b",",
    b"\"",
    b"\n",
    b"\r\n",
    b" ",
    b"-",
    b"\xef\xbb\xbf",
    "中".as_bytes(),
    "Ｘ".as_bytes(),
    b"\xff",
    b"\x00",
    b"{",
    b"}",
    b"[",
    b"]",
    b"null",
    b"1e309",
    b"-0",
    b"99999999999999999999",
    b"2026-02-29",
    b"9999-12-31",
];

impl Mutator {
    pub fn new(seed: u64) -> Mutator {
        Mutator { state: seed.max(1) }
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// A copy of `input` with one to four mutations.
    pub fn mutate(&mut self, input: &[u8]) -> Vec<u8> {
        let mut out = input.to_vec();
        for _ in 0..=self.below(4) {
            let at = self.below(out.len() + 1);
            match self.below(6) {
                0 if !out.is_empty() => {
                    let i = self.below(out.len());
                    out[i] ^= 1 << self.below(8);
                }
                1 if !out.is_empty() => {
                    let i = self.below(out.len());
                    out[i] = self.next_u64() as u8;
                }
                2 if at < out.len() => {
                    let len = 1 + self.below((out.len() - at).min(8));
                    out.drain(at..at + len);
                }
                3 => {
                    let piece = INTERESTING[self.below(INTERESTING.len())];
                    out.splice(at..at, piece.iter().copied());
                }
                4 if at < out.len() => {
                    let len = 1 + self.below((out.len() - at).min(64));
                    let slice = out[at..at + len].to_vec();
                    out.splice(at..at, slice);
                }
                _ => {
                    let byte = self.next_u64() as u8;
                    out.insert(at, byte);
                }
            }
        }
        out
    }
}
