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
//!
//! [`ModelledChildren::chosen`] builds children that a config uses or not: used, they
//! simulate and export as plain fields; unused, they neither simulate nor export their logic.
//! Their Verilog is then a stub module with the same ports that drives every output to zero,
//! as the idle children's outputs stay zero in the simulation, so that a netlist holds only the
//! blocks its config uses and no idle unit reaches synthesis.

use rust_hdl::prelude::*;
use std::ops::{Deref, DerefMut};

/// Children exported to Verilog, simulated only when `simulate`; see the module documentation.
#[derive(Clone, Debug, Default)]
pub struct ModelledChildren<B> {
    /// The children.
    pub inner: B,
    /// Whether the children take part in the Rust simulation.
    pub simulate: bool,
    /// Whether their Verilog is exported as a stub with zero outputs (children a config does
    /// not use).
    pub stubbed: bool,
}

impl<B> ModelledChildren<B> {
    /// Children that simulate (`simulate`) or only export their Verilog.
    pub fn new(inner: B, simulate: bool) -> Self {
        Self { inner, simulate, stubbed: false }
    }

    /// Children used by the config (`used`: simulated and exported) or not (neither simulated
    /// nor exported: a stub with their ports and zero outputs).
    pub fn chosen(inner: B, used: bool) -> Self {
        Self { inner, simulate: used, stubbed: !used }
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
        if self.stubbed {
            let mut outputs = OutputPorts::default();
            self.inner.accept(name, &mut outputs);
            let stub = ZeroStub { outputs: outputs.ports };
            self.inner.accept(name, &mut PortsOnly { probe, stub: &stub, depth: 0 });
        } else {
            self.inner.accept(name, probe);
        }
    }
}

/// The output ports of a block (not of its children), with their widths, named as the Verilog
/// export names them (`data_out$3` for an element of an array).
#[derive(Default)]
struct OutputPorts {
    ports: Vec<(String, usize)>,
    depth: usize,
    namespace: Vec<String>,
}

impl Probe for OutputPorts {
    fn visit_start_scope(&mut self, _name: &str, _node: &dyn Block) {
        self.depth += 1;
    }
    fn visit_start_namespace(&mut self, name: &str, _node: &dyn Block) {
        if self.depth == 1 {
            self.namespace.push(name.to_string());
        }
    }
    fn visit_atom(&mut self, name: &str, signal: &dyn Atom) {
        if self.depth == 1 && signal.kind() == AtomKind::OutputParameter {
            let mut path = self.namespace.clone();
            path.push(name.to_string());
            self.ports.push((path.join("$"), signal.bits()));
        }
    }
    fn visit_end_namespace(&mut self, _name: &str, _node: &dyn Block) {
        if self.depth == 1 {
            self.namespace.pop();
        }
    }
    fn visit_end_scope(&mut self, _name: &str, _node: &dyn Block) {
        self.depth -= 1;
    }
}

/// Passes a block's own ports to `probe` as those of `stub`, and nothing of its children.
struct PortsOnly<'a> {
    probe: &'a mut dyn Probe,
    stub: &'a ZeroStub,
    depth: usize,
}

impl Probe for PortsOnly<'_> {
    fn visit_start_scope(&mut self, name: &str, _node: &dyn Block) {
        self.depth += 1;
        if self.depth == 1 {
            self.probe.visit_start_scope(name, self.stub);
        }
    }
    fn visit_start_namespace(&mut self, name: &str, _node: &dyn Block) {
        if self.depth == 1 {
            self.probe.visit_start_namespace(name, self.stub);
        }
    }
    fn visit_atom(&mut self, name: &str, signal: &dyn Atom) {
        if self.depth == 1 && signal.kind().is_parameter() {
            self.probe.visit_atom(name, signal);
        }
    }
    fn visit_end_namespace(&mut self, name: &str, _node: &dyn Block) {
        if self.depth == 1 {
            self.probe.visit_end_namespace(name, self.stub);
        }
    }
    fn visit_end_scope(&mut self, name: &str, _node: &dyn Block) {
        if self.depth == 1 {
            self.probe.visit_end_scope(name, self.stub);
        }
        self.depth -= 1;
    }
}

/// The Verilog of unused children: every output zero.
struct ZeroStub {
    outputs: Vec<(String, usize)>,
}

impl Logic for ZeroStub {
    fn update(&mut self) {}
    // A wrapper's outputs are nets, so that they can be constant assignments (an `always @(*)`
    // block that reads nothing never settles in a simulator).
    fn hdl(&self) -> Verilog {
        let mut code = String::from("// Not used by this config: every output is zero.\n");
        for (name, width) in &self.outputs {
            code.push_str(&format!("assign {name} = {width}'d0;\n"));
        }
        Verilog::Wrapper(Wrapper { code, cores: String::new() })
    }
}

impl Block for ZeroStub {
    fn connect_all(&mut self) {}
    fn update_all(&mut self) {}
    fn has_changed(&self) -> bool {
        false
    }
    fn accept(&self, _name: &str, _probe: &mut dyn Probe) {}
}
