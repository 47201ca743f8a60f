//! `ModelState<T>`: the simulation state of a leaf primitive, kept out of its Verilog.
//!
//! rust-hdl's `#[derive(LogicBlock)]` wants every field to be a block. A leaf primitive whose
//! Rust model keeps its storage in plain Rust (a FIFO's entries, a memory's words) wraps that
//! storage in `ModelState`: a block with no signals, no update of its own and no Verilog. The
//! leaf's `update` changes it on clock edges; its outputs are signals as usual, so settling
//! and change detection still see every effect.

use rust_hdl::prelude::*;

/// Plain Rust state inside a leaf primitive; see the module documentation.
#[derive(Clone, Debug, Default)]
pub struct ModelState<T>(pub T);

impl<T> Logic for ModelState<T> {
    fn update(&mut self) {}
}

impl<T> Block for ModelState<T> {
    fn connect_all(&mut self) {}
    fn update_all(&mut self) {}
    fn has_changed(&self) -> bool {
        false
    }
    fn accept(&self, _name: &str, _probe: &mut dyn Probe) {}
}
