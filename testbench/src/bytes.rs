//! Conversions between byte arrays and rust-hdl byte-array ports.

use rust_hdl::prelude::*;

/// Sets byte-array inputs from bytes.
pub fn drive<D: Direction>(ports: &mut [Signal<D, Bits<8>>], bytes: &[u8]) {
    assert_eq!(ports.len(), bytes.len(), "port and data widths differ");
    for (port, byte) in ports.iter_mut().zip(bytes) {
        port.next = Bits::<8>::from(LiteralType::from(*byte));
    }
}

/// Reads byte-array ports.
pub fn sample(ports: &[Signal<Out, Bits<8>>]) -> Vec<u8> {
    ports.iter().map(|p| p.val().to_u8()).collect()
}

/// Reads a 16-byte block.
pub fn sample_block(ports: &[Signal<Out, Bits<8>>]) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (o, p) in out.iter_mut().zip(ports) {
        *o = p.val().to_u8();
    }
    out
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}
