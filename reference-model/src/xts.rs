//! XTS-AES (IEEE Std 1619) as mee uses it.
//!
//! A 16-byte block at physical byte address `a` with data-unit size `DU` has data-unit
//! sequence number `i = a / DU` and block index `j = (a mod DU) / 16`;
//! `T = AES-Enc(key2, i) ⊗ α^j`, `C = AES-Enc(key1, P ⊕ T) ⊕ T`.
//!
//! The block-level functions ([`encrypt_block`], [`decrypt_block`], [`tweak`]) use the `aes`
//! crate for the block cipher and an independent GF(2^128) doubling; the data-unit functions
//! ([`encrypt_data_unit`], [`decrypt_data_unit`]) delegate to `xts-mode`, the authority.

use aes::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use aes::{Aes128, Aes256};
use xts_mode::{get_tweak_default, Xts128};

/// Why a key pair or an XTS call was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum XtsError {
    /// A key is not 16 or 32 bytes, or the two keys differ in size.
    #[error("XTS keys must both be 16 or both be 32 bytes, got {0} and {1}")]
    KeySize(usize, usize),
    /// A data unit shorter than one block.
    #[error("an XTS data unit must be at least 16 bytes, got {0}")]
    DataUnitLength(usize),
}

/// An XTS key pair: `key1` encrypts the data, `key2` the tweak.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPair {
    /// The data key.
    pub key1: Vec<u8>,
    /// The tweak key.
    pub key2: Vec<u8>,
}

impl KeyPair {
    /// A key pair; both keys must be 16 bytes (AES-128) or both 32 bytes (AES-256).
    pub fn new(key1: &[u8], key2: &[u8]) -> Result<Self, XtsError> {
        if key1.len() != key2.len() || (key1.len() != 16 && key1.len() != 32) {
            return Err(XtsError::KeySize(key1.len(), key2.len()));
        }
        Ok(Self { key1: key1.to_vec(), key2: key2.to_vec() })
    }

    /// True when key1 equals key2, which IEEE 1619-2018 forbids and the key table refuses.
    pub fn is_weak(&self) -> bool {
        self.key1 == self.key2
    }
}

/// AES encryption of one block with a 16- or 32-byte key (the `aes` crate).
pub fn aes_encrypt(key: &[u8], block: [u8; 16]) -> [u8; 16] {
    let mut b = Array::from(block);
    match key.len() {
        16 => Aes128::new(&Array::try_from(key).expect("16-byte key")).encrypt_block(&mut b),
        32 => Aes256::new(&Array::try_from(key).expect("32-byte key")).encrypt_block(&mut b),
        n => panic!("AES key of {n} bytes"),
    }
    b.into()
}

/// AES decryption of one block with a 16- or 32-byte key (the `aes` crate).
pub fn aes_decrypt(key: &[u8], block: [u8; 16]) -> [u8; 16] {
    let mut b = Array::from(block);
    match key.len() {
        16 => Aes128::new(&Array::try_from(key).expect("16-byte key")).decrypt_block(&mut b),
        32 => Aes256::new(&Array::try_from(key).expect("32-byte key")).decrypt_block(&mut b),
        n => panic!("AES key of {n} bytes"),
    }
    b.into()
}

/// Multiplication by α (x) in GF(2^128), IEEE 1619 convention: the block is a little-endian
/// 128-bit integer, shifted left by one, and 0x87 is added to byte 0 when bit 127 falls out.
pub fn mul_alpha(t: [u8; 16]) -> [u8; 16] {
    let v = u128::from_le_bytes(t);
    let carry = v >> 127;
    ((v << 1) ^ (carry * 0x87)).to_le_bytes()
}

/// `t ⊗ α^j`.
pub fn mul_alpha_pow(t: [u8; 16], j: u64) -> [u8; 16] {
    (0..j).fold(t, |acc, _| mul_alpha(acc))
}

/// The data-unit sequence number `i` as the 16-byte tweak input (little-endian).
pub fn dusn_block(dusn: u128) -> [u8; 16] {
    dusn.to_le_bytes()
}

/// `(i, j)` of the block at byte address `addr` with data units of `du` bytes.
pub fn split_address(addr: u64, du: u64) -> (u128, u64) {
    (u128::from(addr / du), (addr % du) / 16)
}

/// `T = AES-Enc(key2, i) ⊗ α^j`.
pub fn tweak(key2: &[u8], dusn: u128, j: u64) -> [u8; 16] {
    mul_alpha_pow(aes_encrypt(key2, dusn_block(dusn)), j)
}

fn xor(a: [u8; 16], b: [u8; 16]) -> [u8; 16] {
    let mut o = [0u8; 16];
    for k in 0..16 {
        o[k] = a[k] ^ b[k];
    }
    o
}

/// XTS encryption of the 16-byte block at byte address `addr` (16-byte aligned).
pub fn encrypt_block(keys: &KeyPair, addr: u64, data_unit_bytes: u64, plaintext: [u8; 16]) -> [u8; 16] {
    let (i, j) = split_address(addr, data_unit_bytes);
    let t = tweak(&keys.key2, i, j);
    xor(aes_encrypt(&keys.key1, xor(plaintext, t)), t)
}

/// XTS decryption of the 16-byte block at byte address `addr` (16-byte aligned).
pub fn decrypt_block(keys: &KeyPair, addr: u64, data_unit_bytes: u64, ciphertext: [u8; 16]) -> [u8; 16] {
    let (i, j) = split_address(addr, data_unit_bytes);
    let t = tweak(&keys.key2, i, j);
    xor(aes_decrypt(&keys.key1, xor(ciphertext, t)), t)
}

fn check_unit(data: &[u8]) -> Result<(), XtsError> {
    if data.len() < 16 {
        Err(XtsError::DataUnitLength(data.len()))
    } else {
        Ok(())
    }
}

/// XTS encryption of a whole data unit with sequence number `dusn` by `xts-mode`
/// (ciphertext stealing included for lengths that are not a multiple of 16).
pub fn encrypt_data_unit(keys: &KeyPair, dusn: u128, data: &mut [u8]) -> Result<(), XtsError> {
    check_unit(data)?;
    let tweak = get_tweak_default(dusn);
    match keys.key1.len() {
        16 => Xts128::new(
            Aes128::new(&Array::try_from(&keys.key1[..]).expect("16 bytes")),
            Aes128::new(&Array::try_from(&keys.key2[..]).expect("16 bytes")),
        )
        .encrypt_sector(data, tweak),
        _ => Xts128::new(
            Aes256::new(&Array::try_from(&keys.key1[..]).expect("32 bytes")),
            Aes256::new(&Array::try_from(&keys.key2[..]).expect("32 bytes")),
        )
        .encrypt_sector(data, tweak),
    }
    Ok(())
}

/// XTS decryption of a whole data unit with sequence number `dusn` by `xts-mode`.
pub fn decrypt_data_unit(keys: &KeyPair, dusn: u128, data: &mut [u8]) -> Result<(), XtsError> {
    check_unit(data)?;
    let tweak = get_tweak_default(dusn);
    match keys.key1.len() {
        16 => Xts128::new(
            Aes128::new(&Array::try_from(&keys.key1[..]).expect("16 bytes")),
            Aes128::new(&Array::try_from(&keys.key2[..]).expect("16 bytes")),
        )
        .decrypt_sector(data, tweak),
        _ => Xts128::new(
            Aes256::new(&Array::try_from(&keys.key1[..]).expect("32 bytes")),
            Aes256::new(&Array::try_from(&keys.key2[..]).expect("32 bytes")),
        )
        .decrypt_sector(data, tweak),
    }
    Ok(())
}
