//! The modules of `app` must not import each other in a circle: neither side
//! of one can be read, tested or moved without the other. This reads
//! `app/src` as text (no crates, no compiler) and fails listing each circle
//! with the file and line of every edge in it.
//!
//! An edge is a `use` or a path in code (`crate::a::f()`, `super::g()`,
//! `child::h()`), resolved to the deepest file module it names. A name a
//! module re-exports (`pub use child::X`) is followed to where it lives, and
//! re-exports are no edges of their own, so a parent that gathers its
//! children is in no circle with them. Limits: `#[cfg]` is ignored (every
//! feature counts); `#[path]`, paths made by macros, and names that only a
//! glob (`use x::*`) brings in are not seen (the glob itself is an edge).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::Path;

/// Where an edge was written: a file under `src`, a line.
#[derive(Clone, Debug, PartialEq)]
struct Site(String, usize);

/// (from, to) file module, to the first place that makes that edge.
type Edges = BTreeMap<(String, String), Site>;

/// The length of the comment, string or char literal at `code[i..]`, or 0:
/// what docs, SQL or `"crate::x"` say names nothing.
fn literal_len(code: &str, i: usize) -> usize {
    let rest = &code.as_bytes()[i..];
    let raw = [&b"br"[..], b"r"].into_iter().find(|p| rest.starts_with(p));
    let raw = raw.map_or(0, <[u8]>::len);
    let hashes = rest[raw..].iter().take_while(|&&c| c == b'#').count();
    let char_len = match rest[0] {
        b'\'' => code[i + 1..].chars().next().map_or(1, char::len_utf8),
        _ => 0,
    };
    if rest.starts_with(b"//") {
        rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len())
    } else if rest.starts_with(b"/*") {
        let (mut depth, mut j) = (0, 0); // block comments nest
        while j < rest.len() && (j == 0 || depth > 0) {
            let (open, close) = (rest[j..].starts_with(b"/*"), rest[j..].starts_with(b"*/"));
            depth += i32::from(open) - i32::from(close);
            j += if open || close { 2 } else { 1 };
        }
        j
    } else if raw > 0 && rest.get(raw + hashes) == Some(&b'"') {
        let close = [&b"\""[..], &vec![b'#'; hashes]].concat();
        let body = raw + hashes + 1;
        let end = rest[body..].windows(close.len()).position(|w| w == close);
        end.map_or(rest.len(), |end| body + end + close.len())
    } else if rest[0] == b'"' {
        let mut j = 1;
        while j < rest.len() && rest[j] != b'"' {
            j += if rest[j] == b'\\' { 2 } else { 1 };
        }
        (j + 1).min(rest.len())
    } else if rest.starts_with(b"'\\") {
        // The quote right after the backslash may be the escaped one.
        let end = rest.iter().skip(3).position(|&c| c == b'\'');
        end.map_or(rest.len(), |end| end + 4)
    } else if rest[0] == b'\'' && rest.get(1 + char_len) == Some(&b'\'') {
        2 + char_len // 'x'; a quote that is not closed so starts a lifetime
    } else {
        0
    }
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// The tokens of `code` and their lines: words (identifiers, numbers),
/// `::`, and any other character alone; no comments and no literals.
fn tokens(code: &str) -> Vec<(&str, usize)> {
    let (b, mut out, mut line, mut i) = (code.as_bytes(), Vec::new(), 1, 0);
    while i < b.len() {
        let literal = literal_len(code, i);
        let len = match b[i] {
            _ if literal > 0 => literal,
            c if is_word(c) => b[i..].iter().take_while(|&&c| is_word(c)).count(),
            b':' if b.get(i + 1) == Some(&b':') => 2,
            _ => 1,
        };
        if literal == 0 && !b[i].is_ascii_whitespace() {
            out.push((&code[i..i + len], line));
        }
        line += b[i..i + len].iter().filter(|&&c| c == b'\n').count();
        i += len;
    }
    out
}

fn is_ident(token: &str) -> bool {
    token.starts_with(|c: char| c.is_alphabetic() || c == '_')
}

/// A name a `use` binds (None for a glob), its path and line.
type Leaf = (Option<String>, Vec<String>, usize);

/// Reads the use tree at `t[i]`, under `prefix`, into its leaves; answers
/// the index after the tree.
fn use_tree(t: &[(&str, usize)], mut i: usize, prefix: &[String], out: &mut Vec<Leaf>) -> usize {
    let mut path = prefix.to_vec();
    let is = |i: usize, text: &str| t.get(i).is_some_and(|n| n.0 == text);
    while let Some(&(token, line)) = t.get(i) {
        i += 1;
        match token {
            "::" => {}
            "*" => {
                out.push((None, path, line));
                return i;
            }
            "{" => {
                while t.get(i).is_some_and(|n| n.0 != "}") {
                    i = use_tree(t, i, &path, out);
                    i += usize::from(is(i, ","));
                }
                return i + 1;
            }
            _ if is_ident(token) => {
                // `{self, ..}` binds the module its group is in.
                if token != "self" || path.is_empty() {
                    path.push(token.to_owned());
                }
                if is(i, "::") {
                    continue;
                }
                let name = match is(i, "as") {
                    true => t.get(i + 1).map(|n| n.0.to_owned()),
                    false => path.last().cloned(),
                };
                out.push((name, path, line));
                return i + if is(i, "as") { 2 } else { 0 };
            }
            _ => return i - 1, // not a use tree (a macro's own syntax)
        }
    }
    i
}

#[derive(Default)]
struct Crate {
    /// Every module, a file or an inline `mod x { }`, to its file module.
    scopes: HashMap<String, String>,
    /// (module, name) to the path a `use` in that module binds the name to.
    imports: HashMap<(String, String), Vec<String>>,
    /// The paths that make edges: `use` without `pub`, and paths in code.
    mentions: Vec<(String, Vec<String>, Site)>,
}

impl Crate {
    /// `files`: (path under `src`, source), such as ("api/mod.rs", "..").
    fn new(files: &[(String, String)]) -> Self {
        let mut krate = Crate::default();
        for (file, source) in files {
            let module = format!("crate::{}", file.trim_end_matches(".rs").replace('/', "::"));
            let module = (module.strip_suffix("::mod"))
                .or(module.strip_suffix("::lib").filter(|_| file == "lib.rs"))
                .unwrap_or(&module)
                .to_owned();
            krate.scopes.insert(module.clone(), module.clone());
            krate.parse(file, &module, source);
        }
        krate
    }

    fn parse(&mut self, file: &str, module: &str, code: &str) {
        let t = tokens(code);
        let text = |i: usize| t.get(i).map_or("", |n| n.0);
        let mut braces: Vec<Option<&str>> = Vec::new(); // Some: an inline module
        let scope = |braces: &[Option<&str>]| {
            let inline = braces.iter().flatten();
            inline.fold(module.to_owned(), |s, m| format!("{s}::{m}"))
        };
        let mut i = 0;
        while i < t.len() {
            let prev = if i > 0 { text(i - 1) } else { "" };
            match text(i) {
                "mod" if is_ident(text(i + 1)) && text(i + 2) == "{" => {
                    braces.push(Some(text(i + 1)));
                    self.scopes.insert(scope(&braces), module.to_owned());
                    i += 2;
                }
                "{" => braces.push(None),
                "}" => {
                    braces.pop();
                }
                "use" if text(i + 1) != "<" => {
                    let mut leaves = Vec::new();
                    let end = use_tree(&t, i + 1, &[], &mut leaves);
                    // A `pub use` or `pub(crate) use` re-exports: no edge.
                    let vis = match prev {
                        ")" => t[..i].iter().rposition(|n| n.0 == "(").unwrap_or(0),
                        _ => i,
                    };
                    let reexport = vis > 0 && text(vis - 1) == "pub";
                    let here = scope(&braces);
                    for (name, path, line) in leaves {
                        if let Some(name) = name {
                            self.imports.insert((here.clone(), name), path.clone());
                        }
                        if !reexport {
                            let site = Site(file.to_owned(), line);
                            self.mentions.push((here.clone(), path, site));
                        }
                    }
                    i = end - 1;
                }
                first
                    if is_ident(first)
                        && prev != "::"
                        && text(i + 1) == "::"
                        && is_ident(text(i + 2)) =>
                {
                    let mut path = vec![first.to_owned()];
                    while text(i + 1) == "::" && is_ident(text(i + 2)) {
                        path.push(text(i + 2).to_owned());
                        i += 2;
                    }
                    let site = Site(file.to_owned(), t[i].1);
                    self.mentions.push((scope(&braces), path, site));
                }
                _ => {}
            }
            i += 1;
        }
    }

    /// The deepest module `path` leads to from `scope`, and whether the
    /// whole path is that module (not an item in it); None: another crate.
    fn resolve(&self, scope: &str, path: &[String], depth: u32) -> Option<(String, bool)> {
        // Deeper than 16 imports: one that names itself.
        let (first, rest) = path.split_first().filter(|_| depth < 16)?;
        let mut at = match first.as_str() {
            "crate" => first.clone(),
            "self" => scope.to_owned(),
            "super" => scope.rsplit_once("::")?.0.to_owned(),
            _ => match self.step(scope, first, depth)? {
                (module, true) => module,
                item => return Some(item),
            },
        };
        for segment in rest {
            match (segment.as_str(), self.step(&at, segment, depth)) {
                ("super", _) => at = at.rsplit_once("::")?.0.to_owned(),
                (_, Some((module, true))) => at = module,
                (_, Some(item)) => return Some(item),
                (_, None) => return Some((at, false)), // an item defined in `at`
            }
        }
        Some((at, true))
    }

    /// What `name` is in `scope`: a child module, or a name imported there.
    fn step(&self, scope: &str, name: &str, depth: u32) -> Option<(String, bool)> {
        let child = format!("{scope}::{name}");
        if self.scopes.contains_key(&child) {
            return Some((child, true));
        }
        let path = self.imports.get(&(scope.to_owned(), name.to_owned()))?;
        self.resolve(scope, path, depth + 1)
    }

    fn edges(&self) -> Edges {
        let mut edges = Edges::new();
        for (scope, path, site) in &self.mentions {
            let found = self.resolve(scope, path, 0);
            let Some(to) = found.and_then(|(to, _)| self.scopes.get(&to)) else {
                continue;
            };
            let from = &self.scopes[scope];
            if to != from {
                let edge = (from.clone(), to.clone());
                edges.entry(edge).or_insert_with(|| site.clone());
            }
        }
        edges
    }
}

/// The modules `module` has an edge to.
fn next<'a>(edges: &'a Edges, module: &'a str) -> impl Iterator<Item = &'a String> {
    edges
        .keys()
        .filter(move |(a, _)| a == module)
        .map(|(_, b)| b)
}

/// Every module `module` reaches by edges.
fn reach<'a>(edges: &'a Edges, module: &'a str) -> BTreeSet<&'a String> {
    let (mut seen, mut todo) = (BTreeSet::new(), vec![module]);
    while let Some(v) = todo.pop() {
        let new = next(edges, v).filter(|w| seen.insert(*w));
        todo.extend(new.map(String::as_str));
    }
    seen
}

/// The groups of modules that all reach each other (strongly connected
/// components), of two modules or more. The graph is small: reachability
/// from each module is plainer than Tarjan and fast enough.
fn circles(edges: &Edges) -> BTreeSet<Vec<String>> {
    let reach: BTreeMap<&String, _> = edges.keys().map(|(a, _)| (a, reach(edges, a))).collect();
    let mut groups = BTreeSet::new();
    for (module, reached) in &reach {
        let back = reached
            .iter()
            .filter(|w| reach.get(*w).is_some_and(|r| r.contains(module)));
        let group: Vec<String> = back.map(|w| w.to_string()).collect();
        if group.len() > 1 {
            groups.insert(group);
        }
    }
    groups
}

/// The shortest circle through each module of `group`, each circle once,
/// as a chain that starts and ends with its first module by name.
fn chains(group: &[String], edges: &Edges) -> BTreeSet<Vec<String>> {
    let mut chains = BTreeSet::new();
    for start in group {
        let mut came_from: HashMap<&String, &String> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        while let Some(v) = queue.pop_front().filter(|_| !came_from.contains_key(start)) {
            for w in next(edges, v).filter(|w| group.contains(w)) {
                if !came_from.contains_key(w) {
                    came_from.insert(w, v);
                    queue.push_back(w);
                }
            }
        }
        let mut chain = vec![start.clone()]; // walked backwards, then turned
        while chain.len() == 1 || chain.last() != Some(start) {
            chain.push(came_from[chain.last().unwrap()].clone());
        }
        chain.reverse();
        chain.pop();
        let first = (0..chain.len()).min_by_key(|&k| &chain[k]).unwrap();
        chain.rotate_left(first);
        chain.push(chain[0].clone());
        chains.insert(chain);
    }
    chains
}

/// The failure message: each circle as a chain, each edge with its place.
fn report(crate_dir: &str, edges: &Edges) -> String {
    let mut out = String::new();
    for group in circles(edges) {
        out += &format!(
            "\n{} modules in a circle: {}\n",
            group.len(),
            group.join(", ")
        );
        for chain in chains(&group, edges) {
            out += &format!("  {}\n", chain.join(" -> "));
            for step in chain.windows(2) {
                let Site(file, line) = &edges[&(step[0].clone(), step[1].clone())];
                let (from, to) = (&step[0], &step[1]);
                out += &format!("    {from} -> {to}  {crate_dir}/src/{file}:{line}\n");
            }
        }
    }
    out
}

/// Every `.rs` file under `dir`: its path under `root` (with `/`), source.
fn sources(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if path.is_dir() {
            sources(root, &path, files);
        } else if name.ends_with(".rs") {
            files.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

#[test]
fn app_modules_do_not_import_each_other_in_a_circle() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&manifest.join("src"), &manifest.join("src"), &mut files);
    let edges = Crate::new(&files).edges();
    // A checker that read nothing must not pass.
    assert!(
        files.len() > 1 && !edges.is_empty(),
        "read no modules or no edges"
    );
    let report = report(&manifest.file_name().unwrap().to_string_lossy(), &edges);
    let advice = "move what both sides need to one of them, or to a third module";
    assert!(report.is_empty(), "{advice}:\n{report}");
}

// The checker itself, on small made-up crates: a parser mistake must not
// make the test above pass unseen.

fn owned(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(f, s)| (f.to_string(), s.to_string()))
        .collect()
}

/// The edges, as text, of a crate `lib.rs` with `a.rs`, `b/mod.rs` and
/// `b/c.rs` (all empty unless given), and the `files` given.
fn edges_of(files: &[(&str, &str)]) -> Vec<String> {
    let tree = ["lib.rs", "a.rs", "b/mod.rs", "b/c.rs"].map(|f| (f, ""));
    let tree = tree
        .into_iter()
        .filter(|(f, _)| files.iter().all(|(g, _)| f != g));
    let edges = Crate::new(&owned(&[&tree.collect::<Vec<_>>(), files].concat())).edges();
    let show = |((a, b), Site(file, line)): (&(String, String), &Site)| {
        format!("{a} -> {b} {file}:{line}")
    };
    edges.iter().map(show).collect()
}

#[test]
fn grouped_and_nested_uses_name_each_module() {
    let d = "use crate::{a::{X, Y as Z}, b::{self as bee}};\nfn f() { bee::c::run(); }\n\
             fn g() { use super::e::*; }";
    let expected = [
        "crate::d -> crate::a d.rs:1",
        "crate::d -> crate::b d.rs:1",
        "crate::d -> crate::b::c d.rs:2",
        "crate::d -> crate::e d.rs:3",
    ];
    assert_eq!(edges_of(&[("d.rs", d), ("e.rs", "")]), expected);
}

#[test]
fn comments_strings_and_chars_name_nothing() {
    let d = "// crate::a::x\n/* crate::b /* nested */ crate::a */ const S: &str = \"crate::a::\\\"y\";\n\
             const R: &str = r#\"crate::b\"#; const Q: char = '\"'; fn f<'a>(_: &'a u8) {}\ncrate::b::c::run();";
    assert_eq!(edges_of(&[("d.rs", d)]), ["crate::d -> crate::b::c d.rs:4"]);
}

#[test]
fn reexports_lead_to_the_child_and_inline_super_is_the_file() {
    let b = "pub mod c; pub mod d;\npub use c::{Form, invalid};\npub(crate) use inner::Modal; mod inner {}";
    let d = "use super::Form;\nfn f() { super::invalid(); super::Modal(); }";
    let a = "mod tests { use super::*; fn t() { super::f(); } }"; // `super` is `a`
    let expected = [
        "crate::b::d -> crate::b b/d.rs:2",
        "crate::b::d -> crate::b::c b/d.rs:1",
    ];
    assert_eq!(
        edges_of(&[("b/mod.rs", b), ("b/d.rs", d), ("a.rs", a)]),
        expected
    );
}

#[test]
fn a_circle_is_reported_with_the_place_of_each_edge() {
    let files = owned(&[
        ("lib.rs", ""),
        ("d.rs", "use crate::e::X;\nuse crate::f;"), // `f` is in no circle
        ("e.rs", "\ncrate::d::g();"),
        ("f.rs", ""),
    ]);
    let expected = "\n2 modules in a circle: crate::d, crate::e\n  crate::d -> crate::e -> crate::d\n    \
                    crate::d -> crate::e  app/src/d.rs:1\n    crate::e -> crate::d  app/src/e.rs:2\n";
    assert_eq!(report("app", &Crate::new(&files).edges()), expected);
}
