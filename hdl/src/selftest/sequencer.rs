//! `Sequencer`: runs a [`SelfTestProgram`] through the engine's key and core ports, one
//! command or request at a time, and checks every response.
//!
//! The steps are constants of the block; the data comes from the vector ROM (`rom_address` out,
//! `rom_data` in one cycle later). For each step: a key command whose response must carry the
//! step's status, or one request per block whose response must carry the step's status and,
//! for a read answered ok, the ROM's block (all zero for a refused read). The first mismatch
//! stops the sequencer with `failed` high; `step` and `block` then name the failing request.
//! After the last step `passed` is high. `checked` counts the responses checked.
//!
//! Timing: a request or command is offered two cycles after the previous response (one cycle
//! to fetch its ROM block); the sequencer takes every response in the cycle it is offered.

use super::program::{SelfTestProgram, StepOp};
use crate::engine::engine_top::from_bytes;
use rust_hdl::prelude::*;

const FETCH: u64 = 0;
const ISSUE: u64 = 1;
const WAIT_KEY: u64 = 2;
const WAIT_RESPONSE: u64 = 3;
const PASSED: u64 = 4;
const FAILED: u64 = 5;

/// See the module documentation.
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct Sequencer {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub key_cmd_valid: Signal<Out, Bit>,
    pub key_cmd_ready: Signal<In, Bit>,
    pub key_cmd_op: Signal<Out, Bit>,
    pub key_cmd_asid: Signal<Out, Bits<16>>,
    pub key_cmd_key1: Signal<Out, Bits<256>>,
    pub key_cmd_key2: Signal<Out, Bits<256>>,
    pub key_rsp_valid: Signal<In, Bit>,
    pub key_rsp_status: Signal<In, Bits<2>>,
    pub core_req_valid: Signal<Out, Bit>,
    pub core_req_ready: Signal<In, Bit>,
    pub core_req_write: Signal<Out, Bit>,
    pub core_req_addr: Signal<Out, Bits<64>>,
    pub core_req_asid: Signal<Out, Bits<16>>,
    pub core_req_encrypted: Signal<Out, Bit>,
    pub core_req_wdata: Signal<Out, Bits<128>>,
    pub core_req_wstrb: Signal<Out, Bits<16>>,
    pub core_rsp_valid: Signal<In, Bit>,
    pub core_rsp_ready: Signal<Out, Bit>,
    pub core_rsp_rdata: Signal<In, Bits<128>>,
    pub core_rsp_status: Signal<In, Bits<2>>,
    pub rom_address: Signal<Out, Bits<8>>,
    pub rom_data: Signal<In, Bits<128>>,
    pub passed: Signal<Out, Bit>,
    pub failed: Signal<Out, Bit>,
    pub step: Signal<Out, Bits<8>>,
    pub block: Signal<Out, Bits<8>>,
    pub checked: Signal<Out, Bits<16>>,
    state: DFF<Bits<3>>,
    step_reg: DFF<Bits<8>>,
    block_reg: DFF<Bits<8>>,
    checked_reg: DFF<Bits<16>>,
    // The current step's fields.
    op: Signal<Local, Bits<2>>,
    asid: Signal<Local, Bits<16>>,
    key: Signal<Local, Bits<4>>,
    address: Signal<Local, Bits<64>>,
    encrypted: Signal<Local, Bit>,
    page: Signal<Local, Bits<8>>,
    last_block: Signal<Local, Bits<8>>,
    status: Signal<Local, Bits<2>>,
    expected: Signal<Local, Bits<128>>,
    response_ok: Signal<Local, Bit>,
    // The program.
    step_count: Constant<Bits<8>>,
    step_number: Vec<Constant<Bits<8>>>,
    step_op: Vec<Constant<Bits<2>>>,
    step_asid: Vec<Constant<Bits<16>>>,
    step_key: Vec<Constant<Bits<4>>>,
    step_address: Vec<Constant<Bits<64>>>,
    step_encrypted: Vec<Constant<Bit>>,
    step_page: Vec<Constant<Bits<8>>>,
    step_last_block: Vec<Constant<Bits<8>>>,
    step_status: Vec<Constant<Bits<2>>>,
    key_number: Vec<Constant<Bits<4>>>,
    key1: Vec<Constant<Bits<256>>>,
    key2: Vec<Constant<Bits<256>>>,
    s_fetch: Constant<Bits<3>>,
    s_issue: Constant<Bits<3>>,
    s_wait_key: Constant<Bits<3>>,
    s_wait_response: Constant<Bits<3>>,
    s_passed: Constant<Bits<3>>,
    s_failed: Constant<Bits<3>>,
}

impl Sequencer {
    /// The sequencer of `program`, which must pass [`SelfTestProgram::check`].
    pub fn new(program: &SelfTestProgram) -> Self {
        let steps = &program.steps;
        let each = |f: &dyn Fn(&super::program::Step) -> u64| -> Vec<u64> { steps.iter().map(f).collect() };
        fn constants<const N: usize>(values: Vec<u64>) -> Vec<Constant<Bits<N>>> {
            values.into_iter().map(|v| Constant::new(Bits::<N>::from(v))).collect()
        }
        Self {
            clock: Default::default(),
            reset: Default::default(),
            key_cmd_valid: Default::default(),
            key_cmd_ready: Default::default(),
            key_cmd_op: Default::default(),
            key_cmd_asid: Default::default(),
            key_cmd_key1: Default::default(),
            key_cmd_key2: Default::default(),
            key_rsp_valid: Default::default(),
            key_rsp_status: Default::default(),
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
            core_rsp_rdata: Default::default(),
            core_rsp_status: Default::default(),
            rom_address: Default::default(),
            rom_data: Default::default(),
            passed: Default::default(),
            failed: Default::default(),
            step: Default::default(),
            block: Default::default(),
            checked: Default::default(),
            state: Default::default(),
            step_reg: Default::default(),
            block_reg: Default::default(),
            checked_reg: Default::default(),
            op: Default::default(),
            asid: Default::default(),
            key: Default::default(),
            address: Default::default(),
            encrypted: Default::default(),
            page: Default::default(),
            last_block: Default::default(),
            status: Default::default(),
            expected: Default::default(),
            response_ok: Default::default(),
            step_count: Constant::new((steps.len() as u64).into()),
            step_number: constants((0..steps.len() as u64).collect()),
            step_op: constants(each(&|s| s.op.code())),
            step_asid: constants(each(&|s| u64::from(s.asid))),
            step_key: constants(each(&|s| s.key as u64)),
            step_address: constants(each(&|s| s.address)),
            step_encrypted: steps.iter().map(|s| Constant::new(s.encrypted)).collect(),
            step_page: constants(each(&|s| if matches!(s.op, StepOp::Write | StepOp::Read) { s.page as u64 } else { 0 })),
            step_last_block: constants(each(&|s| u64::from(s.blocks.max(1) - 1))),
            step_status: constants(each(&|s| u64::from(s.status))),
            key_number: constants((0..program.keys.len() as u64).collect()),
            key1: program.keys.iter().map(|(k1, _)| Constant::new(from_bytes::<256>(k1))).collect(),
            key2: program.keys.iter().map(|(_, k2)| Constant::new(from_bytes::<256>(k2))).collect(),
            s_fetch: Constant::new(FETCH.into()),
            s_issue: Constant::new(ISSUE.into()),
            s_wait_key: Constant::new(WAIT_KEY.into()),
            s_wait_response: Constant::new(WAIT_RESPONSE.into()),
            s_passed: Constant::new(PASSED.into()),
            s_failed: Constant::new(FAILED.into()),
        }
    }
}

impl Logic for Sequencer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, state, step_reg, block_reg, checked_reg);
        // The current step's fields.
        self.op.next = bits::<2>(0);
        self.asid.next = bits::<16>(0);
        self.key.next = bits::<4>(0);
        self.address.next = bits::<64>(0);
        self.encrypted.next = false;
        self.page.next = bits::<8>(0);
        self.last_block.next = bits::<8>(0);
        self.status.next = bits::<2>(0);
        for i in 0..self.step_number.len() {
            if self.step_reg.q.val() == self.step_number[i].val() {
                self.op.next = self.step_op[i].val();
                self.asid.next = self.step_asid[i].val();
                self.key.next = self.step_key[i].val();
                self.address.next = self.step_address[i].val();
                self.encrypted.next = self.step_encrypted[i].val();
                self.page.next = self.step_page[i].val();
                self.last_block.next = self.step_last_block[i].val();
                self.status.next = self.step_status[i].val();
            }
        }
        self.key_cmd_key1.next = bits::<256>(0);
        self.key_cmd_key2.next = bits::<256>(0);
        for k in 0..self.key_number.len() {
            if self.key.val() == self.key_number[k].val() {
                self.key_cmd_key1.next = self.key1[k].val();
                self.key_cmd_key2.next = self.key2[k].val();
            }
        }
        // Requests and commands.
        self.rom_address.next = self.page.val() + self.block_reg.q.val();
        self.key_cmd_valid.next = (self.state.q.val() == self.s_issue.val()) & (self.op.val() < 2);
        self.key_cmd_op.next = self.op.val() == 1;
        self.key_cmd_asid.next = self.asid.val();
        self.core_req_valid.next = (self.state.q.val() == self.s_issue.val()) & (self.op.val() >= 2);
        self.core_req_write.next = self.op.val() == 2;
        self.core_req_addr.next = self.address.val() + (bit_cast::<64, 8>(self.block_reg.q.val()) << 4);
        self.core_req_asid.next = self.asid.val();
        self.core_req_encrypted.next = self.encrypted.val();
        self.core_req_wdata.next = self.rom_data.val();
        self.core_req_wstrb.next = bits::<16>(0xffff);
        self.core_rsp_ready.next = self.state.q.val() == self.s_wait_response.val();
        // Checks.
        self.expected.next = bits::<128>(0);
        if self.status.val() == 0 {
            self.expected.next = self.rom_data.val();
        }
        self.response_ok.next = (self.core_rsp_status.val() == self.status.val())
            & ((self.op.val() == 2) | (self.core_rsp_rdata.val() == self.expected.val()));
        if self.state.q.val() == self.s_fetch.val() {
            self.state.d.next = self.s_issue.val();
            if self.step_reg.q.val() == self.step_count.val() {
                self.state.d.next = self.s_passed.val();
            }
        }
        if self.key_cmd_valid.val() & self.key_cmd_ready.val() {
            self.state.d.next = self.s_wait_key.val();
        }
        if self.core_req_valid.val() & self.core_req_ready.val() {
            self.state.d.next = self.s_wait_response.val();
        }
        if (self.state.q.val() == self.s_wait_key.val()) & self.key_rsp_valid.val() {
            self.state.d.next = self.s_failed.val();
            if self.key_rsp_status.val() == self.status.val() {
                self.state.d.next = self.s_fetch.val();
                self.step_reg.d.next = self.step_reg.q.val() + 1;
                self.checked_reg.d.next = self.checked_reg.q.val() + 1;
            }
        }
        if (self.state.q.val() == self.s_wait_response.val()) & self.core_rsp_valid.val() {
            self.state.d.next = self.s_failed.val();
            if self.response_ok.val() {
                self.state.d.next = self.s_fetch.val();
                self.checked_reg.d.next = self.checked_reg.q.val() + 1;
                self.block_reg.d.next = self.block_reg.q.val() + 1;
                if self.block_reg.q.val() == self.last_block.val() {
                    self.block_reg.d.next = bits::<8>(0);
                    self.step_reg.d.next = self.step_reg.q.val() + 1;
                }
            }
        }
        self.passed.next = self.state.q.val() == self.s_passed.val();
        self.failed.next = self.state.q.val() == self.s_failed.val();
        self.step.next = self.step_reg.q.val();
        self.block.next = self.block_reg.q.val();
        self.checked.next = self.checked_reg.q.val();
        if self.reset.val() {
            self.state.d.next = self.s_fetch.val();
            self.step_reg.d.next = bits::<8>(0);
            self.block_reg.d.next = bits::<8>(0);
            self.checked_reg.d.next = bits::<16>(0);
        }
    }
}
