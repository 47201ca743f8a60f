//! `ModelledChildren<B>`: child blocks whose Verilog is exported as usual but whose Rust
//! simulation the parent may switch off, because the parent's own `update` models what they
//! do, or because the parent never uses them (an engine's AES units of another kind, idle in
//! its Verilog: their valid and data outputs stay zero there as in the simulation).
//!
//! A parent with custom Verilog that instantiates its children (for example the AES pipeline's
//! rounds) can then simulate as one leaf: a few lines of Rust a clock edge in place of every
//! child's signals settling pass after pass. The children's Verilog is still written, and
//! the exported Verilog is checked against independent models on its own (Icarus and Verilator
//! tests), as for every leaf primitive.
//!
//! With `simulate` true the children simulate as if they were plain fields.

use rust_hdl::prelude::*;
use std::ops::{Deref, DerefMut};

/// Children exported to Verilog, simulated only when `simulate`; see the module documentation.
#[derive(Clone, Debug, Default)]
pub struct ModelledChildren<B> {
    /// The children.
    pub inner: B,
    /// Whether the children take part in the Rust simulation.
    pub simulate: bool,
}

impl<B> ModelledChildren<B> {
    /// Children that simulate (`simulate`) or only export their Verilog.
    pub fn new(inner: B, simulate: bool) -> Self {
        Self { inner, simulate }
    }
}

impl<B> Deref for ModelledChildren<B> {
    type Target = B;
    fn deref(&self) -> &B {
        &self.inner
    }
}

impl<B> DerefMut for ModelledChildren<B> {
    fn deref_mut(&mut self) -> &mut B {
        &mut self.inner
    }
}

impl<B: Block> Logic for ModelledChildren<B> {
    fn update(&mut self) {}
}

impl<B: Block> Block for ModelledChildren<B> {
    fn connect_all(&mut self) {
        self.inner.connect_all();
    }
    fn update_all(&mut self) {
        if self.simulate {
            self.inner.update_all();
        }
    }
    fn has_changed(&self) -> bool {
        self.simulate && self.inner.has_changed()
    }
    fn accept(&self, name: &str, probe: &mut dyn Probe) {
        self.inner.accept(name, probe);
    }
}
