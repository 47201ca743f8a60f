//! # mee-hdl: the hardware of the mee memory encryption engine, in rust-hdl
//!
//! Leaf primitives (Rust simulation model + hand-written Verilog, checked against each other
//! by the testbench): [`sbox::SboxBank`], [`sbox::ReversibleSboxBank`], [`mix_columns::MixColumns`],
//! [`mix_columns::ReversibleMixColumns`].
//! Built from them with `#[hdl_gen]`: [`aes_encrypt_round::EncryptRound`],
//! [`aes_decrypt_round::DecryptRound`], the pipelines in [`aes_pipeline`], the round for both
//! directions [`aes_round::AesRound`] and its [`aes_iterative_unit::IterativeAesUnit`], the
//! four-S-box [`aes_column_unit::ColumnAesUnit`] and the key step both share ([`key_step`]), the
//! decryption-key expansion unit in [`key_expansion`], the XTS tweak unit in [`tweak`] and the XTS
//! datapath in [`xts_cipher`].
//!
//! Byte order on every byte-array port: element k is byte k of the block or key as in FIPS-197
//! and IEEE 1619.

pub mod aes_encrypt_round;
pub mod gf;
pub mod mix_columns;
pub mod sbox;
pub mod aes_decrypt_round;
pub mod aes_pipeline;
pub mod aes_round;
pub mod aes_iterative_unit;
pub mod aes_column_unit;
pub mod alpha_power;
pub mod delay_line;
pub mod engine;
pub mod engine_top;
pub mod key_expansion;
pub mod key_step;
pub mod key_store;
pub mod key_table;
pub mod fifo;
pub mod address_tracker;
pub mod bus;
pub mod soc;
pub mod model_state;
pub mod partial_write_unit;
pub mod tweak;
pub mod xts_cipher;

/// `n` default-valued items: the signals of a byte-array port, the registers of a stage.
/// Shared by every module that sizes its ports and registers at construction time.
pub(crate) fn defaults<T: Default>(n: usize) -> Vec<T> {
    (0..n).map(|_| T::default()).collect()
}
