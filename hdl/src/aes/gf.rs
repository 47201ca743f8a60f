//! Galois-field arithmetic used at construction time to build the S-box and MixColumns
//! primitives: GF(2^8) with the AES polynomial, GF(2^4) with x^4 + x + 1, the tower field
//! GF((2^4)^2) and the linear maps between the AES field and the tower field.
//!
//! Nothing here runs in the simulated hardware; it produces tables for the primitives' Rust
//! models and the constants of their Verilog. It is written independently of
//! `mee-reference` (a table bug shared by both crates would be invisible to the tests).

use std::sync::OnceLock;

/// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1.
pub fn mul8(a: u8, b: u8) -> u8 {
    let mut product = 0u8;
    for bit in 0..8 {
        if (b >> bit) & 1 == 1 {
            let mut shifted = a;
            for _ in 0..bit {
                shifted = xtime(shifted);
            }
            product ^= shifted;
        }
    }
    product
}

/// The table of `c·x` for every byte x, for the constants 0..=15 (MixColumns coefficients).
pub fn mul_table(c: u8) -> &'static [u8; 256] {
    static TABLES: OnceLock<Vec<[u8; 256]>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        (0..16u8).map(|c| core::array::from_fn(|x| mul8(x as u8, c))).collect()
    });
    &tables[(c & 15) as usize]
}

/// Multiplication by x in GF(2^8).
pub fn xtime(a: u8) -> u8 {
    (a << 1) ^ if a & 0x80 != 0 { 0x1b } else { 0 }
}

/// The key-expansion round constant `Rcon[i] = x^(i-1)` (i >= 1).
pub fn rcon(i: usize) -> u8 {
    (1..i).fold(1u8, |r, _| xtime(r))
}

/// The affine map of the AES S-box without its constant: b_i ^ b_(i+4) ^ ... ^ b_(i+7).
pub fn affine_linear(a: u8) -> u8 {
    a ^ a.rotate_left(1) ^ a.rotate_left(2) ^ a.rotate_left(3) ^ a.rotate_left(4)
}

/// The affine constant of the AES S-box.
pub const AFFINE_CONSTANT: u8 = 0x63;

/// The forward and inverse S-box tables.
pub struct SboxTables {
    /// S(x).
    pub forward: [u8; 256],
    /// S^-1(x).
    pub inverse: [u8; 256],
}

/// The S-box tables, computed once from the field inverse and the affine map.
pub fn sbox_tables() -> &'static SboxTables {
    static TABLES: OnceLock<SboxTables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut forward = [0u8; 256];
        let mut inverse = [0u8; 256];
        for (x, entry) in forward.iter_mut().enumerate() {
            let inv = (1..256usize).find(|&y| mul8(x as u8, y as u8) == 1).unwrap_or(0) as u8;
            let s = affine_linear(inv) ^ AFFINE_CONSTANT;
            *entry = s;
            inverse[s as usize] = x as u8;
        }
        SboxTables { forward, inverse }
    })
}

/// Multiplication in GF(2^4) modulo x^4 + x + 1.
pub fn mul4(a: u8, b: u8) -> u8 {
    let mut p = 0u8;
    for bit in 0..4 {
        if (b >> bit) & 1 == 1 {
            p ^= a << bit;
        }
    }
    for bit in (4..7).rev() {
        if (p >> bit) & 1 == 1 {
            p ^= 0b10011 << (bit - 4);
        }
    }
    p & 0xf
}

/// Inverse in GF(2^4) (0 maps to 0).
pub fn inv4(a: u8) -> u8 {
    (1..16u8).find(|&b| mul4(a, b) == 1).unwrap_or(0)
}

/// An 8x8 matrix over GF(2), stored as the images of the eight basis vectors (columns).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinearMap {
    /// `columns[k]` is the image of bit k.
    pub columns: [u8; 8],
}

impl LinearMap {
    /// The map given by a linear function on bytes.
    pub fn from_fn(f: impl Fn(u8) -> u8) -> Self {
        Self { columns: core::array::from_fn(|k| f(1 << k)) }
    }

    /// Applies the map.
    pub fn apply(&self, x: u8) -> u8 {
        (0..8).filter(|k| (x >> k) & 1 == 1).fold(0, |acc, k| acc ^ self.columns[k])
    }

    /// Row masks: output bit `i` is the parity of `x & row_mask(i)`.
    pub fn row_mask(&self, i: usize) -> u8 {
        (0..8).filter(|&k| (self.columns[k] >> i) & 1 == 1).fold(0, |acc, k| acc | (1 << k))
    }

    /// The composition `self ∘ other` (apply `other` first).
    pub fn after(&self, other: &LinearMap) -> LinearMap {
        LinearMap::from_fn(|x| self.apply(other.apply(x)))
    }

    /// The inverse map, if the matrix is invertible.
    pub fn inverse(&self) -> Option<LinearMap> {
        let mut table = [None; 256];
        for x in 0..=255u8 {
            table[self.apply(x) as usize] = Some(x);
        }
        let mut columns = [0u8; 8];
        for (k, column) in columns.iter_mut().enumerate() {
            *column = table[1 << k]?;
        }
        Some(LinearMap { columns })
    }
}

/// The tower field GF((2^4)^2) = `GF(2^4)[y] / (y^2 + y + λ)` and its isomorphism with the AES
/// field. A tower element `ah·y + al` is packed as the byte `ah << 4 | al`.
#[derive(Clone, Copy, Debug)]
pub struct TowerField {
    /// λ, chosen so that y^2 + y + λ has no root in GF(2^4).
    pub lambda: u8,
    /// AES field to tower field.
    pub to_tower: LinearMap,
    /// Tower field to AES field.
    pub from_tower: LinearMap,
}

impl TowerField {
    /// Multiplication in the tower field.
    pub fn mul(&self, a: u8, b: u8) -> u8 {
        let (ah, al, bh, bl) = (a >> 4, a & 15, b >> 4, b & 15);
        let hh = mul4(ah, bh);
        let high = hh ^ mul4(ah, bl) ^ mul4(al, bh);
        let low = mul4(hh, self.lambda) ^ mul4(al, bl);
        high << 4 | low
    }

    /// Inversion by the norm formula the hardware uses:
    /// d = λ·ah² + ah·al + al², inverse = (ah·d⁻¹)·y + (ah + al)·d⁻¹.
    pub fn inverse(&self, a: u8) -> u8 {
        let (ah, al) = (a >> 4, a & 15);
        let d = mul4(mul4(ah, ah), self.lambda) ^ mul4(ah, al) ^ mul4(al, al);
        let di = inv4(d);
        mul4(ah, di) << 4 | mul4(ah ^ al, di)
    }
}

/// The tower field and isomorphism, found once by search.
pub fn tower_field() -> &'static TowerField {
    static FIELD: OnceLock<TowerField> = OnceLock::new();
    FIELD.get_or_init(|| {
        let lambda = (1..16u8)
            .find(|&l| (0..16u8).all(|t| mul4(t, t) ^ t != l))
            .unwrap_or(0);
        let mut partial = TowerField {
            lambda,
            to_tower: LinearMap { columns: [0; 8] },
            from_tower: LinearMap { columns: [0; 8] },
        };
        // β: a root of the AES polynomial x^8 + x^4 + x^3 + x + 1 in the tower field.
        for beta in 2..=255u8 {
            let mut powers = [1u8; 9];
            for k in 1..9 {
                powers[k] = partial.mul(powers[k - 1], beta);
            }
            if powers[8] ^ powers[4] ^ powers[3] ^ powers[1] ^ powers[0] != 0 {
                continue;
            }
            let map = LinearMap { columns: core::array::from_fn(|k| powers[k]) };
            if let Some(inv) = map.inverse() {
                partial.to_tower = map;
                partial.from_tower = inv;
                break;
            }
        }
        partial
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tower_isomorphism_preserves_products_and_inverses() {
        let f = tower_field();
        for a in 0..=255u8 {
            for b in [1u8, 2, 3, 0x53, 0xca, 0xff, a] {
                let lhs = f.to_tower.apply(mul8(a, b));
                let rhs = f.mul(f.to_tower.apply(a), f.to_tower.apply(b));
                assert_eq!(lhs, rhs, "a={a:#x} b={b:#x}");
            }
            let via_tower = f.from_tower.apply(f.inverse(f.to_tower.apply(a)));
            let direct = (0..=255u8).find(|&y| mul8(a, y) == 1).unwrap_or(0);
            assert_eq!(via_tower, direct);
        }
    }

    #[test]
    fn sbox_fips197_spot_values() {
        // FIPS-197 figure 7: S(0x00) = 0x63, S(0x53) = 0xed, S(0xff) = 0x16.
        let t = sbox_tables();
        assert_eq!(t.forward[0x00], 0x63);
        assert_eq!(t.forward[0x53], 0xed);
        assert_eq!(t.forward[0xff], 0x16);
        assert_eq!(t.inverse[0xed], 0x53);
    }
}
