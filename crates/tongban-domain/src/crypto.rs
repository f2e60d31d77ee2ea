//! SM3 hashing (GB/T 32905-2016) and HMAC-SM3 (RFC 2104 construction).

use sm3::{Digest, Sm3};

/// SM3 block size in bytes, used by HMAC.
const BLOCK: usize = 64;

/// SM3 digest of `bytes`.
pub fn sm3(bytes: &[u8]) -> [u8; 32] {
    Sm3::digest(bytes).into()
}

/// HMAC-SM3 of `msg` under `key` (RFC 2104 with a 64-byte block).
///
/// Keys longer than the block are first hashed with SM3, shorter ones are
/// zero-padded.
pub fn hmac_sm3(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&sm3(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let ipad = block.map(|b| b ^ 0x36);
    let opad = block.map(|b| b ^ 0x5c);
    let inner: [u8; 32] = Sm3::new()
        .chain_update(ipad)
        .chain_update(msg)
        .finalize()
        .into();
    Sm3::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// Lower-case hexadecimal rendering of a digest (or any bytes).
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sm3_of_abc_matches_the_standard_example() {
        assert_eq!(
            to_hex(&sm3(b"abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn sm3_of_the_64_byte_standard_example_matches() {
        assert_eq!(
            to_hex(&sm3("abcd".repeat(16).as_bytes())),
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
        );
    }

    // Expected values computed independently with Python 3.11:
    // hmac.new(key, msg, 'sm3').hexdigest() (OpenSSL's SM3).
    #[test]
    fn hmac_sm3_matches_an_independent_implementation() {
        assert_eq!(
            to_hex(&hmac_sm3(
                b"key",
                b"The quick brown fox jumps over the lazy dog"
            )),
            "bd4a34077888162b210645b8ebf74b9af357303789357a27c7fc457244ebd398"
        );
        assert_eq!(
            to_hex(&hmac_sm3(b"", b"")),
            "0d23f72ba15e9c189a879aefc70996b06091de6e64d31b7a84004356dd915261"
        );
    }

    #[test]
    fn hmac_sm3_hashes_keys_longer_than_the_block() {
        assert_eq!(
            to_hex(&hmac_sm3(&[b'k'; 100], b"abc")),
            "2d87dd3ffa1452e8e40d9123a02824fb7dd98ae4a52683287245f1736dc610ef"
        );
    }

    #[test]
    fn hmac_sm3_handles_keys_at_and_just_over_the_block_size() {
        let key: Vec<u8> = (0u8..65).collect();
        assert_eq!(
            to_hex(&hmac_sm3(&key[..64], b"tongban")),
            "748958e18a3e4ffa0dab5c970431206557a0273ffa963316519d9aa7c43f0be4"
        );
        assert_eq!(
            to_hex(&hmac_sm3(&key, b"tongban")),
            "5c0f648bab7afb513bcc9e944c2938c6351478a0ca7ae9f03dbd935d3f58c89f"
        );
    }

    #[test]
    fn constant_time_eq_compares_contents_and_lengths() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
