//! The reference model (`mee-reference`) against the standards: IEEE 1619 and NIST XTS vectors at
//! data-unit level, the block-level XTS against the data-unit level (vectors and random data
//! units), FIPS-197 AES vectors, the FIPS-197 key expansion and the key-pair rules.

use mee_reference::key_schedule::{
    cipher_key_from_decryption_form, decryption_key_form, expand_key_words, inverse_sbox, round_key, sbox,
};
use mee_reference::xts::{
    aes_decrypt, aes_encrypt, decrypt_block, decrypt_data_unit, encrypt_block, encrypt_data_unit,
    mul_alpha,
};
use mee_reference::{KeyPair, XtsError};
use mee_testbench::seed::test_seed;
use mee_testbench::vectors::{
    ieee1619_vectors, nist_vectors, vectors_dir, XtsVector, IEEE1619_FILE,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Decodes hex written in a test.
fn h(text: &str) -> Vec<u8> {
    hex::decode(text).expect("hex in a test")
}

/// Decodes a 16-byte block written in a test.
fn block(text: &str) -> [u8; 16] {
    h(text).try_into().expect("16 bytes")
}

/// The 16-byte block `k` of a data unit.
fn block_at(data: &[u8], k: usize) -> [u8; 16] {
    data[16 * k..16 * k + 16].try_into().expect("a whole block")
}

/// The key pair of a vector.
fn keys_of(v: &XtsVector) -> KeyPair {
    KeyPair::new(&v.key1, &v.key2).unwrap_or_else(|e| panic!("{}: {e}", v.name))
}

/// Runs a vector through the data-unit functions in both directions; `Err` describes a mismatch.
fn check_data_unit(v: &XtsVector) -> Result<(), String> {
    let keys = keys_of(v);
    let mut data = v.plaintext.clone();
    encrypt_data_unit(&keys, v.dusn, &mut data)
        .map_err(|e| format!("{}: encrypt refused: {e}", v.name))?;
    if data != v.ciphertext {
        return Err(format!(
            "{}: encrypt gives {}, expected {}",
            v.name,
            hex::encode(&data),
            hex::encode(&v.ciphertext)
        ));
    }
    let mut data = v.ciphertext.clone();
    decrypt_data_unit(&keys, v.dusn, &mut data)
        .map_err(|e| format!("{}: decrypt refused: {e}", v.name))?;
    if data != v.plaintext {
        return Err(format!(
            "{}: decrypt gives {}, expected {}",
            v.name,
            hex::encode(&data),
            hex::encode(&v.plaintext)
        ));
    }
    Ok(())
}

#[test]
fn every_ieee1619_vector_through_the_data_unit_functions() {
    let vectors = ieee1619_vectors().expect("IEEE 1619 vectors");
    // Count the tables in the file independently of the loader.
    let text = std::fs::read_to_string(vectors_dir().unwrap().join(IEEE1619_FILE)).unwrap();
    let in_file = text.lines().filter(|l| l.trim() == "[[vector]]").count();
    assert_eq!(in_file, 19, "IEEE 1619-2007 Annex B has 19 vectors");
    assert_eq!(
        vectors.len(),
        in_file,
        "the loader read {} of {in_file} vectors",
        vectors.len()
    );

    let mut failures = Vec::new();
    let mut checked = 0;
    for v in &vectors {
        match check_data_unit(v) {
            Ok(()) => checked += 1,
            Err(e) => failures.push(e),
        }
    }
    println!("IEEE 1619 vectors checked (encrypt and decrypt): {checked} of {in_file}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, in_file);
}

#[test]
fn ieee1619_vectors_have_the_documented_shapes() {
    let vectors = ieee1619_vectors().unwrap();
    // Vector 1: key1 == key2, all zero.
    assert!(vectors[0].has_equal_keys() && vectors[0].key1.iter().all(|&b| b == 0));
    assert!(keys_of(&vectors[0]).is_weak());
    assert_eq!(
        vectors.iter().filter(|v| v.has_equal_keys()).count(),
        1,
        "only vector 1 has key1 == key2"
    );
    // Vectors 15 to 18: ciphertext stealing, 17 to 20 bytes.
    let stealing: Vec<usize> = vectors[14..18]
        .iter()
        .map(|v| v.data_unit_bytes().unwrap())
        .collect();
    assert_eq!(stealing, vec![17, 18, 19, 20]);
    assert!(vectors.iter().any(|v| v.aes_bits == 128) && vectors.iter().any(|v| v.aes_bits == 256));
}

#[test]
fn every_usable_nist_vector_through_the_data_unit_functions() {
    let vectors = nist_vectors().expect("NIST vectors");
    let mut failures = Vec::new();
    let (mut taken, mut skipped) = (0usize, 0usize);
    let (mut aes128, mut aes256, mut full_tweak) = (0usize, 0usize, 0usize);
    for v in &vectors {
        match v.data_unit_bytes() {
            Some(bytes) if bytes >= 16 => {}
            _ => {
                skipped += 1;
                continue;
            }
        }
        taken += 1;
        match v.aes_bits {
            128 => aes128 += 1,
            _ => aes256 += 1,
        }
        if v.dusn > u128::from(u64::MAX) {
            full_tweak += 1;
        }
        if let Err(e) = check_data_unit(v) {
            failures.push(e);
        }
    }
    println!(
        "NIST XTS vectors: {taken} taken (AES-128 {aes128}, AES-256 {aes256}, {full_tweak} with a dusn beyond 64 bits), \
         {skipped} skipped, {} failed",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(taken > 200, "only {taken} NIST vectors taken");
    assert!(aes128 > 0 && aes256 > 0, "both key sizes must be covered");
    assert!(full_tweak > 0, "128-bit tweaks must be covered");
}

/// Compares `encrypt_block`/`decrypt_block` on every block of a power-of-two data unit with
/// the given data-unit level plaintext and ciphertext. Returns the number of blocks compared.
fn check_blocks(
    keys: &KeyPair,
    dusn: u64,
    du: u64,
    plaintext: &[u8],
    ciphertext: &[u8],
    what: &str,
) -> usize {
    let base = dusn
        .checked_mul(du)
        .expect("the caller checks that dusn * du fits in u64");
    let blocks = (du / 16) as usize;
    for k in 0..blocks {
        let addr = base + 16 * k as u64;
        let (p, c) = (block_at(plaintext, k), block_at(ciphertext, k));
        let got = encrypt_block(keys, addr, du, p);
        assert_eq!(
            got, c,
            "{what}: encrypt_block at address {addr:#x} (dusn {dusn:#x}, block {k}, du {du}) gives {}, the data unit has {}",
            hex::encode(got),
            hex::encode(c)
        );
        let back = decrypt_block(keys, addr, du, c);
        assert_eq!(
            back, p,
            "{what}: decrypt_block at address {addr:#x} (dusn {dusn:#x}, block {k}, du {du}) gives {}, expected {}",
            hex::encode(back),
            hex::encode(p)
        );
    }
    blocks
}

#[test]
fn block_level_equals_data_unit_level_on_ieee1619_vectors() {
    let mut vectors_used = 0;
    let mut blocks = 0;
    for v in ieee1619_vectors().unwrap() {
        let Some(du) = v.data_unit_bytes() else {
            continue;
        };
        if du < 16 || !du.is_power_of_two() {
            continue;
        }
        let du = du as u64;
        let Ok(dusn) = u64::try_from(v.dusn) else {
            continue;
        };
        if dusn.checked_mul(du).is_none() {
            continue;
        }
        blocks += check_blocks(&keys_of(&v), dusn, du, &v.plaintext, &v.ciphertext, &v.name);
        vectors_used += 1;
    }
    println!("IEEE 1619 vectors checked block by block: {vectors_used} vectors, {blocks} blocks");
    // Vectors 1-14 and 19 have 32- or 512-byte data units and sequence numbers below 2^40;
    // 15-18 use ciphertext stealing.
    assert_eq!(vectors_used, 15);
}

/// `t ⊗ α` written from IEEE 1619-2007 section 5.2 (byte by byte with a carry), independent of
/// the model's `mul_alpha`. Returns the product and whether bit 127 carried out.
fn double_bytewise(t: [u8; 16]) -> ([u8; 16], bool) {
    let mut out = [0u8; 16];
    let mut carry_in = 0u8;
    for k in 0..16 {
        let carry_out = t[k] >> 7;
        out[k] = (t[k] << 1) | carry_in;
        carry_in = carry_out;
    }
    if carry_in == 1 {
        out[0] ^= 0x87;
    }
    (out, carry_in == 1)
}

#[test]
fn mul_alpha_uses_the_ieee1619_polynomial() {
    let mut top = [0u8; 16];
    top[15] = 0x80;
    let mut expected = [0u8; 16];
    expected[0] = 0x87;
    assert_eq!(
        mul_alpha(top),
        expected,
        "x^127 * x must reduce to x^7 + x^2 + x + 1"
    );

    // A carry between bytes, without reduction.
    let mut low = [0u8; 16];
    low[0] = 0x80;
    let mut shifted = [0u8; 16];
    shifted[1] = 0x01;
    assert_eq!(mul_alpha(low), shifted);

    // All ones: shift, then reduce.
    let (want, carried) = double_bytewise([0xff; 16]);
    assert!(carried);
    assert_eq!(mul_alpha([0xff; 16]), want);
    assert_eq!(want[0], 0xfe ^ 0x87);
}

#[test]
fn block_level_equals_data_unit_level_on_random_data_units() {
    let seed = test_seed("block_level_equals_data_unit_level_on_random_data_units");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut blocks = 0usize;
    let mut carries = 0usize;
    let mut largest_carry_j = 0u64;
    for key_bytes in [16usize, 32] {
        for log_du in 4..=12 {
            let du = 1u64 << log_du;
            let max_dusn = u64::MAX / du;
            // Edge sequence numbers plus random ones.
            let mut dusns = vec![0, 1, max_dusn];
            dusns.extend((0..3).map(|_| rng.gen_range(0..=max_dusn)));
            for dusn in dusns {
                let key1: Vec<u8> = (0..key_bytes).map(|_| rng.gen()).collect();
                let key2: Vec<u8> = (0..key_bytes).map(|_| rng.gen()).collect();
                let keys = KeyPair::new(&key1, &key2).unwrap();
                let plaintext: Vec<u8> = (0..du).map(|_| rng.gen()).collect();
                let mut ciphertext = plaintext.clone();
                encrypt_data_unit(&keys, u128::from(dusn), &mut ciphertext).unwrap();
                let mut back = ciphertext.clone();
                decrypt_data_unit(&keys, u128::from(dusn), &mut back).unwrap();
                assert_eq!(
                    back, plaintext,
                    "seed {seed}: data-unit decrypt does not invert encrypt"
                );
                let what = format!(
                    "seed {seed}, AES-{}, key1 {}, key2 {}",
                    key_bytes * 8,
                    hex::encode(&key1),
                    hex::encode(&key2)
                );
                blocks += check_blocks(&keys, dusn, du, &plaintext, &ciphertext, &what);

                // Coverage of the reduction: walk the tweak with the independent doubling and
                // note every step where bit 127 carries out, checking mul_alpha on the way.
                let mut t = aes_encrypt(&key2, u128::from(dusn).to_le_bytes());
                for j in 1..du / 16 {
                    let (next, carried) = double_bytewise(t);
                    assert_eq!(
                        mul_alpha(t),
                        next,
                        "seed {seed}: mul_alpha of {} differs from IEEE 1619 5.2",
                        hex::encode(t)
                    );
                    if carried {
                        carries += 1;
                        largest_carry_j = largest_carry_j.max(j);
                    }
                    t = next;
                }
            }
        }
    }
    println!(
        "random data units: {blocks} blocks checked, {carries} tweak steps with a carry out of bit 127 (largest j {largest_carry_j})"
    );
    // 2 key sizes x 9 sizes x 6 units, with 6 x (2 + 4 + ... + 512) tweak steps per key size:
    // the chance that none of them carries is nil.
    assert!(
        carries > 0,
        "seed {seed}: no α^j step carried out of bit 127"
    );
    assert!(largest_carry_j >= 128, "seed {seed}: no carry at a large j");
}

#[test]
fn fips197_aes_vectors() {
    let cases = [
        // Appendix B: the cipher example.
        (
            "2b7e151628aed2a6abf7158809cf4f3c",
            "3243f6a8885a308d313198a2e0370734",
            "3925841d02dc09fbdc118597196a0b32",
        ),
        // Appendix C.1: AES-128.
        (
            "000102030405060708090a0b0c0d0e0f",
            "00112233445566778899aabbccddeeff",
            "69c4e0d86a7b0430d8cdb78070b4c55a",
        ),
        // Appendix C.3: AES-256.
        (
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "00112233445566778899aabbccddeeff",
            "8ea2b7ca516745bfeafc49904b496089",
        ),
    ];
    for (key, plaintext, ciphertext) in cases {
        let (key, p, c) = (h(key), block(plaintext), block(ciphertext));
        assert_eq!(
            hex::encode(aes_encrypt(&key, p)),
            hex::encode(c),
            "AES encrypt, key {}",
            hex::encode(&key)
        );
        assert_eq!(
            hex::encode(aes_decrypt(&key, c)),
            hex::encode(p),
            "AES decrypt, key {}",
            hex::encode(&key)
        );
    }
}

#[test]
fn fips197_key_expansion_aes128() {
    // Appendix A.1.
    let key = h("2b7e151628aed2a6abf7158809cf4f3c");
    let words = expand_key_words(&key);
    assert_eq!(words.len(), 44);
    assert_eq!(round_key(&words, 0).to_vec(), key);
    assert_eq!(hex::encode(words[4]), "a0fafe17", "w4");
    assert_eq!(
        hex::encode(round_key(&words, 10)),
        "d014f9a8c9ee2589e13f0cc8b6630ca6",
        "w40..w43"
    );
    assert_eq!(
        hex::encode(decryption_key_form(&key)),
        "d014f9a8c9ee2589e13f0cc8b6630ca6"
    );
}

#[test]
fn fips197_key_expansion_aes256() {
    // Appendix A.3.
    let key = h("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
    let words = expand_key_words(&key);
    assert_eq!(words.len(), 60);
    assert_eq!(hex::encode(words[8]), "9ba35411", "w8");
    assert_eq!(
        hex::encode(round_key(&words, 14)),
        "fe4890d1e6188d0b046df344706c631e",
        "w56..w59"
    );
    let form = decryption_key_form(&key);
    assert_eq!(form.len(), 32);
    assert_eq!(
        hex::encode(&form[16..]),
        "fe4890d1e6188d0b046df344706c631e",
        "w56..w59"
    );
    assert_eq!(form[..16], round_key(&words, 13), "w52..w55");
}

/// The backward key schedule returns the cipher key of every decryption key form: the
/// FIPS-197 appendix A keys and random keys of both sizes, whose forms come from the forward
/// expansion.
#[test]
fn cipher_key_from_decryption_form_inverts_the_key_schedule() {
    let fips = [hex::decode("2b7e151628aed2a6abf7158809cf4f3c").unwrap(), hex::decode("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4").unwrap()];
    let seed = test_seed("cipher_key_from_decryption_form_inverts_the_key_schedule");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut keys: Vec<Vec<u8>> = fips.to_vec();
    for n in [16, 32, 16, 32] {
        keys.push((0..n).map(|_| rng.gen()).collect());
    }
    for key in keys {
        let form = decryption_key_form(&key);
        assert_ne!(form, key);
        assert_eq!(cipher_key_from_decryption_form(&form), key, "seed {seed}: key {}", hex::encode(&key));
    }
}

#[test]
fn sbox_and_its_inverse() {
    assert_eq!(sbox(0x53), 0xed, "FIPS-197 section 5.1.1 example");
    assert_eq!(sbox(0x00), 0x63);
    for x in 0..=255u8 {
        assert_eq!(inverse_sbox(sbox(x)), x, "inverse_sbox(sbox({x:#04x}))");
    }
}

#[test]
fn key_pair_sizes_and_weak_keys() {
    let k16a = [0x11u8; 16];
    let k16b = [0x22u8; 16];
    let k32a = [0x33u8; 32];
    let k32b = [0x44u8; 32];
    for (a, b) in [
        (&k16a[..], &k32b[..]),
        (&k32a[..], &k16b[..]),
        (&[0u8; 24][..], &[1u8; 24][..]),
        (&[][..], &[][..]),
        (&k16a[..15], &k16b[..]),
    ] {
        assert_eq!(
            KeyPair::new(a, b),
            Err(XtsError::KeySize(a.len(), b.len())),
            "sizes {} and {}",
            a.len(),
            b.len()
        );
    }
    assert!(!KeyPair::new(&k16a, &k16b).unwrap().is_weak());
    assert!(!KeyPair::new(&k32a, &k32b).unwrap().is_weak());
    assert!(KeyPair::new(&k16a, &k16a).unwrap().is_weak());
    assert!(KeyPair::new(&k32b, &k32b).unwrap().is_weak());
    // Keys that differ in one bit only are not weak.
    let mut k = k32a;
    k[31] ^= 1;
    assert!(!KeyPair::new(&k32a, &k).unwrap().is_weak());
}

#[test]
fn data_unit_functions_refuse_short_units() {
    let keys = KeyPair::new(&[1u8; 16], &[2u8; 16]).unwrap();
    let mut short = [0u8; 15];
    assert_eq!(
        encrypt_data_unit(&keys, 0, &mut short),
        Err(XtsError::DataUnitLength(15))
    );
    assert_eq!(
        decrypt_data_unit(&keys, 0, &mut short),
        Err(XtsError::DataUnitLength(15))
    );
}
