//! `Ecp5Pll`: a black box around the ECP5's `EHXPLLL` for one output clock, its dividers
//! chosen at construction (the search Lattice's ECP5 sysCLOCK guide describes: the input
//! divided by `CLKI_DIV` at the phase detector, 3.125 to 400 MHz; the VCO, `CLKOP_DIV` times
//! the output, 400 to 800 MHz; feedback from the output, so that output = input ×
//! `CLKFB_DIV` / `CLKI_DIV`).
//!
//! It has no rust-hdl simulation model: a board top with it is built, not simulated; the
//! blocks behind it are simulated on their own.

use rust_hdl::prelude::*;

/// The dividers of an `EHXPLLL` for one output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PllDividers {
    /// Input divider.
    pub clki_div: u32,
    /// Feedback divider.
    pub clkfb_div: u32,
    /// Output divider (VCO / output).
    pub clkop_div: u32,
    /// The output frequency these give, in MHz.
    pub output_mhz: f64,
}

/// The dividers whose output comes nearest `output_mhz` from `input_mhz` (ties: the lowest
/// input divider, then the highest VCO).
pub fn pll_dividers(input_mhz: f64, output_mhz: f64) -> Option<PllDividers> {
    let mut best: Option<PllDividers> = None;
    for clki_div in 1..=128u32 {
        let pfd = input_mhz / f64::from(clki_div);
        if !(3.125..=400.0).contains(&pfd) {
            continue;
        }
        for clkfb_div in 1..=80u32 {
            let out = pfd * f64::from(clkfb_div);
            for clkop_div in 1..=128u32 {
                let vco = out * f64::from(clkop_div);
                if !(400.0..=800.0).contains(&vco) {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some(b) => (out - output_mhz).abs() < (b.output_mhz - output_mhz).abs() - 1e-9,
                };
                if better {
                    best = Some(PllDividers { clki_div, clkfb_div, clkop_div, output_mhz: out });
                }
            }
        }
    }
    best
}

/// See the module documentation.
#[derive(LogicBlock)]
pub struct Ecp5Pll {
    /// The reference clock.
    pub clock_in: Signal<In, Clock>,
    /// The output clock.
    pub clock_out: Signal<Out, Clock>,
    /// High once the PLL has locked.
    pub locked: Signal<Out, Bit>,
    _dividers: PllDividers,
    _input_mhz: f64,
}

impl Ecp5Pll {
    /// A PLL from `input_mhz` to `dividers.output_mhz`.
    pub fn new(input_mhz: f64, dividers: PllDividers) -> Self {
        Self { clock_in: Default::default(), clock_out: Default::default(), locked: Default::default(), _dividers: dividers, _input_mhz: input_mhz }
    }
}

impl Logic for Ecp5Pll {
    fn update(&mut self) {}

    fn connect(&mut self) {
        self.clock_out.connect();
        self.locked.connect();
    }

    fn hdl(&self) -> Verilog {
        let d = self._dividers;
        Verilog::Wrapper(Wrapper {
            code: format!(
                "(* FREQUENCY_PIN_CLKI=\"{fin}\" *) (* FREQUENCY_PIN_CLKOP=\"{fout}\" *) (* ICP_CURRENT=\"12\" *) (* LPF_RESISTOR=\"8\" *) (* MFG_ENABLE_FILTEROPAMP=\"1\" *) (* MFG_GMCREF_SEL=\"2\" *)\n\
                 EHXPLLL #(.PLLRST_ENA(\"DISABLED\"), .INTFB_WAKE(\"DISABLED\"), .STDBY_ENABLE(\"DISABLED\"), .DPHASE_SOURCE(\"DISABLED\"),\n    \
                 .OUTDIVIDER_MUXA(\"DIVA\"), .CLKOP_ENABLE(\"ENABLED\"), .CLKOP_DIV({op}), .CLKOP_CPHASE({cphase}), .CLKOP_FPHASE(0),\n    \
                 .FEEDBK_PATH(\"CLKOP\"), .CLKFB_DIV({fb}), .CLKI_DIV({ki})\n) pll (\n    \
                 .RST(1'b0), .STDBY(1'b0), .CLKI(clock_in), .CLKOP(clock_out), .CLKFB(clock_out), .CLKINTFB(),\n    \
                 .PHASESEL0(1'b0), .PHASESEL1(1'b0), .PHASEDIR(1'b1), .PHASESTEP(1'b1), .PHASELOADREG(1'b1),\n    \
                 .PLLWAKESYNC(1'b0), .ENCLKOP(1'b0), .LOCK(locked)\n);\n",
                fin = self._input_mhz,
                fout = d.output_mhz,
                op = d.clkop_div,
                cphase = (d.clkop_div - 1) / 2,
                fb = d.clkfb_div,
                ki = d.clki_div,
            ),
            cores: String::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::pll_dividers;

    #[test]
    fn the_dividers_hit_the_target_inside_the_pll_limits() {
        for (input, output) in [(25.0, 40.0), (25.0, 50.0), (25.0, 125.0), (12.0, 48.0)] {
            let d = pll_dividers(input, output).unwrap();
            assert!((d.output_mhz - output).abs() < 1e-6, "{input} -> {output}: {d:?}");
            let vco = d.output_mhz * f64::from(d.clkop_div);
            assert!((400.0..=800.0).contains(&vco), "{d:?}");
            assert!((input * f64::from(d.clkfb_div) / f64::from(d.clki_div) - d.output_mhz).abs() < 1e-9);
        }
    }
}
