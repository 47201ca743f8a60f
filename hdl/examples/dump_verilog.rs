//! Prints the raw rust-hdl Verilog of small blocks (a development aid).
use mee_hdl::primitives::delay_line::ByteDelayLine;
use rust_hdl::prelude::*;

fn main() {
    let mut d = ByteDelayLine::new(2, 3);
    d.connect_all();
    println!("{}", generate_verilog(&d));
}
