//! Generic leaf primitives with a Rust model and hand-written Verilog: a queue ([`fifo`]), a
//! delay line ([`delay_line`]), when a memory is kept in distributed RAM
//! ([`distributed_ram`]), the plain-Rust state they keep ([`model_state`]), children a
//! parent models itself in simulation ([`modelled_children`]); a board's reset from a
//! button and a PLL lock ([`reset_synchronizer`], `#[hdl_gen]`); and a registered two-entry
//! buffer on one valid/ready channel ([`skid_buffer`], `#[hdl_gen]`); and small pieces of
//! Verilog text the hand-written blocks and the export share ([`verilog_text`]).

pub mod delay_line;
pub mod distributed_ram;
pub mod fifo;
pub mod model_state;
pub mod modelled_children;
pub mod reset_synchronizer;
pub mod skid_buffer;
pub mod verilog_text;
