//! FIPS-197 AES key expansion, written from the standard (section 5.2), for AES-128 and
//! AES-256.
//!
//! The hardware decryption pipeline runs the key schedule backwards, so it starts from the
//! *decryption key form*: the last `Nk` words of the expanded key (round key 10 for AES-128,
//! round keys 13 and 14 for AES-256). [`decryption_key_form`] gives it.

/// The AES S-box, computed from its definition (multiplicative inverse in GF(2^8) followed by
/// the affine map of FIPS-197 section 5.1.1), not copied from a table.
pub fn sbox(x: u8) -> u8 {
    let inv = gf256_inverse(x);
    let mut out = 0x63u8;
    for bit in 0..8 {
        let b = (inv >> bit) & 1
            ^ (inv >> ((bit + 4) % 8)) & 1
            ^ (inv >> ((bit + 5) % 8)) & 1
            ^ (inv >> ((bit + 6) % 8)) & 1
            ^ (inv >> ((bit + 7) % 8)) & 1;
        out ^= b << bit;
    }
    out
}

/// The inverse AES S-box.
pub fn inverse_sbox(y: u8) -> u8 {
    (0..=255u8).find(|&x| sbox(x) == y).unwrap_or(0)
}

/// Multiplication in GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1.
pub fn gf256_mul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            p ^= a;
        }
        let carry = a & 0x80;
        a <<= 1;
        if carry != 0 {
            a ^= 0x1b;
        }
        b >>= 1;
    }
    p
}

/// Multiplicative inverse in GF(2^8), with 0 mapped to 0 (x^254).
pub fn gf256_inverse(x: u8) -> u8 {
    let mut result = 1u8;
    let mut power = x;
    let mut e = 254u32;
    while e != 0 {
        if e & 1 != 0 {
            result = gf256_mul(result, power);
        }
        power = gf256_mul(power, power);
        e >>= 1;
    }
    result
}

/// The round constant of key-expansion step `i` (1-based): x^(i-1) in GF(2^8).
pub fn rcon(i: usize) -> u8 {
    let mut r = 1u8;
    for _ in 1..i {
        r = gf256_mul(r, 2);
    }
    r
}

/// The expanded key as 4-byte words `w[0..4*(Nr+1))` (FIPS-197 figure 11).
///
/// Panics unless `key` is 16 or 32 bytes long.
pub fn expand_key_words(key: &[u8]) -> Vec<[u8; 4]> {
    let nk = key.len() / 4;
    assert!(nk == 4 || nk == 8, "AES key must be 16 or 32 bytes");
    let nr = nk + 6;
    let mut w: Vec<[u8; 4]> = key.chunks(4).map(|c| [c[0], c[1], c[2], c[3]]).collect();
    for i in nk..4 * (nr + 1) {
        let mut temp = w[i - 1];
        if i % nk == 0 {
            temp = [
                sbox(temp[1]) ^ rcon(i / nk),
                sbox(temp[2]),
                sbox(temp[3]),
                sbox(temp[0]),
            ];
        } else if nk > 6 && i % nk == 4 {
            temp = temp.map(sbox);
        }
        let prev = w[i - nk];
        w.push([prev[0] ^ temp[0], prev[1] ^ temp[1], prev[2] ^ temp[2], prev[3] ^ temp[3]]);
    }
    w
}

/// Round key `r` (0..=Nr) as 16 bytes.
pub fn round_key(words: &[[u8; 4]], r: usize) -> [u8; 16] {
    let mut out = [0u8; 16];
    for k in 0..4 {
        out[4 * k..4 * k + 4].copy_from_slice(&words[4 * r + k]);
    }
    out
}

/// The cipher key whose decryption key form ([`decryption_key_form`]) is `form`: the key
/// schedule run backwards from the last `Nk` words (`w[i - Nk] = w[i] ^ temp(w[i - 1])`).
/// Every 16- or 32-byte `form` has exactly one such key.
///
/// Panics unless `form` is 16 or 32 bytes long.
pub fn cipher_key_from_decryption_form(form: &[u8]) -> Vec<u8> {
    let nk = form.len() / 4;
    assert!(nk == 4 || nk == 8, "AES decryption key form must be 16 or 32 bytes");
    let total = 4 * (nk + 7);
    // window[j] holds w[base + j]; it starts as the last Nk words and moves down one word a step.
    let mut window: Vec<[u8; 4]> = form.chunks(4).map(|c| [c[0], c[1], c[2], c[3]]).collect();
    for i in (nk..total).rev() {
        // window = w[i - nk + 1 ..= i]; w[i - nk] = w[i] ^ temp(w[i - 1]).
        let mut temp = window[nk - 2];
        if i % nk == 0 {
            temp = [sbox(temp[1]) ^ rcon(i / nk), sbox(temp[2]), sbox(temp[3]), sbox(temp[0])];
        } else if nk > 6 && i % nk == 4 {
            temp = temp.map(sbox);
        }
        let last = window[nk - 1];
        let older = [last[0] ^ temp[0], last[1] ^ temp[1], last[2] ^ temp[2], last[3] ^ temp[3]];
        window.pop();
        window.insert(0, older);
    }
    window.iter().flatten().copied().collect()
}

/// The last `Nk` words of the expanded key, as bytes: what the decryption pipeline starts from.
pub fn decryption_key_form(key: &[u8]) -> Vec<u8> {
    let nk = key.len() / 4;
    let w = expand_key_words(key);
    w[w.len() - nk..].iter().flatten().copied().collect()
}
