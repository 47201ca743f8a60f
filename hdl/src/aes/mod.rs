//! AES (FIPS-197) in hardware: the S-box and MixColumns primitives ([`sbox`], [`mix_columns`],
//! built from the field arithmetic in [`gf`]), one round per direction ([`encrypt_round`],
//! [`decrypt_round`]) and for both directions ([`round`]), the pipelines ([`pipeline`]), the
//! units that reuse one round ([`iterative_unit`]) or four S-boxes ([`column_unit`]), and the
//! key schedule ([`key_step`], [`key_expansion`]); and the pipelines whose round keys are
//! stored per key slot instead of computed beside each block ([`stored_key_round`],
//! [`stored_key_pipeline`]).

pub mod column_unit;
pub mod decrypt_round;
pub mod encrypt_round;
pub mod gf;
pub mod iterative_unit;
pub mod key_expansion;
pub mod key_step;
pub mod mix_columns;
pub mod pipeline;
pub mod round;
pub mod sbox;
pub mod stored_key_pipeline;
pub mod stored_key_round;
