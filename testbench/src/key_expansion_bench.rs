//! Driving the hardware [`DecryptionKeyExpander`] and checking its handshake.
//!
//! [`HardwareKeyExpander::expand`] starts one expansion and checks `busy` and `done` in every
//! cycle against the latency the module promises; it returns `key_out` from the `done` cycle.

use crate::bytes::{drive, sample};
use crate::driver::ClockedDriver;
use mee_hdl::aes::key_expansion::DecryptionKeyExpander;
use mee_reference::SboxStyle;

/// A simulated expander, reset and idle between calls.
pub struct HardwareKeyExpander {
    sim: ClockedDriver<DecryptionKeyExpander>,
    key_bytes: usize,
}

impl HardwareKeyExpander {
    /// A reset expander for `key_bytes`-byte keys.
    pub fn new(key_bytes: usize, style: SboxStyle) -> Self {
        let mut sim = ClockedDriver::new(DecryptionKeyExpander::new(key_bytes, style));
        sim.uut.reset.next = true;
        sim.uut.start.next = false;
        sim.evaluate();
        sim.rising_edge();
        sim.uut.reset.next = false;
        Self { sim, key_bytes }
    }

    /// The decryption key form of `key` as the hardware computes it, or the first handshake
    /// error (`busy`/`done` in the wrong cycle).
    pub fn expand(&mut self, key: &[u8]) -> Result<Vec<u8>, String> {
        let latency = DecryptionKeyExpander::latency(self.key_bytes);
        self.start(key);
        // The key input is only read with `start`; change it to prove that.
        let inverted: Vec<u8> = key.iter().map(|b| !b).collect();
        drive(&mut self.sim.uut.key_in, &inverted);
        for cycle in 1..=latency {
            self.sim.evaluate();
            let busy = self.sim.uut.busy.val();
            let done = self.sim.uut.done.val();
            if busy != (cycle < latency) || done != (cycle == latency) {
                return Err(format!(
                    "{} cycles after start: busy {busy}, done {done} (latency {latency})",
                    cycle
                ));
            }
            if done {
                let form = sample(&self.sim.uut.key_out);
                self.sim.rising_edge();
                return Ok(form);
            }
            self.sim.rising_edge();
        }
        Err(format!("done never rose within {latency} cycles"))
    }

    /// One cycle with `start` high and `key` on `key_in`; the expansion then runs.
    pub fn start(&mut self, key: &[u8]) {
        drive(&mut self.sim.uut.key_in, key);
        self.sim.uut.start.next = true;
        self.sim.evaluate();
        self.sim.rising_edge();
        self.sim.uut.start.next = false;
    }

    /// The driver, for tests that need other sequences (restart, reset).
    pub fn driver(&mut self) -> &mut ClockedDriver<DecryptionKeyExpander> {
        &mut self.sim
    }
}
