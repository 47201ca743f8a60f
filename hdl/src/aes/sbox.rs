//! `SboxBank`: `lanes` AES S-boxes (forward or inverse) side by side. Purely combinational:
//! latency 0, `y[k]` follows `x[k]` in the same cycle.
//!
//! This is a leaf primitive, like rust-hdl's own DFF: its simulation model is a table lookup in
//! Rust and its Verilog is written by [`SboxBank::verilog_text`], in one of two styles:
//!
//! - [`SboxStyle::Table`]: a lookup per lane in a 256-entry table (an array filled at time 0);
//! - [`SboxStyle::Composite`]: logic. The input is mapped linearly into the tower field
//!   GF((2^4)^2), inverted there with GF(2^4) multiplications and one 4-bit inversion, and mapped
//!   back (the affine map folded into the output matrix). No table wider than 4 bits remains.
//!
//! (`block_ram` builds these combinational banks in the composite style; only
//! [`PipelinedSboxBank`] with a register inside holds its tables in block RAM.)
//!
//! Every style computes the same function; the testbench checks the exported Verilog of every
//! style and direction against the FIPS-197 S-box on all 256 inputs with Icarus Verilog.
//!
//! Ports: `x[k]` (in, 8 bits), `y[k]` (out, 8 bits), byte values as in FIPS-197.

use crate::aes::gf::{self, LinearMap};
use crate::primitives::model_state::ModelState;
pub use mee_reference::SboxStyle;
use crate::defaults;
use rust_hdl::prelude::*;
use std::fmt::Write;

/// A bank of S-boxes; see the module documentation.
#[derive(LogicBlock)]
pub struct SboxBank {
    /// Inputs, one byte per lane.
    pub x: Vec<Signal<In, Bits<8>>>,
    /// Outputs: S(x) (forward) or S^-1(x) (inverse), one byte per lane.
    pub y: Vec<Signal<Out, Bits<8>>>,
    /// (inverse S-box, composite-field logic style): fixed at construction, used by the Rust
    /// model and the Verilog writer only.
    shape: ModelState<(bool, bool)>,
}

impl SboxBank {
    /// `lanes` S-boxes of the given style, forward or inverse.
    pub fn new(lanes: usize, style: SboxStyle, inverse: bool) -> Self {
        Self {
            x: defaults(lanes),
            y: defaults(lanes),
            shape: ModelState((inverse, style.logic_style() == SboxStyle::Composite)),
        }
    }

    fn style(&self) -> SboxStyle {
        if self.shape.0 .1 {
            SboxStyle::Composite
        } else {
            SboxStyle::Table
        }
    }

    /// The body of the bank's Verilog module.
    pub fn verilog_text(&self) -> String {
        let lanes = self.x.len();
        let inverse = self.shape.0 .0;
        let mut v = String::new();
        match self.style() {
            SboxStyle::Table => {
                let t = gf::sbox_tables();
                table_constant(&mut v, "sbox_table", if inverse { &t.inverse } else { &t.forward });
                v.push_str("always @(*) begin\n");
                table_verilog(&mut v, lanes, "sbox_table", "y");
                v.push_str("end\n");
            }
            SboxStyle::Composite | SboxStyle::BlockRam => composite_verilog(&mut v, lanes, CompositeDirection::Fixed(inverse), false),
        }
        v
    }
}

/// Writes `name = M·input ^ constant` as eight parities.
fn linear_map_verilog(v: &mut String, target: &str, map: &LinearMap, input: &str, constant: u8) {
    let bits: Vec<String> = (0..8)
        .rev()
        .map(|i| format!("^({input} & 8'h{:02x})", map.row_mask(i)))
        .collect();
    let _ = writeln!(v, "    {target} = {{{}}} ^ 8'h{constant:02x};", bits.join(", "));
}

/// The linear maps around a composite S-box's tower-field inversion: the input map and
/// constant, then the output map and constant.
struct CompositeMaps {
    in_map: LinearMap,
    in_const: u8,
    out_map: LinearMap,
    out_const: u8,
}

/// Forward: y = A·δ⁻¹·inv(δ·x) ^ 63.  Inverse: y = δ⁻¹·inv(δ·A⁻¹·(x ^ 63)).
fn composite_maps(inverse: bool) -> CompositeMaps {
    let field = gf::tower_field();
    let affine = LinearMap::from_fn(gf::affine_linear);
    if inverse {
        let affine_inverse = affine.inverse().unwrap_or(affine);
        let m = field.to_tower.after(&affine_inverse);
        CompositeMaps { in_map: m, in_const: m.apply(gf::AFFINE_CONSTANT), out_map: field.from_tower, out_const: 0 }
    } else {
        CompositeMaps { in_map: field.to_tower, in_const: 0, out_map: affine.after(&field.from_tower), out_const: gf::AFFINE_CONSTANT }
    }
}

/// Which S-box a composite bank computes: fixed, or chosen per cycle by its `inverse` port.
#[derive(Clone, Copy)]
enum CompositeDirection {
    Fixed(bool),
    Selected,
}

/// Writes a composite bank. With `registered`, each lane holds `{h, h ^ l, inv(norm)}` (the
/// inversion's operands) in a 12-bit register `middle$k` that clears to zero on `reset`: the
/// maps and the GF(2^4) inversion run before it, the two products and the output map after.
fn composite_verilog(v: &mut String, lanes: usize, direction: CompositeDirection, registered: bool) {
    let field = gf::tower_field();
    let inv_table: Vec<String> = (0..16u8)
        .map(|d| format!("        4'h{d:x}: gf16_inv = 4'h{:x};", gf::inv4(d)))
        .collect();
    let _ = write!(
        v,
        "// GF(2^4) = GF(2)[z]/(z^4 + z + 1); tower GF((2^4)^2) with y^2 + y + {lambda:#x}
function [3:0] gf16_mul(input [3:0] a, input [3:0] b);
    reg [6:0] p;
    begin
        p = ({{7{{b[0]}}}} & {{3'b000, a}}) ^ ({{7{{b[1]}}}} & {{2'b00, a, 1'b0}})
          ^ ({{7{{b[2]}}}} & {{1'b0, a, 2'b00}}) ^ ({{7{{b[3]}}}} & {{a, 3'b000}});
        gf16_mul = p[3:0] ^ {{1'b0, p[6:4]}} ^ {{p[6:4], 1'b0}};
    end
endfunction
function [3:0] gf16_inv(input [3:0] d);
    case (d)
{inv}
        default: gf16_inv = 4'h0;
    endcase
endfunction
",
        lambda = field.lambda,
        inv = inv_table.join("\n")
    );
    for lane in 0..lanes {
        let _ = writeln!(
            v,
            "reg [7:0] tower${lane}, product${lane};\nreg [3:0] norm${lane}, norm_inv${lane};"
        );
        if matches!(direction, CompositeDirection::Selected) {
            let _ = writeln!(v, "reg [7:0] tower_forward${lane}, tower_inverse${lane}, y_forward${lane}, y_inverse${lane};");
        }
        if registered {
            let _ = writeln!(v, "reg [11:0] front${lane}, middle${lane};");
        }
    }
    v.push_str("always @(*) begin\n");
    for lane in 0..lanes {
        let tower = format!("tower${lane}");
        let x = format!("x${lane}");
        match direction {
            CompositeDirection::Fixed(inverse) => {
                let m = composite_maps(inverse);
                linear_map_verilog(v, &tower, &m.in_map, &x, m.in_const);
            }
            CompositeDirection::Selected => {
                let (f, i) = (composite_maps(false), composite_maps(true));
                linear_map_verilog(v, &format!("tower_forward${lane}"), &f.in_map, &x, f.in_const);
                linear_map_verilog(v, &format!("tower_inverse${lane}"), &i.in_map, &x, i.in_const);
                let _ = writeln!(v, "    {tower} = inverse ? tower_inverse${lane} : tower_forward${lane};");
            }
        }
        let (h, l) = (format!("tower${lane}[7:4]"), format!("tower${lane}[3:0]"));
        let _ = writeln!(
            v,
            "    norm${lane} = gf16_mul(gf16_mul({h}, {h}), 4'h{lambda:x}) ^ gf16_mul({h}, {l}) ^ gf16_mul({l}, {l});
    norm_inv${lane} = gf16_inv(norm${lane});",
            lambda = field.lambda
        );
        if registered {
            let m = format!("middle${lane}");
            let _ = writeln!(
                v,
                "    front${lane} = {{{h}, {h} ^ {l}, norm_inv${lane}}};
    product${lane} = {{gf16_mul({m}[11:8], {m}[3:0]), gf16_mul({m}[7:4], {m}[3:0])}};"
            );
        } else {
            let _ = writeln!(v, "    product${lane} = {{gf16_mul({h}, norm_inv${lane}), gf16_mul({h} ^ {l}, norm_inv${lane})}};");
        }
        let product = format!("product${lane}");
        match direction {
            CompositeDirection::Fixed(inverse) => {
                let m = composite_maps(inverse);
                linear_map_verilog(v, &format!("y${lane}"), &m.out_map, &product, m.out_const);
            }
            CompositeDirection::Selected => {
                let (f, i) = (composite_maps(false), composite_maps(true));
                linear_map_verilog(v, &format!("y_forward${lane}"), &f.out_map, &product, f.out_const);
                linear_map_verilog(v, &format!("y_inverse${lane}"), &i.out_map, &product, i.out_const);
                let _ = writeln!(v, "    y${lane} = inverse ? y_inverse${lane} : y_forward${lane};");
            }
        }
    }
    v.push_str("end\n");
    if registered {
        // The register starts cleared, as after a reset.
        v.push_str("initial begin\n");
        for lane in 0..lanes {
            let _ = writeln!(v, "    middle${lane} = 12'h000;");
        }
        v.push_str("end\nalways @(posedge clock) begin\n");
        for lane in 0..lanes {
            let _ = writeln!(v, "    middle${lane} <= reset ? 12'h000 : front${lane};");
        }
        v.push_str("end\n");
    }
}

/// Writes a registered bank whose tables are block RAMs: lanes `2m` and `2m + 1` read the
/// table `rom$m` through its two read ports into `middle$k`, which starts at zero and clears
/// to zero on `reset` (what a block RAM's read register does, so no logic is added around
/// it), and `y$k` shows `middle$k`.
fn block_ram_verilog(v: &mut String, lanes: usize, table: &[u8; 256]) {
    let memories = lanes.div_ceil(2);
    for memory in 0..memories {
        let _ = writeln!(v, "(* rom_style = \"block\" *) reg [7:0] rom${memory} [0:255];");
    }
    for lane in 0..lanes {
        let _ = writeln!(v, "reg [7:0] middle${lane};");
    }
    v.push_str("initial begin\n");
    for memory in 0..memories {
        for (input, output) in table.iter().enumerate() {
            let _ = writeln!(v, "    rom${memory}[{input}] = 8'h{output:02x};");
        }
    }
    for lane in 0..lanes {
        let _ = writeln!(v, "    middle${lane} = 8'h00;");
    }
    v.push_str("end\nalways @(posedge clock) begin\n");
    for lane in 0..lanes {
        let _ = writeln!(v, "    middle${lane} <= reset ? 8'h00 : rom${}[x${lane}];", lane / 2);
    }
    v.push_str("end\nalways @(*) begin\n");
    for lane in 0..lanes {
        let _ = writeln!(v, "    y${lane} = middle${lane};");
    }
    v.push_str("end\n");
}

/// Declares the table as a 256-entry array filled at time 0 (`rom_style = "logic"`: Yosys
/// maps it to LUTs as it would a 256-arm `case`, never to block RAM), for [`table_verilog`]
/// to index. Simulators read it with one indexed load, where Verilator makes a `case` a tree
/// of branches.
fn table_constant(v: &mut String, name: &str, table: &[u8; 256]) {
    let _ = writeln!(v, "(* rom_style = \"logic\" *) reg [7:0] {name} [0:255];");
    v.push_str("initial begin\n");
    for (input, output) in table.iter().enumerate() {
        let _ = writeln!(v, "    {name}[{input}] = 8'h{output:02x};");
    }
    v.push_str("end\n");
}

/// Writes one lookup per lane from `x$k` into `{target}$k` in the table `table_name`
/// (declared by [`table_constant`]).
fn table_verilog(v: &mut String, lanes: usize, table_name: &str, target: &str) {
    for lane in 0..lanes {
        let _ = writeln!(v, "    {target}${lane} = {table_name}[x${lane}];");
    }
}

/// The Rust model of both banks: every lane's S(x), or S⁻¹(x) when `inverse`, by table lookup.
fn sbox_model(x: &[Signal<In, Bits<8>>], y: &mut [Signal<Out, Bits<8>>], inverse: bool) {
    let tables = gf::sbox_tables();
    let table = if inverse { &tables.inverse } else { &tables.forward };
    for (x, y) in x.iter().zip(y.iter_mut()) {
        y.next = Bits::<8>::from(LiteralType::from(table[x.val().to_u8() as usize]));
    }
}

impl Logic for SboxBank {
    fn update(&mut self) {
        sbox_model(&self.x, &mut self.y, self.shape.0 .0);
    }

    fn connect(&mut self) {
        for y in &mut self.y {
            y.connect();
        }
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self.verilog_text())
    }
}

/// `lanes` S-boxes that compute the forward or the inverse S-box, chosen every cycle by the
/// `inverse` port, for a round unit that both encrypts and decrypts. Purely combinational.
///
/// In the composite style both directions share the tower-field inversion, the larger part of
/// the logic: only the linear maps on either side are doubled and multiplexed. The table
/// style holds both tables and multiplexes their outputs.
///
/// Ports: `inverse` (in, 1 = S⁻¹), `x[k]` (in, 8 bits), `y[k]` (out, 8 bits).
#[derive(LogicBlock)]
pub struct ReversibleSboxBank {
    /// 1: every lane computes the inverse S-box; 0: the forward S-box.
    pub inverse: Signal<In, Bit>,
    /// Inputs, one byte per lane.
    pub x: Vec<Signal<In, Bits<8>>>,
    /// Outputs: S(x) or S⁻¹(x), one byte per lane.
    pub y: Vec<Signal<Out, Bits<8>>>,
    /// The style (used by the Verilog writer only).
    composite: ModelState<bool>,
}

impl ReversibleSboxBank {
    /// `lanes` reversible S-boxes of the given style.
    pub fn new(lanes: usize, style: SboxStyle) -> Self {
        Self { inverse: Default::default(), x: defaults(lanes), y: defaults(lanes), composite: ModelState(style.logic_style() == SboxStyle::Composite) }
    }

    /// The body of the bank's Verilog module.
    pub fn verilog_text(&self) -> String {
        let lanes = self.x.len();
        let mut v = String::new();
        if self.composite.0 {
            composite_verilog(&mut v, lanes, CompositeDirection::Selected, false);
            return v;
        }
        let t = gf::sbox_tables();
        for lane in 0..lanes {
            let _ = writeln!(v, "reg [7:0] forward${lane}, inverted${lane};");
        }
        table_constant(&mut v, "forward_table", &t.forward);
        table_constant(&mut v, "inverse_table", &t.inverse);
        v.push_str("always @(*) begin\n");
        table_verilog(&mut v, lanes, "forward_table", "forward");
        table_verilog(&mut v, lanes, "inverse_table", "inverted");
        for lane in 0..lanes {
            let _ = writeln!(v, "    y${lane} = inverse ? inverted${lane} : forward${lane};");
        }
        v.push_str("end\n");
        v
    }
}

impl Logic for ReversibleSboxBank {
    fn update(&mut self) {
        sbox_model(&self.x, &mut self.y, self.inverse.val());
    }

    fn connect(&mut self) {
        for y in &mut self.y {
            y.connect();
        }
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self.verilog_text())
    }
}

/// `lanes` AES S-boxes (forward or inverse) for a pipelined round: combinational like
/// [`SboxBank`], or, built with `registered`, with one register inside each S-box.
///
/// Latency: 0 cycles, or 1 with `registered` (`y` shows the S-box of the `x` of the previous
/// edge). Where the register sits depends on the style:
/// - composite: between the tower-field inversion and the two GF(2^4) products that follow
///   it, which splits the S-box's logic depth roughly in half;
/// - table: after the lookup;
/// - block RAM: the register is the read register of a 256 x 8 synchronous-read table, one
///   table per two lanes (its two read ports), marked `rom_style = "block"` so that Yosys
///   maps each to one DP16KD (ECP5) or RAMB18 (Xilinx). Unregistered, this style is built
///   composite.
///
/// A synchronous `reset` clears the register; `y` then shows S(00) = 63 (forward) or 00
/// (inverse), which is what the cleared composite register computes, or 00 in the block-RAM
/// style (a memory's read register clears to zero, and starts at zero).
///
/// Ports: `clock`, `reset` (unused when not registered), `x[k]` (in, 8 bits), `y[k]` (out,
/// 8 bits).
#[derive(LogicBlock)]
pub struct PipelinedSboxBank {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous active-high reset.
    pub reset: Signal<In, Bit>,
    /// Inputs, one byte per lane.
    pub x: Vec<Signal<In, Bits<8>>>,
    /// Outputs, one byte per lane.
    pub y: Vec<Signal<Out, Bits<8>>>,
    shape: ModelState<PipelinedSboxShape>,
}

/// How a pipelined bank is built.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum PipelinedSboxKind {
    /// A lookup per lane in the table as a constant.
    #[default]
    Table,
    /// Tower-field logic per lane.
    Composite,
    /// A block-RAM table per two lanes (registered banks only).
    BlockRam,
}

/// A pipelined bank's construction choices and, when registered, its register's contents.
#[derive(Clone, Debug, Default)]
struct PipelinedSboxShape {
    inverse: bool,
    kind: PipelinedSboxKind,
    registered: bool,
    /// The S-box outputs the register stands for, one per lane.
    held: Vec<u8>,
}

impl PipelinedSboxBank {
    /// `lanes` S-boxes of the given style and direction, with a register inside when
    /// `registered`.
    pub fn new(lanes: usize, style: SboxStyle, inverse: bool, registered: bool) -> Self {
        let kind = match style {
            SboxStyle::Table => PipelinedSboxKind::Table,
            SboxStyle::BlockRam if registered => PipelinedSboxKind::BlockRam,
            SboxStyle::Composite | SboxStyle::BlockRam => PipelinedSboxKind::Composite,
        };
        let held = vec![Self::reset_output(kind, inverse); lanes];
        Self {
            clock: Default::default(),
            reset: Default::default(),
            x: defaults(lanes),
            y: defaults(lanes),
            shape: ModelState(PipelinedSboxShape { inverse, kind, registered, held }),
        }
    }

    /// What `y` shows after a reset (and before the first edge): the S-box of the cleared
    /// composite register, or the cleared read register of a block RAM.
    fn reset_output(kind: PipelinedSboxKind, inverse: bool) -> u8 {
        match kind {
            PipelinedSboxKind::BlockRam => 0x00,
            _ if inverse => 0x00,
            _ => gf::sbox_tables().forward[0],
        }
    }

    /// The body of the bank's Verilog module.
    pub fn verilog_text(&self) -> String {
        let shape = &self.shape.0;
        let lanes = self.x.len();
        let mut v = String::new();
        let t = gf::sbox_tables();
        let table = if shape.inverse { &t.inverse } else { &t.forward };
        match shape.kind {
            PipelinedSboxKind::Composite => {
                composite_verilog(&mut v, lanes, CompositeDirection::Fixed(shape.inverse), shape.registered);
                return v;
            }
            PipelinedSboxKind::BlockRam => {
                block_ram_verilog(&mut v, lanes, table);
                return v;
            }
            PipelinedSboxKind::Table => {}
        }
        table_constant(&mut v, "sbox_table", table);
        if !shape.registered {
            v.push_str("always @(*) begin\n");
            table_verilog(&mut v, lanes, "sbox_table", "y");
            v.push_str("end\n");
            return v;
        }
        for lane in 0..lanes {
            let _ = writeln!(v, "reg [7:0] looked_up${lane}, middle${lane};");
        }
        v.push_str("always @(*) begin\n");
        table_verilog(&mut v, lanes, "sbox_table", "looked_up");
        for lane in 0..lanes {
            let _ = writeln!(v, "    y${lane} = middle${lane};");
        }
        let cleared = Self::reset_output(shape.kind, shape.inverse);
        // The register starts cleared, as after a reset.
        v.push_str("end\ninitial begin\n");
        for lane in 0..lanes {
            let _ = writeln!(v, "    middle${lane} = 8'h{cleared:02x};");
        }
        v.push_str("end\nalways @(posedge clock) begin\n");
        for lane in 0..lanes {
            let _ = writeln!(v, "    middle${lane} <= reset ? 8'h{cleared:02x} : looked_up${lane};");
        }
        v.push_str("end\n");
        v
    }
}

impl Logic for PipelinedSboxBank {
    fn update(&mut self) {
        let shape = &mut self.shape.0;
        if !shape.registered {
            sbox_model(&self.x, &mut self.y, shape.inverse);
            return;
        }
        if self.clock.pos_edge() {
            let tables = gf::sbox_tables();
            let table = if shape.inverse { &tables.inverse } else { &tables.forward };
            for (held, x) in shape.held.iter_mut().zip(&self.x) {
                *held = if self.reset.val() { Self::reset_output(shape.kind, shape.inverse) } else { table[x.val().to_u8() as usize] };
            }
        }
        for (y, held) in self.y.iter_mut().zip(&shape.held) {
            y.next = Bits::<8>::from(LiteralType::from(*held));
        }
    }

    fn connect(&mut self) {
        for y in &mut self.y {
            y.connect();
        }
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self.verilog_text())
    }
}
