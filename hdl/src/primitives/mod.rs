//! Generic leaf primitives with a Rust model and hand-written Verilog: a queue ([`fifo`]), a
//! delay line ([`delay_line`]), and the plain-Rust state they keep ([`model_state`]).

pub mod delay_line;
pub mod fifo;
pub mod model_state;
