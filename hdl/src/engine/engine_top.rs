//! `Engine`: the engine with the flat top-level ports of DESIGN.md: 128-bit data buses, key
//! buses, address and ASID fields, around an [`EngineCore`] (byte-array buses inside).
//!
//! In rust-hdl the fields have their widest widths (address 64, ASID 16, keys 256 bits; a key
//! of `key_bits` sits in the low bits, an address or ASID in the low `addr_bits` / `asid_bits`
//! bits). `mee export` wraps the generated module in one with the exact widths of the config.
//!
//! Byte k of every data or key bus is bits `[8k+7:8k]`. Latency 0: pure wiring; with
//! `[pipeline] registered_ports` the ports pass through [`PortRegisters`] (one cycle each way,
//! every output from registers). With `[pipeline] request_buffer` the requests from the
//! partial-write unit to the core pass through the two-entry [`RequestBuffer`] (one cycle more
//! on the way in), so that the core's ready reaches no decision of the unit in the same cycle.

use crate::engine::engine_core::EngineCore;
use crate::engine::partial_write_unit::PartialWriteUnit;
use crate::engine::port_registers::PortRegisters;
use crate::engine::request_buffer::RequestBuffer;
use crate::primitives::model_state::ModelState;
use mee_reference::EngineConfig;
use num_bigint::BigUint;
use rust_hdl::prelude::*;
use std::fmt::Write;

/// Last values converted between wide buses and byte arrays (the Rust model converts only
/// on change, which keeps 128- and 256-bit values cheap to simulate).
#[derive(Clone, Debug, Default)]
pub struct BusCache {
    wdata: Option<Bits<128>>,
    dram_rdata: Option<Bits<128>>,
    key1: Option<Bits<256>>,
    key2: Option<Bits<256>>,
    rsp_rdata: Vec<u8>,
    dram_wdata: Vec<u8>,
    dram_wdata_bits: Bits<128>,
}

/// The top's inputs as the engine sees them (straight from the ports, or through the port
/// registers).
struct TopInputs {
    core_req_valid: bool,
    core_req_write: bool,
    core_req_addr: Bits<64>,
    core_req_asid: Bits<16>,
    core_req_encrypted: bool,
    core_req_wdata: Bits<128>,
    core_req_wstrb: Bits<16>,
    core_rsp_ready: bool,
    dram_req_ready: bool,
    dram_rsp_valid: bool,
    dram_rsp_rdata: Bits<128>,
    key_cmd_valid: bool,
    key_cmd_op: bool,
    key_cmd_asid: Bits<16>,
    key_cmd_key1: Bits<256>,
    key_cmd_key2: Bits<256>,
}

/// The engine's outputs to the top (to the ports, or into the port registers).
struct TopOutputs {
    core_req_ready: bool,
    core_rsp_valid: bool,
    core_rsp_write: bool,
    core_rsp_rdata: Bits<128>,
    core_rsp_status: Bits<2>,
    core_rsp_answer: bool,
    core_rsp_follow: bool,
    dram_req_valid: bool,
    dram_req_write: bool,
    dram_req_addr: Bits<64>,
    dram_req_wdata: Bits<128>,
    dram_rsp_ready: bool,
    key_cmd_ready: bool,
    key_rsp_valid: bool,
    key_rsp_status: Bits<2>,
}

/// See the module documentation; port meanings as in DESIGN.md's "Verilog top level".
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct Engine {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub core_req_valid: Signal<In, Bit>,
    pub core_req_ready: Signal<Out, Bit>,
    pub core_req_write: Signal<In, Bit>,
    pub core_req_addr: Signal<In, Bits<64>>,
    pub core_req_asid: Signal<In, Bits<16>>,
    pub core_req_encrypted: Signal<In, Bit>,
    pub core_req_wdata: Signal<In, Bits<128>>,
    pub core_req_wstrb: Signal<In, Bits<16>>,
    pub core_rsp_valid: Signal<Out, Bit>,
    pub core_rsp_ready: Signal<In, Bit>,
    pub core_rsp_write: Signal<Out, Bit>,
    pub core_rsp_rdata: Signal<Out, Bits<128>>,
    pub core_rsp_status: Signal<Out, Bits<2>>,
    /// Not a top port of DESIGN.md (the native export leaves it open): the response answers a
    /// partial write from its block's read (with status ok it consumed one DRAM read). Used by
    /// the AXI4 top to pass DRAM errors on.
    pub core_rsp_answer: Signal<Out, Bit>,
    /// Not a top port of DESIGN.md: the response answers a partial write merged into the one
    /// before it (no DRAM read of its own).
    pub core_rsp_follow: Signal<Out, Bit>,
    pub dram_req_valid: Signal<Out, Bit>,
    pub dram_req_ready: Signal<In, Bit>,
    pub dram_req_write: Signal<Out, Bit>,
    pub dram_req_addr: Signal<Out, Bits<64>>,
    pub dram_req_wdata: Signal<Out, Bits<128>>,
    pub dram_rsp_valid: Signal<In, Bit>,
    pub dram_rsp_ready: Signal<Out, Bit>,
    pub dram_rsp_rdata: Signal<In, Bits<128>>,
    pub key_cmd_valid: Signal<In, Bit>,
    pub key_cmd_ready: Signal<Out, Bit>,
    pub key_cmd_op: Signal<In, Bit>,
    pub key_cmd_asid: Signal<In, Bits<16>>,
    pub key_cmd_key1: Signal<In, Bits<256>>,
    pub key_cmd_key2: Signal<In, Bits<256>>,
    pub key_rsp_valid: Signal<Out, Bit>,
    pub key_rsp_status: Signal<Out, Bits<2>>,
    /// The engine inside (public for tests that inspect the key table's storage).
    pub writes: PartialWriteUnit,
    pub core: EngineCore,
    /// With `registered_ports`: the buffers between the ports and the engine (else empty).
    pub ports: Vec<PortRegisters>,
    /// With `request_buffer`: the buffer on the request channel between the partial-write
    /// unit and the core (else empty); payload as [`pack_request`] lays it out.
    pub request_buffer: Vec<RequestBuffer>,
    cache: ModelState<BusCache>,
}

/// Payload bits of a request in the request buffer: data 127..0, address 191..128, ASID
/// 207..192, C-bit 208, write 209.
pub const REQUEST_BITS: usize = 210;

/// A whole-block request as the request buffer holds it (see [`REQUEST_BITS`]).
pub fn pack_request(write: bool, addr: Bits<64>, asid: Bits<16>, encrypted: bool, wdata: Bits<128>) -> Bits<REQUEST_BITS> {
    let mut packed = bit_cast::<REQUEST_BITS, 128>(wdata);
    packed.set_bits::<64>(128, addr);
    packed.set_bits::<16>(192, asid);
    packed.replace_bit(208, encrypted).replace_bit(209, write)
}

/// The `n` low bytes of a wide value, little-endian.
pub fn to_bytes<const N: usize>(value: Bits<N>, n: usize) -> Vec<u8> {
    let mut bytes = BigUint::from(value).to_bytes_le();
    bytes.resize(n, 0);
    bytes
}

/// A wide value from little-endian bytes.
pub fn from_bytes<const N: usize>(bytes: &[u8]) -> Bits<N> {
    Bits::<N>::from(BigUint::from_bytes_le(bytes))
}

impl Engine {
    /// The engine for a validated config.
    pub fn new(config: &EngineConfig) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            core_req_valid: Default::default(),
            core_req_ready: Default::default(),
            core_req_write: Default::default(),
            core_req_addr: Default::default(),
            core_req_asid: Default::default(),
            core_req_encrypted: Default::default(),
            core_req_wdata: Default::default(),
            core_req_wstrb: Default::default(),
            core_rsp_valid: Default::default(),
            core_rsp_ready: Default::default(),
            core_rsp_write: Default::default(),
            core_rsp_rdata: Default::default(),
            core_rsp_status: Default::default(),
            core_rsp_answer: Default::default(),
            core_rsp_follow: Default::default(),
            dram_req_valid: Default::default(),
            dram_req_ready: Default::default(),
            dram_req_write: Default::default(),
            dram_req_addr: Default::default(),
            dram_req_wdata: Default::default(),
            dram_rsp_valid: Default::default(),
            dram_rsp_ready: Default::default(),
            dram_rsp_rdata: Default::default(),
            key_cmd_valid: Default::default(),
            key_cmd_ready: Default::default(),
            key_cmd_op: Default::default(),
            key_cmd_asid: Default::default(),
            key_cmd_key1: Default::default(),
            key_cmd_key2: Default::default(),
            key_rsp_valid: Default::default(),
            key_rsp_status: Default::default(),
            writes: PartialWriteUnit::new(
                config.partial_write_depth(),
                config.partial_write_order_depth(),
                u64::from(config.num_asids),
                config.addr_bits as usize,
                config.asid_bits as usize,
            ),
            core: EngineCore::new(config),
            ports: if config.pipeline.registered_ports { vec![PortRegisters::new()] } else { Vec::new() },
            request_buffer: (0..usize::from(config.buffers_requests())).map(|_| RequestBuffer::default()).collect(),
            cache: ModelState(BusCache { rsp_rdata: vec![1], dram_wdata: vec![1], ..Default::default() }),
        }
    }

    /// The body of the top's Verilog module: the same wiring as the Rust model.
    pub fn verilog_text(&self) -> String {
        let kb = self.core.key_cmd_key1.len();
        let registered = !self.ports.is_empty();
        // A top port as the engine sees it: itself, or its end inside the port registers.
        let inner = |name: &str| -> String {
            if registered && !name.contains('$') && name != "clock" && name != "reset" {
                format!("ports$0$e_{name}")
            } else {
                name.to_string()
            }
        };
        let mut v = String::from("always @(*) begin\n");
        if registered {
            let p = &self.ports[0];
            let _ = writeln!(v, "    ports$0$clock = clock;\n    ports$0$reset = reset;");
            for name in p.outer_input_names() {
                let _ = writeln!(v, "    ports$0${name} = {name};");
            }
            for name in p.outer_output_names() {
                let _ = writeln!(v, "    {name} = ports$0${name};");
            }
        }
        let buffered = !self.request_buffer.is_empty();
        // With the request buffer, the request channel and the key command's gate between the
        // unit and the core pass through it.
        let through_buffer = |to: &str| -> Option<String> {
            if !buffered {
                return None;
            }
            let b = "request_buffer$0$";
            Some(match to {
                "writes$c_req_ready" => format!("{b}in_ready"),
                "writes$c_key_cmd_ready" => format!("{b}unit_key_ready"),
                "core$core_req_valid" => format!("{b}out_valid"),
                "core$core_req_write" => format!("{b}out_data[209]"),
                "core$core_req_addr" => format!("{b}out_data[191:128]"),
                "core$core_req_asid" => format!("{b}out_data[207:192]"),
                "core$core_req_encrypted" => format!("{b}out_data[208]"),
                "core$key_cmd_valid" => format!("{b}core_key_valid"),
                _ => return None,
            })
        };
        if buffered {
            v.push_str("    request_buffer$0$clock = clock;\n    request_buffer$0$reset = reset;\n    request_buffer$0$in_valid = writes$c_req_valid;\n");
            v.push_str("    request_buffer$0$in_data = {writes$c_req_write, writes$c_req_encrypted, writes$c_req_asid, writes$c_req_addr, writes$c_req_wdata};\n");
            v.push_str("    request_buffer$0$out_ready = core$core_req_ready;\n    request_buffer$0$unit_key_valid = writes$c_key_cmd_valid;\n");
            v.push_str("    request_buffer$0$core_key_ready = core$key_cmd_ready;\n    request_buffer$0$core_key_answer = core$key_rsp_valid;\n");
        }
        for (to, from) in [
            ("writes$clock", "clock"),
            ("writes$reset", "reset"),
            ("writes$req_valid", "core_req_valid"),
            ("writes$req_write", "core_req_write"),
            ("writes$req_addr", "core_req_addr"),
            ("writes$req_asid", "core_req_asid"),
            ("writes$req_encrypted", "core_req_encrypted"),
            ("writes$req_wdata", "core_req_wdata"),
            ("writes$req_wstrb", "core_req_wstrb"),
            ("writes$rsp_ready", "core_rsp_ready"),
            ("writes$key_cmd_valid", "key_cmd_valid"),
            ("writes$c_req_ready", "core$core_req_ready"),
            ("writes$c_rsp_valid", "core$core_rsp_valid"),
            ("writes$c_rsp_write", "core$core_rsp_write"),
            ("writes$c_rsp_status", "core$core_rsp_status"),
            ("writes$c_key_cmd_ready", "core$key_cmd_ready"),
            ("core$clock", "clock"),
            ("core$reset", "reset"),
            ("core$core_req_valid", "writes$c_req_valid"),
            ("core$core_req_write", "writes$c_req_write"),
            ("core$core_req_addr", "writes$c_req_addr"),
            ("core$core_req_asid", "writes$c_req_asid"),
            ("core$core_req_encrypted", "writes$c_req_encrypted"),
            ("core$core_rsp_ready", "writes$c_rsp_ready"),
            ("core$dram_req_ready", "dram_req_ready"),
            ("core$dram_rsp_valid", "dram_rsp_valid"),
            ("core$key_cmd_valid", "writes$c_key_cmd_valid"),
            ("core$key_cmd_op", "key_cmd_op"),
            ("core$key_cmd_asid", "key_cmd_asid"),
            ("core_req_ready", "writes$req_ready"),
            ("core_rsp_valid", "writes$rsp_valid"),
            ("core_rsp_write", "writes$rsp_write"),
            ("core_rsp_rdata", "writes$rsp_rdata"),
            ("core_rsp_status", "writes$rsp_status"),
            ("core_rsp_answer", "writes$rsp_answer"),
            ("core_rsp_follow", "writes$rsp_follow"),
            ("key_cmd_ready", "writes$key_cmd_ready"),
            ("dram_req_valid", "core$dram_req_valid"),
            ("dram_req_write", "core$dram_req_write"),
            ("dram_req_addr", "core$dram_req_addr"),
            ("dram_rsp_ready", "core$dram_rsp_ready"),
            ("key_rsp_valid", "core$key_rsp_valid"),
            ("key_rsp_status", "core$key_rsp_status"),
        ] {
            let source = through_buffer(to).unwrap_or_else(|| inner(from));
            let _ = writeln!(v, "    {} = {};", inner(to), source);
        }
        let wdata_source = if buffered { "request_buffer$0$out_data" } else { "writes$c_req_wdata" };
        for (port, from, n) in [("core_req_wdata", wdata_source, 16), ("dram_rsp_rdata", "dram_rsp_rdata", 16), ("key_cmd_key1", "key_cmd_key1", kb), ("key_cmd_key2", "key_cmd_key2", kb)] {
            let from = inner(from);
            for k in 0..n {
                let _ = writeln!(v, "    core${port}${k} = {from}[{}:{}];", 8 * k + 7, 8 * k);
            }
        }
        for (to, port) in [("writes$c_rsp_rdata", "core_rsp_rdata"), ("dram_req_wdata", "dram_req_wdata")] {
            let parts: Vec<String> = (0..16).rev().map(|k| format!("core${port}${k}")).collect();
            let _ = writeln!(v, "    {} = {{{}}};", inner(to), parts.join(", "));
        }
        v.push_str("end\n");
        v
    }
}

fn set_bytes(ports: &mut [Signal<In, Bits<8>>], bytes: &[u8]) {
    for (p, b) in ports.iter_mut().zip(bytes) {
        p.next = Bits::<8>::from(LiteralType::from(*b));
    }
}

impl Logic for Engine {
    fn update(&mut self) {
        // The top's inputs at the ports, and as the engine sees them (through the port
        // registers or straight).
        let ports = TopInputs {
            core_req_valid: self.core_req_valid.val(),
            core_req_write: self.core_req_write.val(),
            core_req_addr: self.core_req_addr.val(),
            core_req_asid: self.core_req_asid.val(),
            core_req_encrypted: self.core_req_encrypted.val(),
            core_req_wdata: self.core_req_wdata.val(),
            core_req_wstrb: self.core_req_wstrb.val(),
            core_rsp_ready: self.core_rsp_ready.val(),
            dram_req_ready: self.dram_req_ready.val(),
            dram_rsp_valid: self.dram_rsp_valid.val(),
            dram_rsp_rdata: self.dram_rsp_rdata.val(),
            key_cmd_valid: self.key_cmd_valid.val(),
            key_cmd_op: self.key_cmd_op.val(),
            key_cmd_asid: self.key_cmd_asid.val(),
            key_cmd_key1: self.key_cmd_key1.val(),
            key_cmd_key2: self.key_cmd_key2.val(),
        };
        let top = match self.ports.first_mut() {
            Some(p) => {
                p.clock.next = self.clock.val();
                p.reset.next = self.reset.val();
                p.core_req_valid.next = ports.core_req_valid;
                p.core_req_write.next = ports.core_req_write;
                p.core_req_addr.next = ports.core_req_addr;
                p.core_req_asid.next = ports.core_req_asid;
                p.core_req_encrypted.next = ports.core_req_encrypted;
                p.core_req_wdata.next = ports.core_req_wdata;
                p.core_req_wstrb.next = ports.core_req_wstrb;
                p.core_rsp_ready.next = ports.core_rsp_ready;
                p.dram_req_ready.next = ports.dram_req_ready;
                p.dram_rsp_valid.next = ports.dram_rsp_valid;
                p.dram_rsp_rdata.next = ports.dram_rsp_rdata;
                p.key_cmd_valid.next = ports.key_cmd_valid;
                p.key_cmd_op.next = ports.key_cmd_op;
                p.key_cmd_asid.next = ports.key_cmd_asid;
                p.key_cmd_key1.next = ports.key_cmd_key1;
                p.key_cmd_key2.next = ports.key_cmd_key2;
                TopInputs {
                    core_req_valid: p.e_core_req_valid.val(),
                    core_req_write: p.e_core_req_write.val(),
                    core_req_addr: p.e_core_req_addr.val(),
                    core_req_asid: p.e_core_req_asid.val(),
                    core_req_encrypted: p.e_core_req_encrypted.val(),
                    core_req_wdata: p.e_core_req_wdata.val(),
                    core_req_wstrb: p.e_core_req_wstrb.val(),
                    core_rsp_ready: p.e_core_rsp_ready.val(),
                    dram_req_ready: p.e_dram_req_ready.val(),
                    dram_rsp_valid: p.e_dram_rsp_valid.val(),
                    dram_rsp_rdata: p.e_dram_rsp_rdata.val(),
                    key_cmd_valid: p.e_key_cmd_valid.val(),
                    key_cmd_op: p.e_key_cmd_op.val(),
                    key_cmd_asid: p.e_key_cmd_asid.val(),
                    key_cmd_key1: p.e_key_cmd_key1.val(),
                    key_cmd_key2: p.e_key_cmd_key2.val(),
                }
            }
            None => ports,
        };
        let w = &mut self.writes;
        let c = &mut self.core;
        let cache = &mut self.cache.0;
        // The core port into the partial-write unit.
        w.clock.next = self.clock.val();
        w.reset.next = self.reset.val();
        w.req_valid.next = top.core_req_valid;
        w.req_write.next = top.core_req_write;
        w.req_addr.next = top.core_req_addr;
        w.req_asid.next = top.core_req_asid;
        w.req_encrypted.next = top.core_req_encrypted;
        w.req_wdata.next = top.core_req_wdata;
        w.req_wstrb.next = top.core_req_wstrb;
        w.rsp_ready.next = top.core_rsp_ready;
        w.key_cmd_valid.next = top.key_cmd_valid;
        // The unit and the core, with the request buffer between them or not.
        let (request_valid, request_write, request_addr, request_asid, request_encrypted, request_wdata) = match self.request_buffer.first_mut() {
            Some(b) => {
                b.clock.next = self.clock.val();
                b.reset.next = self.reset.val();
                b.in_valid.next = w.c_req_valid.val();
                b.in_data.next = pack_request(w.c_req_write.val(), w.c_req_addr.val(), w.c_req_asid.val(), w.c_req_encrypted.val(), w.c_req_wdata.val());
                b.out_ready.next = c.core_req_ready.val();
                w.c_req_ready.next = b.in_ready.val();
                b.unit_key_valid.next = w.c_key_cmd_valid.val();
                b.core_key_ready.next = c.key_cmd_ready.val();
                b.core_key_answer.next = c.key_rsp_valid.val();
                w.c_key_cmd_ready.next = b.unit_key_ready.val();
                c.key_cmd_valid.next = b.core_key_valid.val();
                let d = b.out_data.val();
                (b.out_valid.val(), d.get_bit(209), d.get_bits::<64>(128), d.get_bits::<16>(192), d.get_bit(208), d.get_bits::<128>(0))
            }
            None => {
                w.c_req_ready.next = c.core_req_ready.val();
                w.c_key_cmd_ready.next = c.key_cmd_ready.val();
                c.key_cmd_valid.next = w.c_key_cmd_valid.val();
                (w.c_req_valid.val(), w.c_req_write.val(), w.c_req_addr.val(), w.c_req_asid.val(), w.c_req_encrypted.val(), w.c_req_wdata.val())
            }
        };
        w.c_rsp_valid.next = c.core_rsp_valid.val();
        w.c_rsp_write.next = c.core_rsp_write.val();
        w.c_rsp_status.next = c.core_rsp_status.val();
        let rsp: Vec<u8> = c.core_rsp_rdata.iter().map(|b| b.val().to_u8()).collect();
        if rsp != cache.rsp_rdata {
            w.c_rsp_rdata.next = from_bytes(&rsp);
            cache.rsp_rdata = rsp;
        }
        c.clock.next = self.clock.val();
        c.reset.next = self.reset.val();
        c.core_req_valid.next = request_valid;
        c.core_req_write.next = request_write;
        c.core_req_addr.next = request_addr;
        c.core_req_asid.next = request_asid;
        c.core_req_encrypted.next = request_encrypted;
        c.core_rsp_ready.next = w.c_rsp_ready.val();
        c.dram_req_ready.next = top.dram_req_ready;
        c.dram_rsp_valid.next = top.dram_rsp_valid;
        c.key_cmd_op.next = top.key_cmd_op;
        c.key_cmd_asid.next = top.key_cmd_asid;
        let kb = c.key_cmd_key1.len();
        let wdata = request_wdata;
        if cache.wdata != Some(wdata) {
            set_bytes(&mut c.core_req_wdata, &wdata.to_u128().to_le_bytes());
            cache.wdata = Some(wdata);
        }
        let rdata = top.dram_rsp_rdata;
        if cache.dram_rdata != Some(rdata) {
            set_bytes(&mut c.dram_rsp_rdata, &rdata.to_u128().to_le_bytes());
            cache.dram_rdata = Some(rdata);
        }
        let key1 = top.key_cmd_key1;
        if cache.key1 != Some(key1) {
            set_bytes(&mut c.key_cmd_key1, &to_bytes(key1, kb));
            cache.key1 = Some(key1);
        }
        let key2 = top.key_cmd_key2;
        if cache.key2 != Some(key2) {
            set_bytes(&mut c.key_cmd_key2, &to_bytes(key2, kb));
            cache.key2 = Some(key2);
        }
        let dram: Vec<u8> = c.dram_req_wdata.iter().map(|b| b.val().to_u8()).collect();
        if dram != cache.dram_wdata {
            cache.dram_wdata_bits = from_bytes(&dram);
            cache.dram_wdata = dram;
        }
        // Out to the top.
        let out = TopOutputs {
            core_req_ready: w.req_ready.val(),
            core_rsp_valid: w.rsp_valid.val(),
            core_rsp_write: w.rsp_write.val(),
            core_rsp_rdata: w.rsp_rdata.val(),
            core_rsp_status: w.rsp_status.val(),
            core_rsp_answer: w.rsp_answer.val(),
            core_rsp_follow: w.rsp_follow.val(),
            dram_req_valid: c.dram_req_valid.val(),
            dram_req_write: c.dram_req_write.val(),
            dram_req_addr: c.dram_req_addr.val(),
            dram_req_wdata: cache.dram_wdata_bits,
            dram_rsp_ready: c.dram_rsp_ready.val(),
            key_cmd_ready: w.key_cmd_ready.val(),
            key_rsp_valid: c.key_rsp_valid.val(),
            key_rsp_status: c.key_rsp_status.val(),
        };
        let out = match self.ports.first_mut() {
            Some(p) => {
                p.e_core_req_ready.next = out.core_req_ready;
                p.e_core_rsp_valid.next = out.core_rsp_valid;
                p.e_core_rsp_write.next = out.core_rsp_write;
                p.e_core_rsp_rdata.next = out.core_rsp_rdata;
                p.e_core_rsp_status.next = out.core_rsp_status;
                p.e_core_rsp_answer.next = out.core_rsp_answer;
                p.e_core_rsp_follow.next = out.core_rsp_follow;
                p.e_dram_req_valid.next = out.dram_req_valid;
                p.e_dram_req_write.next = out.dram_req_write;
                p.e_dram_req_addr.next = out.dram_req_addr;
                p.e_dram_req_wdata.next = out.dram_req_wdata;
                p.e_dram_rsp_ready.next = out.dram_rsp_ready;
                p.e_key_cmd_ready.next = out.key_cmd_ready;
                p.e_key_rsp_valid.next = out.key_rsp_valid;
                p.e_key_rsp_status.next = out.key_rsp_status;
                TopOutputs {
                    core_req_ready: p.core_req_ready.val(),
                    core_rsp_valid: p.core_rsp_valid.val(),
                    core_rsp_write: p.core_rsp_write.val(),
                    core_rsp_rdata: p.core_rsp_rdata.val(),
                    core_rsp_status: p.core_rsp_status.val(),
                    core_rsp_answer: p.core_rsp_answer.val(),
                    core_rsp_follow: p.core_rsp_follow.val(),
                    dram_req_valid: p.dram_req_valid.val(),
                    dram_req_write: p.dram_req_write.val(),
                    dram_req_addr: p.dram_req_addr.val(),
                    dram_req_wdata: p.dram_req_wdata.val(),
                    dram_rsp_ready: p.dram_rsp_ready.val(),
                    key_cmd_ready: p.key_cmd_ready.val(),
                    key_rsp_valid: p.key_rsp_valid.val(),
                    key_rsp_status: p.key_rsp_status.val(),
                }
            }
            None => out,
        };
        self.core_req_ready.next = out.core_req_ready;
        self.core_rsp_valid.next = out.core_rsp_valid;
        self.core_rsp_write.next = out.core_rsp_write;
        self.core_rsp_rdata.next = out.core_rsp_rdata;
        self.core_rsp_status.next = out.core_rsp_status;
        self.core_rsp_answer.next = out.core_rsp_answer;
        self.core_rsp_follow.next = out.core_rsp_follow;
        self.key_cmd_ready.next = out.key_cmd_ready;
        self.dram_req_valid.next = out.dram_req_valid;
        self.dram_req_write.next = out.dram_req_write;
        self.dram_req_addr.next = out.dram_req_addr;
        self.dram_req_wdata.next = out.dram_req_wdata;
        self.dram_rsp_ready.next = out.dram_rsp_ready;
        self.key_rsp_valid.next = out.key_rsp_valid;
        self.key_rsp_status.next = out.key_rsp_status;
    }

    fn connect(&mut self) {
        for s in [
            &mut self.core_req_ready, &mut self.core_rsp_valid, &mut self.core_rsp_write, &mut self.core_rsp_answer, &mut self.core_rsp_follow, &mut self.dram_req_valid, &mut self.dram_req_write,
            &mut self.dram_rsp_ready, &mut self.key_cmd_ready, &mut self.key_rsp_valid,
        ] {
            s.connect();
        }
        self.core_rsp_rdata.connect();
        self.core_rsp_status.connect();
        self.dram_req_addr.connect();
        self.dram_req_wdata.connect();
        self.key_rsp_status.connect();
        let w = &mut self.writes;
        for s in [&mut w.reset, &mut w.req_valid, &mut w.req_write, &mut w.req_encrypted, &mut w.rsp_ready, &mut w.key_cmd_valid, &mut w.c_req_ready, &mut w.c_rsp_valid, &mut w.c_rsp_write, &mut w.c_key_cmd_ready] {
            s.connect();
        }
        w.clock.connect();
        w.req_addr.connect();
        w.req_asid.connect();
        w.req_wdata.connect();
        w.req_wstrb.connect();
        w.c_rsp_rdata.connect();
        w.c_rsp_status.connect();
        let c = &mut self.core;
        for s in [&mut c.reset, &mut c.core_req_valid, &mut c.core_req_write, &mut c.core_req_encrypted, &mut c.core_rsp_ready, &mut c.dram_req_ready, &mut c.dram_rsp_valid, &mut c.key_cmd_valid, &mut c.key_cmd_op] {
            s.connect();
        }
        c.clock.connect();
        c.core_req_addr.connect();
        c.core_req_asid.connect();
        c.key_cmd_asid.connect();
        for s in c.core_req_wdata.iter_mut().chain(c.dram_rsp_rdata.iter_mut()).chain(c.key_cmd_key1.iter_mut()).chain(c.key_cmd_key2.iter_mut()) {
            s.connect();
        }
        for b in &mut self.request_buffer {
            b.clock.connect();
            b.reset.connect();
            b.in_valid.connect();
            b.in_data.connect();
            b.out_ready.connect();
            b.unit_key_valid.connect();
            b.core_key_ready.connect();
            b.core_key_answer.connect();
        }
        for p in &mut self.ports {
            p.clock.connect();
            for s in [
                &mut p.reset, &mut p.core_req_valid, &mut p.core_req_write, &mut p.core_req_encrypted, &mut p.core_rsp_ready, &mut p.dram_req_ready, &mut p.dram_rsp_valid,
                &mut p.key_cmd_valid, &mut p.key_cmd_op, &mut p.e_core_req_ready, &mut p.e_core_rsp_valid, &mut p.e_core_rsp_write, &mut p.e_core_rsp_answer,
                &mut p.e_core_rsp_follow, &mut p.e_dram_req_valid, &mut p.e_dram_req_write, &mut p.e_dram_rsp_ready, &mut p.e_key_cmd_ready, &mut p.e_key_rsp_valid,
            ] {
                s.connect();
            }
            p.core_req_addr.connect();
            p.core_req_asid.connect();
            p.core_req_wdata.connect();
            p.core_req_wstrb.connect();
            p.dram_rsp_rdata.connect();
            p.key_cmd_asid.connect();
            p.key_cmd_key1.connect();
            p.key_cmd_key2.connect();
            p.e_core_rsp_rdata.connect();
            p.e_core_rsp_status.connect();
            p.e_dram_req_addr.connect();
            p.e_dram_req_wdata.connect();
            p.e_key_rsp_status.connect();
        }
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self.verilog_text())
    }
}
