//! Small pieces of Verilog text that several generators write: the blocks with hand-written
//! Verilog (the pending-write tracker, the partial-write unit) and the exported top, which
//! widens a config's narrowed ports to the rust-hdl engine's full widths.

/// Verilog text for `expr`, `bits` bits wide, zero-extended to `width` bits (`expr` itself when
/// it is already that wide).
pub fn zero_extended(expr: &str, bits: usize, width: usize) -> String {
    if bits >= width {
        expr.to_string()
    } else {
        format!("{{{}'d0, {expr}}}", width - bits)
    }
}

#[cfg(test)]
mod tests {
    use super::zero_extended;

    #[test]
    fn zero_extension_pads_only_narrower_expressions() {
        assert_eq!(zero_extended("a[47:0]", 48, 64), "{16'd0, a[47:0]}");
        assert_eq!(zero_extended("a", 64, 64), "a");
        assert_eq!(zero_extended("x", 1, 2), "{1'd0, x}");
    }
}
