//! The outputs of `mee explore`: a CSV of every figure, a Markdown report, and an SVG plot of
//! area against throughput coloured by S-box style.

use super::row::Row;
use super::sweep::{FlowSettings, Sweep};
use super::Exploration;
use anyhow::{anyhow, Result};
use plotters::prelude::*;

/// Every row as CSV (one header line; missing figures are empty cells).
pub fn csv(rows: &[Row]) -> Result<String> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row)?;
    }
    Ok(String::from_utf8(writer.into_inner().map_err(|e| anyhow!("csv: {e}"))?)?)
}

fn number<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

fn decimal(value: Option<f64>, places: usize) -> String {
    value.map(|v| format!("{v:.places$}")).unwrap_or_else(|| "-".into())
}

/// What a config's own flow settings change from the sweep's, for the report's list: the
/// targets and place and route always, then each other setting that differs.
fn flow_differences(own: &FlowSettings, sweep: &FlowSettings) -> String {
    let mut parts = vec![format!("targets {}", own.targets.join(", ")), format!("place and route {}", if own.place_and_route { "on" } else { "off" })];
    if own.target_mhz != sweep.target_mhz {
        parts.push(format!("nextpnr aims at {} MHz", own.target_mhz));
    }
    if own.placement_seed != sweep.placement_seed {
        parts.push(format!("placer seed {}", own.placement_seed));
    }
    if own.ecp5_speed_grade != sweep.ecp5_speed_grade {
        parts.push(format!("ECP5 speed grade {}", own.ecp5_speed_grade));
    }
    if own.timeout_seconds != sweep.timeout_seconds {
        parts.push(format!("tool time limit {} s", own.timeout_seconds));
    }
    if own.requests != sweep.requests {
        parts.push(format!("{} requests per traffic pattern", own.requests));
    }
    if own.seed != sweep.seed {
        parts.push(format!("simulation seed {}", own.seed));
    }
    parts.join("; ")
}

/// The Markdown report: the command, the flow, the tool versions, the table and the notes.
pub fn markdown(sweep: &Sweep, exploration: &Exploration, command: &str) -> String {
    let flow = &sweep.flow;
    let mut text = String::from("# mee explore\n\n");
    text += &format!("Reproduce with `{command}`.\n\n");
    text += &format!(
        "Flow: targets {}; place and route {}; nextpnr aims at {} MHz (placer seed {}, ECP5 speed grade {}); tool time limit {} s; {} requests per traffic pattern (seed {}), DRAM latency = the tweak unit's latency.\n\n",
        flow.targets.join(", "),
        if flow.place_and_route { "on" } else { "off" },
        flow.target_mhz,
        flow.placement_seed,
        flow.ecp5_speed_grade,
        flow.timeout_seconds,
        flow.requests,
        flow.seed
    );
    let own: Vec<String> = sweep
        .points
        .iter()
        .filter(|p| p.flow != *flow)
        .map(|p| format!("- {}: {}", p.name, flow_differences(&p.flow, flow)))
        .collect();
    if !own.is_empty() {
        text += &format!("Configs with flow settings of their own:\n\n{}\n\n", own.join("\n"));
    }
    text += &format!("Tools: {}.\n\n", exploration.tool_versions.join("; "));
    text += &match exploration.shards {
        1 => format!("{} configs in {:.0} s wall time ({} from the cache).\n\n", exploration.rows.len(), exploration.seconds, exploration.cached),
        shards => format!(
            "{} configs in {shards} shards, the slowest {:.0} s wall time ({} from the cache); merged with `mee explore merge`.\n\n",
            exploration.rows.len(),
            exploration.seconds,
            exploration.cached
        ),
    };
    text += "| config | key | S-box | registers | read +cycles | write cycles | reads/cycle | writes/cycle | ECP5 LUT4 | ECP5 FF | DP16KD | 7-series LUT | 7-series FF | BRAM | iCE40 LUT | iCE40 FF | LFE5U-85F MHz | iCE40 MHz | read Gbit/s | write Gbit/s | Gbit/s per 1k LUT4 | seconds |\n";
    text += "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    for row in &exploration.rows {
        let ice40_mhz = match (&row.ice40_device, row.ice40_fmax_mhz, row.ice40_gbit_s) {
            (Some(device), Some(mhz), Some(gbit_s)) => format!("{mhz:.1} ({device}, {gbit_s:.3} Gbit/s)"),
            (Some(device), Some(mhz), None) => format!("{mhz:.1} ({device})"),
            _ => "-".into(),
        };
        text += &format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0} |\n",
            row.config,
            row.key_bits,
            row.sbox,
            row.round_registers,
            number(row.read_latency_cycles),
            number(row.write_latency_cycles),
            decimal(row.read_blocks_per_cycle, 3),
            decimal(row.write_blocks_per_cycle, 3),
            number(row.ecp5_lut4),
            number(row.ecp5_ff),
            number(row.ecp5_dp16kd),
            number(row.xilinx_lut),
            number(row.xilinx_ff),
            number(row.xilinx_bram),
            number(row.ice40_lut),
            number(row.ice40_ff),
            decimal(row.ecp5_fmax_mhz, 1),
            ice40_mhz,
            decimal(row.read_gbit_s, 2),
            decimal(row.write_gbit_s, 2),
            decimal(row.gbit_s_per_kilo_lut, 3),
            row.seconds
        );
    }
    let paths: Vec<String> =
        exploration.rows.iter().filter_map(|r| Some(format!("- {} ({:.1} MHz): {}", r.config, r.ecp5_fmax_mhz?, r.ecp5_critical_path.as_ref()?))).collect();
    if !paths.is_empty() {
        text += &format!("\nCritical paths on the LFE5U-85F (nextpnr's routed report; the named nets in order):\n\n{}\n", paths.join("\n"));
    }
    let notes: Vec<String> = exploration.rows.iter().filter(|r| !r.notes.is_empty()).map(|r| format!("- {}: {}", r.config, r.notes)).collect();
    if !notes.is_empty() {
        text += &format!("\nNotes:\n\n{}\n", notes.join("\n"));
    }
    text += "\n\"read +cycles\": the worst cycles a read adds to the DRAM latency; \"write cycles\": a write's acceptance to its DRAM write; both and the per-cycle rates are measured in lock-step simulation. Gbit/s = LFE5U-85F Fmax x blocks per cycle x 128; the iCE40 figure is the slower direction's at the iCE40 Fmax, placed inside the pin harness.\n";
    text
}

/// The S-box styles' colours in the plot.
fn colour(sbox: &str) -> RGBColor {
    match sbox {
        "table" => RGBColor(0x1f, 0x77, 0xb4),
        "composite" => RGBColor(0xd6, 0x27, 0x28),
        _ => RGBColor(0x2c, 0xa0, 0x2c),
    }
}

/// Which throughput a plot panel shows.
#[derive(Clone, Copy)]
enum Throughput {
    /// The slower direction's blocks per cycle, measured in simulation (every config).
    BlocksPerCycle,
    /// The slower direction's Gbit/s at the LFE5U-85F Fmax (placed configs only).
    GbitPerSecond,
}

impl Throughput {
    fn of(self, row: &Row) -> Option<f64> {
        match self {
            Throughput::BlocksPerCycle => Some(row.read_blocks_per_cycle?.min(row.write_blocks_per_cycle?)),
            Throughput::GbitPerSecond => Some(row.read_gbit_s?.min(row.write_gbit_s?)),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Throughput::BlocksPerCycle => "blocks per cycle (slower direction, simulated)",
            Throughput::GbitPerSecond => "Gbit/s (slower direction) at LFE5U-85F Fmax",
        }
    }
}

/// An SVG plot of ECP5 LUT4 (x) against throughput, one point per config, coloured by S-box
/// style and labelled with the config's name: blocks per cycle for every config and, beside
/// it when any config was placed and routed, Gbit/s for those.
pub fn svg(rows: &[Row]) -> Result<String> {
    let placed = rows.iter().any(|r| Throughput::GbitPerSecond.of(r).is_some());
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, (if placed { 1400 } else { 900 }, 600)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow!("plot: {e}"))?;
        let root = root.titled("mee explore: area against throughput", ("sans-serif", 22)).map_err(|e| anyhow!("plot: {e}"))?;
        if placed {
            let (left, right) = root.split_horizontally(700);
            panel(&left, rows, Throughput::BlocksPerCycle)?;
            panel(&right, rows, Throughput::GbitPerSecond)?;
        } else {
            panel(&root, rows, Throughput::BlocksPerCycle)?;
        }
        root.present().map_err(|e| anyhow!("plot: {e}"))?;
    }
    Ok(text)
}

/// One panel of [`svg`].
fn panel(area: &DrawingArea<SVGBackend, plotters::coord::Shift>, rows: &[Row], throughput: Throughput) -> Result<()> {
    let points: Vec<(&Row, f64, f64)> = rows.iter().filter_map(|r| Some((r, r.ecp5_lut4? as f64, throughput.of(r)?))).collect();
    let x_max = points.iter().map(|p| p.1).fold(1000.0, f64::max) * 1.15;
    let y_max = points.iter().map(|p| p.2).fold(1.0, f64::max) * 1.25;
    let mut chart = ChartBuilder::on(area)
        .margin(20)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)
        .map_err(|e| anyhow!("plot: {e}"))?;
    chart.configure_mesh().x_desc("ECP5 LUT4 (Yosys synth_ecp5)").y_desc(throughput.label()).draw().map_err(|e| anyhow!("plot: {e}"))?;
    let mut styles: Vec<&str> = points.iter().map(|p| p.0.sbox.as_str()).collect();
    styles.sort_unstable();
    styles.dedup();
    for style in styles {
        let colour = colour(style);
        chart
            .draw_series(points.iter().filter(|p| p.0.sbox == style).map(|p| Circle::new((p.1, p.2), 6, colour.filled())))
            .map_err(|e| anyhow!("plot: {e}"))?
            .label(format!("S-box: {style}"))
            .legend(move |(x, y)| Circle::new((x, y), 5, colour.filled()));
    }
    // Names stacked above their points, so configs of equal throughput stay readable.
    chart
        .draw_series(points.iter().enumerate().map(|(i, p)| {
            EmptyElement::at((p.1, p.2)) + Text::new(p.0.config.clone(), (6, -10 - 13 * (i as i32 % 6)), ("sans-serif", 11).into_font().color(&BLACK))
        }))
        .map_err(|e| anyhow!("plot: {e}"))?;
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()
        .map_err(|e| anyhow!("plot: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{csv, markdown, svg};
    use crate::explore::row::Row;
    use crate::explore::sweep::Sweep;
    use crate::explore::Exploration;

    fn row(name: &str, sbox: &str, luts: u64, gbit: Option<f64>) -> Row {
        Row {
            config: name.into(),
            sbox: sbox.into(),
            ecp5_lut4: Some(luts),
            read_blocks_per_cycle: Some(1.0),
            write_blocks_per_cycle: Some(0.5),
            read_gbit_s: gbit,
            write_gbit_s: gbit.map(|g| g / 2.0),
            ..Default::default()
        }
    }

    #[test]
    fn csv_has_a_header_and_empty_cells_for_missing_figures() {
        let text = csv(&[row("a", "table", 100, None)]).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let values: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(header.len(), values.len());
        let column = |name: &str| values[header.iter().position(|h| *h == name).unwrap()];
        assert_eq!((column("config"), column("ecp5_lut4"), column("ecp5_fmax_mhz")), ("a", "100", ""));
    }

    #[test]
    fn the_plot_has_one_point_per_measured_config_and_a_legend_per_style() {
        // Two placed configs and one not: blocks per cycle for all three, Gbit/s for two.
        let text = svg(&[row("a", "table", 100, Some(20.0)), row("b", "composite", 50, Some(10.0)), row("c", "composite", 70, None)]).unwrap();
        assert!(text.starts_with("<svg"), "{}", &text[..50.min(text.len())]);
        assert_eq!(text.matches("<circle").count(), (3 + 2) + (2 + 2), "points and two legend marks per panel");
        assert!(text.contains("S-box: table") && text.contains("S-box: composite") && text.contains("\nb\n"));
        assert!(text.contains("Gbit/s") && text.contains("blocks per cycle"));
        let unplaced = svg(&[row("a", "table", 100, None)]).unwrap();
        assert!(unplaced.contains("blocks per cycle") && !unplaced.contains("Gbit/s"));
        assert_eq!(unplaced.matches("<circle").count(), 1 + 1);
    }

    #[test]
    fn the_report_lists_the_critical_path_of_each_placed_config() {
        let sweep = Sweep::parse("[[configs]]\nname = \"a\"\n[[configs]]\nname = \"b\"\n").unwrap();
        let mut placed = row("a", "composite", 100, Some(5.0));
        placed.ecp5_fmax_mhz = Some(60.72);
        placed.ecp5_critical_path = Some("1.6 ns logic in 4 cells + 14.9 ns routing (longest hop 4.4 ns): x > y".into());
        let rows = vec![placed, row("b", "table", 200, None)];
        let exploration = Exploration { rows, cached: 0, tool_versions: vec![], seconds: 1.0, shards: 1 };
        let text = markdown(&sweep, &exploration, "mee explore");
        let section = &text[text.find("Critical paths on the LFE5U-85F").expect("a critical-path section")..];
        assert!(section.contains("- a (60.7 MHz): 1.6 ns logic in 4 cells + 14.9 ns routing (longest hop 4.4 ns): x > y"), "{section}");
        assert!(!section.contains("- b "), "an unplaced config has no critical path: {section}");
        // A row cached before the column existed still loads, without a critical path.
        let mut json: serde_json::Value = serde_json::to_value(&exploration.rows[0]).unwrap();
        json.as_object_mut().unwrap().remove("ecp5_critical_path");
        let old: Row = serde_json::from_value(json).unwrap();
        assert_eq!((old.ecp5_fmax_mhz, old.ecp5_critical_path), (Some(60.72), None));
    }

    #[test]
    fn a_config_s_own_flow_line_names_each_setting_it_changes() {
        let sweep = Sweep::parse(
            "[flow]\ntargets = [\"ecp5\"]\n[[configs]]\nname = \"a\"\n[[configs]]\nname = \"b\"\nflow = { placement_seed = 2, ecp5_speed_grade = 8 }\n[[configs]]\nname = \"c\"\nflow = { place_and_route = false }\n",
        )
        .unwrap();
        let exploration = Exploration { rows: vec![], cached: 0, tool_versions: vec![], seconds: 1.0, shards: 1 };
        let text = markdown(&sweep, &exploration, "mee explore");
        let section = &text[text.find("Configs with flow settings of their own").expect("a list of configs' own flows")..];
        let section = &section[..section.find("Tools:").expect("the tools line after it")];
        assert!(section.contains("- b: targets ecp5; place and route on; placer seed 2; ECP5 speed grade 8\n"), "{section}");
        assert!(section.contains("- c: targets ecp5; place and route off\n"), "{section}");
        assert!(!section.contains("- a:"), "a config with the sweep's flow is not listed: {section}");
    }
}
