//! `StatusLine`: writes the self-test's result as a line of text to a UART transmitter once
//! the test is over, and again every `repeat_cycles` cycles, so that a console opened late
//! still sees it.
//!
//! The two lines are templates fixed at construction: a byte `0x80 + n` stands for hex digit
//! `n` of `value` (digit 0 the least significant), a zero byte ends the line. `value` is read
//! while the line is written.
//!
//! Timing: the first line starts the cycle after `passed` or `failed` rises; one byte is
//! offered (`tx_valid`, `tx_data`) at a time while the transmitter is `tx_ready`.

use rust_hdl::prelude::*;

/// Longest template, in bytes.
pub const MAX_LINE: usize = 64;

/// See the module documentation.
#[derive(LogicBlock)]
#[allow(missing_docs)]
pub struct StatusLine {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub passed: Signal<In, Bit>,
    pub failed: Signal<In, Bit>,
    pub value: Signal<In, Bits<16>>,
    pub tx_valid: Signal<Out, Bit>,
    pub tx_ready: Signal<In, Bit>,
    pub tx_data: Signal<Out, Bits<8>>,
    sending: DFF<Bit>,
    position: DFF<Bits<6>>,
    wait: DFF<Bits<32>>,
    template_byte: Signal<Local, Bits<8>>,
    digit: Signal<Local, Bits<4>>,
    byte: Signal<Local, Bits<8>>,
    pass_text: Vec<Constant<Bits<8>>>,
    fail_text: Vec<Constant<Bits<8>>>,
    position_number: Vec<Constant<Bits<6>>>,
    digit_number: [Constant<Bits<2>>; 4],
    repeat_cycles: Constant<Bits<32>>,
}

impl StatusLine {
    /// Lines from the templates `pass` and `fail` (each at most [`MAX_LINE`] - 1 bytes, padded
    /// with the zero that ends it), repeated every `repeat_cycles` cycles.
    pub fn new(pass: &[u8], fail: &[u8], repeat_cycles: u32) -> Self {
        let padded = |t: &[u8]| -> Vec<Constant<Bits<8>>> {
            (0..MAX_LINE).map(|i| Constant::new(u64::from(*t.get(i).unwrap_or(&0)).into())).collect()
        };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            passed: Default::default(),
            failed: Default::default(),
            value: Default::default(),
            tx_valid: Default::default(),
            tx_ready: Default::default(),
            tx_data: Default::default(),
            sending: Default::default(),
            position: Default::default(),
            wait: Default::default(),
            template_byte: Default::default(),
            digit: Default::default(),
            byte: Default::default(),
            pass_text: padded(&pass[..pass.len().min(MAX_LINE - 1)]),
            fail_text: padded(&fail[..fail.len().min(MAX_LINE - 1)]),
            position_number: (0..MAX_LINE as u64).map(|i| Constant::new(i.into())).collect(),
            digit_number: core::array::from_fn(|n| Constant::new((n as u64).into())),
            repeat_cycles: Constant::new(u64::from(repeat_cycles).into()),
        }
    }
}

impl Logic for StatusLine {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, sending, position, wait);
        self.template_byte.next = bits::<8>(0);
        for i in 0..self.position_number.len() {
            if self.position.q.val() == self.position_number[i].val() {
                self.template_byte.next = self.pass_text[i].val();
                if self.failed.val() {
                    self.template_byte.next = self.fail_text[i].val();
                }
            }
        }
        self.digit.next = bits::<4>(0);
        for n in 0..4 {
            if self.template_byte.val().get_bits::<2>(0) == self.digit_number[n].val() {
                self.digit.next = self.value.val().get_bits::<4>(4 * n);
            }
        }
        self.byte.next = self.template_byte.val();
        if self.template_byte.val().get_bit(7) {
            self.byte.next = bit_cast::<8, 4>(self.digit.val()) + 0x30;
            if self.digit.val() >= 10 {
                self.byte.next = bit_cast::<8, 4>(self.digit.val()) + 0x57;
            }
        }
        self.tx_data.next = self.byte.val();
        self.tx_valid.next = self.sending.q.val() & (self.template_byte.val() != 0);
        if self.tx_valid.val() & self.tx_ready.val() {
            self.position.d.next = self.position.q.val() + 1;
        }
        if self.sending.q.val() & (self.template_byte.val() == 0) {
            self.sending.d.next = false;
            self.wait.d.next = self.repeat_cycles.val();
        }
        if !self.sending.q.val() & (self.wait.q.val() != 0) {
            self.wait.d.next = self.wait.q.val() - 1;
        }
        if !self.sending.q.val() & (self.wait.q.val() == 0) & (self.passed.val() | self.failed.val()) {
            self.sending.d.next = true;
            self.position.d.next = bits::<6>(0);
        }
        if self.reset.val() {
            self.sending.d.next = false;
            self.position.d.next = bits::<6>(0);
            self.wait.d.next = bits::<32>(0);
        }
    }
}
