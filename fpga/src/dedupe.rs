//! Module deduplication of rust-hdl's Verilog.
//!
//! `generate_verilog` writes one module per instance, named after the instance path, so an
//! AES pipeline carries hundreds of identical S-box modules. [`dedupe`] keeps one module per
//! distinct text: two modules are the same when their texts are equal once their own names are
//! set aside; every instantiation of a duplicate then names the kept module instead, which can
//! make parents equal in turn, so it repeats until nothing changes. The kept module is the
//! first one in the file and keeps its name.

use std::collections::HashMap;

/// One `module ... endmodule` of the text.
struct Module {
    name: String,
    /// Lines between the `module` line and `endmodule`, with the header line kept separately.
    header_rest: String,
    body: Vec<String>,
    /// Attribute lines (`(* blackbox *)`) just before the `module` line, kept with it.
    attributes: Vec<String>,
}

/// The module name declared by a `module NAME(...` line.
fn declared_name(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("module ")?;
    let end = rest.find(|c: char| c == '(' || c.is_whitespace() || c == ';').unwrap_or(rest.len());
    Some(&rest[..end])
}

/// The (module type, rest of line) of an instantiation line `    TYPE INSTANCE(`.
fn instantiation(line: &str, known: &HashMap<String, String>) -> Option<(String, String)> {
    let trimmed = line.trim_start();
    let (kind, rest) = trimmed.split_once(' ')?;
    if known.contains_key(kind) && rest.trim_end().ends_with('(') {
        let indent = &line[..line.len() - trimmed.len()];
        return Some((kind.to_string(), format!("{indent}\u{0}{rest}")));
    }
    None
}

/// Statistics of a deduplication.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DedupeStats {
    /// Lines before.
    pub lines_before: usize,
    /// Modules before.
    pub modules_before: usize,
    /// Lines after.
    pub lines_after: usize,
    /// Modules after.
    pub modules_after: usize,
}

/// Deduplicates the modules of `verilog` (text outside modules is kept in place).
pub fn dedupe(verilog: &str) -> (String, DedupeStats) {
    let mut preamble = Vec::new();
    let mut modules: Vec<Module> = Vec::new();
    let mut current: Option<Module> = None;
    let mut attributes: Vec<String> = Vec::new();
    for line in verilog.lines() {
        if let Some(m) = current.as_mut() {
            if line.starts_with("endmodule") {
                modules.push(current.take().expect("open module"));
            } else {
                m.body.push(line.to_string());
            }
            continue;
        }
        match declared_name(line) {
            Some(name) => {
                let header_rest = line["module ".len() + name.len()..].to_string();
                current = Some(Module { name: name.to_string(), header_rest, body: Vec::new(), attributes: std::mem::take(&mut attributes) });
            }
            None if line.trim().is_empty() => {}
            None if line.trim_start().starts_with("(*") => attributes.push(line.to_string()),
            None => {
                preamble.append(&mut attributes);
                preamble.push(line.to_string());
            }
        }
    }
    let lines_before = verilog.lines().count();
    let modules_before = modules.len();
    // replacement[name] = the module that stands for it.
    let mut replacement: HashMap<String, String> = modules.iter().map(|m| (m.name.clone(), m.name.clone())).collect();
    loop {
        // Rewrite instantiations to the current representatives.
        for m in &mut modules {
            for line in &mut m.body {
                if let Some((kind, rest)) = instantiation(line, &replacement) {
                    let target = &replacement[&kind];
                    *line = rest.replace('\u{0}', &format!("{target} "));
                }
            }
        }
        // Group equal texts.
        let mut first_with: HashMap<(String, Vec<String>), String> = HashMap::new();
        let mut changed = false;
        for m in &modules {
            if replacement[&m.name] != m.name {
                continue;
            }
            let key = (m.attributes.join("\n") + &m.header_rest, m.body.clone());
            match first_with.get(&key) {
                Some(keeper) => {
                    replacement.insert(m.name.clone(), keeper.clone());
                    changed = true;
                }
                None => {
                    first_with.insert(key, m.name.clone());
                }
            }
        }
        // Chains: a module replaced by one that was itself replaced.
        let names: Vec<String> = replacement.keys().cloned().collect();
        for name in names {
            let mut target = replacement[&name].clone();
            while replacement[&target] != target {
                target = replacement[&target].clone();
            }
            replacement.insert(name, target);
        }
        if !changed {
            break;
        }
    }
    let mut out = String::new();
    for line in &preamble {
        out.push_str(line);
        out.push('\n');
    }
    let mut modules_after = 0;
    for m in modules.iter().filter(|m| replacement[&m.name] == m.name) {
        for line in &m.attributes {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&format!("module {}{}\n", m.name, m.header_rest));
        for line in &m.body {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&format!("endmodule // {}\n\n", m.name));
        modules_after += 1;
    }
    let lines_after = out.lines().count();
    (out, DedupeStats { lines_before, modules_before, lines_after, modules_after })
}

#[cfg(test)]
mod tests {
    use super::dedupe;

    #[test]
    fn an_attribute_stays_with_its_module() {
        // rust-hdl writes a black box's text (attribute and module) first; the kept modules come
        // out in file order, so the attribute must travel with its module, not stay on line 1.
        let text = "(* blackbox *)\nmodule PRIMITIVE(a);\nendmodule\nmodule top(a);\n    top$x x(\n    );\nendmodule // top\nmodule top$x(a);\nendmodule // top$x\n";
        let (out, _) = dedupe(text);
        assert!(out.contains("(* blackbox *)\nmodule PRIMITIVE(a);"), "{out}");
        assert_eq!(out.matches("(*").count(), 1, "{out}");
        assert!(!out.starts_with("(* blackbox *)\nmodule top"), "{out}");
    }

    #[test]
    fn identical_children_collapse_and_parents_follow() {
        let text = "\
module top(a);
    top$x x(
    );
    top$y y(
    );
endmodule // top
module top$x(a);
    top$x$leaf leaf(
    );
endmodule // top$x
module top$x$leaf(a);
    assign a = 1;
endmodule // top$x$leaf
module top$y(a);
    top$y$leaf leaf(
    );
endmodule // top$y
module top$y$leaf(a);
    assign a = 1;
endmodule // top$y$leaf
";
        let (out, stats) = dedupe(text);
        assert_eq!((stats.modules_before, stats.modules_after), (5, 3), "{out}");
        assert!(out.contains("    top$x y("), "{out}");
        assert!(!out.contains("module top$y"), "{out}");
    }

    #[test]
    fn different_modules_stay() {
        let text = "module a(x);\n    assign x = 1;\nendmodule // a\nmodule b(x);\n    assign x = 0;\nendmodule // b\n";
        let (_, stats) = dedupe(text);
        assert_eq!(stats.modules_after, 2);
    }
}
