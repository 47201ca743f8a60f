//! Small pieces of Verilog text that several generators write: the blocks with hand-written
//! Verilog (the pending-write tracker, the partial-write unit) and the exported top, which
//! widens a config's narrowed ports to the rust-hdl engine's full widths; and the widths of a
//! count register and of an index into a memory.

/// Verilog text for `expr`, `bits` bits wide, zero-extended to `width` bits (`expr` itself when
/// it is already that wide).
pub fn zero_extended(expr: &str, bits: usize, width: usize) -> String {
    if bits >= width {
        expr.to_string()
    } else {
        format!("{{{}'d0, {expr}}}", width - bits)
    }
}

/// Bits a register needs to hold every count from 0 to `most` (at least one): a queue's
/// entry count is this wide, not the 16 bits of its `count` port, so that its adder's carry
/// chain and its compares are no longer than the count needs.
pub fn bits_to_count(most: usize) -> usize {
    (usize::BITS - most.leading_zeros()).max(1) as usize
}

/// Bits an index into `entries` entries needs (at least one): the width of a queue's read and
/// write pointers, or of a key store's slot number.
pub fn bits_to_index(entries: usize) -> usize {
    bits_to_count(entries.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::{bits_to_count, bits_to_index, zero_extended};

    #[test]
    fn count_widths_hold_their_largest_count() {
        // (largest count, bits), worked out by hand: 2^(bits-1) <= most < 2^bits.
        for (most, bits) in [(0, 1), (1, 1), (2, 2), (3, 2), (4, 3), (31, 5), (32, 6), (128, 8), (255, 8), (256, 9), (65535, 16)] {
            assert_eq!(bits_to_count(most), bits, "{most}");
        }
    }

    #[test]
    fn index_widths_reach_the_last_entry() {
        // (entries, bits), worked out by hand: 2^(bits-1) < entries <= 2^bits, one bit at least.
        for (entries, bits) in [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (16, 4), (17, 5), (128, 7), (129, 8), (1024, 10)] {
            assert_eq!(bits_to_index(entries), bits, "{entries}");
        }
    }

    #[test]
    fn zero_extension_pads_only_narrower_expressions() {
        assert_eq!(zero_extended("a[47:0]", 48, 64), "{16'd0, a[47:0]}");
        assert_eq!(zero_extended("a", 64, 64), "a");
        assert_eq!(zero_extended("x", 1, 2), "{1'd0, x}");
    }
}
