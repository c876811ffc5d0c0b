//! Writes a synthetic guide for benchmarks: `C` chapters of `D` include directives each over
//! `S` distinct snippets, half NodeNetworkConfigurationPolicies (NNCPs) and half
//! NetworkAttachmentDefinitions (NADs), plus the same book for mdBook's `{{#include}}`.
//!
//! ```console
//! cargo run --release --example generate_book -- --chapters 1000 --out target/bench-books/c1000
//! ```
//!
//! The output folder gets two books:
//!
//! - `netsnip/`: `book.toml`, `docs/` (chapters with `!!!include(FILE)!!!`) and `snippets/`.
//!   markdown-it-include reads the same chapters with its root set to `snippets/`.
//! - `mdbook/`: the same chapters with `{{#include ../snippets/FILE}}`, and a copy of the
//!   snippets.
//!
//! Snippet `k` of each kind belongs to network `k`: NNCP `k` puts NIC `ens<3+k/2>f<k%2>` into
//! the OVS bridge `br-k` (with `allow-extra-patch-ports: true`) and maps the localnet
//! `localnet-k` to it. NAD `k` attaches to that localnet on VLAN `100+k` with its own `/26`
//! subnet, and the host port of NNCP `k` has a static address in the same `/24` but outside
//! that subnet. Every name, VLAN and subnet is therefore distinct, and a chapter that includes
//! NAD `k` also includes NNCP `k`. Output is the same for the same arguments.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use clap::Parser;

/// The file whose presence marks a folder as written by this generator, so that a rerun may
/// replace it and a mistyped `--out` cannot delete anything else.
const MARKER: &str = ".generated-book";

/// The first VLAN id; network `k` uses `FIRST_VLAN + k`.
const FIRST_VLAN: usize = 100;

/// The highest usable VLAN id (4095 is reserved).
const MAX_VLAN: usize = 4094;

/// Sentences that pad snippet comments and chapter prose to realistic sizes.
const FILLER: &[&str] = &[
    "Apply this policy before any virtual machine attaches to the network.",
    "The switch ports facing these NICs must trunk the VLAN, or frames are dropped silently.",
    "OVN-Kubernetes adds its own patch port to the bridge when the localnet is first used.",
    "Keep the range out of every DHCP pool on the VLAN so that no address is handed out twice.",
    "Check the result with `oc get nncp` and `oc get nnce` before you continue.",
    "The MTU of the attachment must not exceed the MTU of the NIC underneath the bridge.",
    "Rename the NIC to match your hardware; the examples use the names of a lab cluster.",
    "Removing the policy does not remove the interfaces: set their state to absent instead.",
    "Virtual machines on this network reach each other across nodes through the physical switch.",
    "The namespace of the attachment decides which projects may use it.",
    "Static host addresses are per node, so each node gets its own policy.",
    "Test a live migration between two nodes after every change to the bridge.",
];

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(about = "Writes a synthetic netsnip book and its mdBook twin for benchmarks")]
struct Args {
    /// Number of chapters (C).
    #[arg(long, default_value_t = 1000)]
    chapters: usize,
    /// Include directives per chapter (D).
    #[arg(long, default_value_t = 20)]
    directives: usize,
    /// Distinct snippets (S), an even number: S/2 NNCPs and S/2 NADs.
    #[arg(long, default_value_t = 200)]
    snippets: usize,
    /// Output folder; must be empty, missing, or written by an earlier run.
    #[arg(long)]
    out: PathBuf,
}

/// The shape of a generated book.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Number of chapters.
    pub chapters: usize,
    /// Include directives per chapter.
    pub directives: usize,
    /// Distinct snippets, an even number.
    pub snippets: usize,
}

/// Sizes of what was written, in bytes.
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    /// All chapter files of one book.
    pub chapter_bytes: usize,
    /// All snippet files of one book.
    pub snippet_bytes: usize,
    /// The chapters with every directive replaced by its snippet, as netsnip expands them.
    pub expanded_bytes: usize,
}

impl Shape {
    /// Number of networks: one NNCP and one NAD each.
    fn networks(&self) -> usize {
        self.snippets / 2
    }

    /// Rejects shapes that cannot give every network its own VLAN or that need a chapter to
    /// include a snippet twice.
    pub fn validate(&self) -> Result<(), String> {
        if self.snippets < 2 || !self.snippets.is_multiple_of(2) {
            return Err(format!(
                "--snippets must be an even number of at least 2, not {}",
                self.snippets
            ));
        }
        if FIRST_VLAN + self.networks() > MAX_VLAN + 1 {
            return Err(format!(
                "--snippets {} needs more VLAN ids than exist; use at most {}",
                self.snippets,
                2 * (MAX_VLAN + 1 - FIRST_VLAN)
            ));
        }
        if self.directives > self.snippets {
            return Err(format!(
                "--directives {} exceeds --snippets {}, so a chapter would include a snippet twice",
                self.directives, self.snippets
            ));
        }
        Ok(())
    }
}

fn main() {
    let args = Args::parse();
    let shape = Shape {
        chapters: args.chapters,
        directives: args.directives,
        snippets: args.snippets,
    };

    match write_book(shape, &args.out) {
        Ok(written) => println!(
            "wrote {} chapters ({} bytes), {} snippets ({} bytes), {} bytes when expanded, to {}",
            shape.chapters,
            written.chapter_bytes,
            shape.snippets,
            written.snippet_bytes,
            written.expanded_bytes,
            args.out.display()
        ),
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    }
}

/// Writes both books of `shape` into `out`, replacing an earlier generated book there.
pub fn write_book(shape: Shape, out: &Path) -> io::Result<Written> {
    shape.validate().map_err(io::Error::other)?;
    prepare_folder(out)?;

    let netsnip = out.join("netsnip");
    let mdbook = out.join("mdbook");
    for folder in [netsnip.join("docs"), mdbook.join("src")] {
        fs::create_dir_all(folder)?;
    }
    fs::write(netsnip.join("book.toml"), book_toml("docs"))?;
    fs::write(mdbook.join("book.toml"), book_toml("src"))?;

    let snippets = write_snippets(shape, &[netsnip.join("snippets"), mdbook.join("snippets")])?;
    let mut written = Written {
        snippet_bytes: snippets.iter().map(|(_, text)| text.len()).sum(),
        ..Written::default()
    };
    write_chapters(shape, &netsnip, &mdbook, &snippets, &mut written)?;
    Ok(written)
}

/// Makes `out` an empty folder, rejecting a non-empty one this generator did not write.
fn prepare_folder(out: &Path) -> io::Result<()> {
    if out.exists() {
        let is_empty = fs::read_dir(out)?.next().is_none();
        if !is_empty && !out.join(MARKER).is_file() {
            return Err(io::Error::other(format!(
                "`{}` is not empty and contains no `{MARKER}`; choose a new folder",
                out.display()
            )));
        }
        fs::remove_dir_all(out)?;
    }
    fs::create_dir_all(out)?;
    fs::write(out.join(MARKER), "written by examples/generate_book.rs\n")
}

fn book_toml(src: &str) -> String {
    format!("[book]\ntitle = \"Localnet networks at scale\"\nlanguage = \"en\"\nsrc = \"{src}\"\n")
}

/// Writes every snippet into each of `folders`; returns (file name, text) by snippet index:
/// NNCP `k` at `2k`, NAD `k` at `2k + 1`.
fn write_snippets(shape: Shape, folders: &[PathBuf]) -> io::Result<Vec<(String, String)>> {
    for folder in folders {
        fs::create_dir_all(folder)?;
    }

    let mut snippets = Vec::with_capacity(shape.snippets);
    for k in 0..shape.networks() {
        let network = Network::new(k);
        snippets.push((format!("nncp-{k:04}.yaml"), network.policy()));
        snippets.push((format!("nad-{k:04}.yaml"), network.attachment()));
    }
    for folder in folders {
        for (name, text) in &snippets {
            fs::write(folder.join(name), text)?;
        }
    }
    Ok(snippets)
}

fn write_chapters(
    shape: Shape,
    netsnip: &Path,
    mdbook: &Path,
    snippets: &[(String, String)],
    written: &mut Written,
) -> io::Result<()> {
    let mut summary = String::from("# Summary\n\n");
    for c in 0..shape.chapters {
        let name = format!("chapter-{c:05}.md");
        let chapter = chapter(shape, c);
        let _ = writeln!(summary, "- [Chapter {}]({name})", c + 1);

        let native = chapter.render(Syntax::Netsnip);
        let twin = chapter.render(Syntax::MdBook);
        written.chapter_bytes += native.len();
        written.expanded_bytes += chapter.expanded_len(snippets);
        fs::write(netsnip.join("docs").join(&name), native)?;
        fs::write(mdbook.join("src").join(&name), twin)?;
    }
    fs::write(netsnip.join("docs/SUMMARY.md"), &summary)?;
    fs::write(mdbook.join("src/SUMMARY.md"), &summary)
}

/// One network: the names and numbers its NNCP and NAD share.
struct Network {
    k: usize,
    vlan: usize,
    nic: String,
    bridge: String,
    host_port: String,
    localnet: String,
    nad: String,
    namespace: String,
    /// The first three octets of the network's `/24`, as `10.A.B`.
    prefix: String,
    nad_mtu: usize,
}

/// The MTU of every NIC; NADs use this or 1500.
const NIC_MTU: usize = 9000;

impl Network {
    fn new(k: usize) -> Self {
        let namespace = match k % 3 {
            0 => "openshift-cnv".to_string(),
            n => format!("tenant-{}", (k + n) % 7),
        };
        Self {
            k,
            vlan: FIRST_VLAN + k,
            nic: format!("ens{}f{}", 3 + k / 2, k % 2),
            bridge: format!("br-{k:04}"),
            host_port: format!("host-{k:04}"),
            localnet: format!("localnet-{k:04}"),
            nad: format!("nad-{k:04}"),
            namespace,
            prefix: format!("10.{}.{}", k / 250, k % 250),
            nad_mtu: if k.is_multiple_of(2) { 1500 } else { NIC_MTU },
        }
    }

    /// Returns the NNCP: the NIC, the bridge with the host's access port, and the bridge mapping.
    fn policy(&self) -> String {
        let mut text = comment_block(self.k, 4 + self.k % 18);
        let _ = write!(
            text,
            "apiVersion: nmstate.io/v1
kind: NodeNetworkConfigurationPolicy
metadata:
  name: uplink-{k:04}
spec:
  nodeSelector:
    kubernetes.io/hostname: worker-{node:02}
  desiredState:
    interfaces:
      - name: {nic}
        type: ethernet
        state: up
        mtu: {NIC_MTU}
        ipv4:
          enabled: false
        ipv6:
          enabled: false
      - name: {bridge}
        type: ovs-bridge
        state: up
        bridge:
          # OVN-Kubernetes adds its own patch port for the localnet.
          allow-extra-patch-ports: true
          options:
            stp: false
          port:
            - name: {nic}
            - name: {host}
              vlan:
                mode: access
                tag: {vlan}
      - name: {host}
        type: ovs-interface
        state: up
        ipv4:
          enabled: true
          dhcp: false
          address:
            - ip: {prefix}.{ip}
              prefix-length: 24
        ipv6:
          enabled: false
    ovn:
      bridge-mappings:
        - localnet: {localnet}
          bridge: {bridge}
          state: present
",
            k = self.k,
            node = self.k % 16,
            nic = self.nic,
            bridge = self.bridge,
            host = self.host_port,
            vlan = self.vlan,
            prefix = self.prefix,
            ip = 10 + self.k % 16,
            localnet = self.localnet,
        );
        text
    }

    /// Returns the NAD: a localnet on the network's VLAN with a `/26` above the host addresses.
    fn attachment(&self) -> String {
        let mut text = comment_block(self.k + 5, 8 + self.k % 20);
        let _ = write!(
            text,
            r#"apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: {nad}
  namespace: {namespace}
spec:
  config: |
    {{
      "cniVersion": "0.3.1",
      "name": "{localnet}",
      "type": "ovn-k8s-cni-overlay",
      "topology": "localnet",
      "netAttachDefName": "{namespace}/{nad}",
      "vlanID": {vlan},
      "mtu": {mtu},
      "subnets": "{prefix}.128/26"
    }}
"#,
            nad = self.nad,
            namespace = self.namespace,
            localnet = self.localnet,
            vlan = self.vlan,
            mtu = self.nad_mtu,
            prefix = self.prefix,
        );
        text
    }
}

/// `lines` YAML comment lines of filler, starting at sentence `seed`.
fn comment_block(seed: usize, lines: usize) -> String {
    let mut text = String::new();
    for i in 0..lines {
        let _ = writeln!(text, "# {}", FILLER[(seed + i) % FILLER.len()]);
    }
    text
}

/// The include syntax of one of the two books.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    /// `!!!include(FILE)!!!`, read by netsnip and markdown-it-include.
    Netsnip,
    /// `{{#include ../snippets/FILE}}`, read by mdBook.
    MdBook,
}

impl Syntax {
    fn directive(self, file: &str) -> String {
        match self {
            Syntax::Netsnip => format!("!!!include({file})!!!"),
            Syntax::MdBook => format!("{{{{#include ../snippets/{file}}}}}"),
        }
    }

    /// The indentation of the NAD's code block. netsnip indents included lines to the
    /// directive's column, so its NADs sit inside a list item; mdBook inserts files as they
    /// are, so its twin keeps the block at the margin, where the unindented lines stay valid.
    fn list_indent(self) -> &'static str {
        match self {
            Syntax::Netsnip => "   ",
            Syntax::MdBook => "",
        }
    }
}

/// A chapter: the snippets it includes, by index into the snippet list.
struct Chapter {
    number: usize,
    indices: Vec<usize>,
}

/// Chapter `c` covers `directives` consecutive snippets starting at an even offset that spreads
/// chapters over all networks, so each NAD `k` comes right after NNCP `k`.
fn chapter(shape: Shape, c: usize) -> Chapter {
    let first_network = (c * 37) % shape.networks();
    let indices = (0..shape.directives)
        .map(|i| (2 * first_network + i) % shape.snippets)
        .collect();
    Chapter { number: c, indices }
}

impl Chapter {
    /// Renders the chapter's Markdown with its includes written in `syntax`.
    fn render(&self, syntax: Syntax) -> String {
        let mut text = self.intro();
        for &index in &self.indices {
            let network = Network::new(index / 2);
            if index % 2 == 0 {
                text.push_str(&policy_prose(&network));
                text.push_str(&syntax.directive(&format!("nncp-{:04}.yaml", network.k)));
                text.push_str("\n```\n\n");
            } else {
                let indent = syntax.list_indent();
                text.push_str(&attachment_prose(&network, indent));
                text.push_str(&syntax.directive(&format!("nad-{:04}.yaml", network.k)));
                let _ = write!(text, "\n{indent}```\n\n");
            }
        }
        let _ = writeln!(text, "End of chapter {}.", self.number + 1);
        text
    }

    fn intro(&self) -> String {
        let c = self.number;
        let mut text = format!(
            "# Chapter {}: localnet networks\n\n\
             This chapter connects virtual machines to {} physical networks. Each network has \
             its own NIC, OVS bridge and NetworkAttachmentDefinition.\n\n",
            c + 1,
            self.indices.len().div_ceil(2)
        );
        for i in 0..4 {
            text.push_str(FILLER[(c + i) % FILLER.len()]);
            text.push(' ');
        }
        text.push_str("\n\n");
        text
    }

    /// Returns the length of the chapter as netsnip expands it: each snippet less its final newline,
    /// with every non-empty line after the first indented like its directive, plus the `yaml`
    /// that netsnip adds to each fence without an info string.
    fn expanded_len(&self, snippets: &[(String, String)]) -> usize {
        let mut length = self.render(Syntax::Netsnip).len();
        for &index in &self.indices {
            let file = &snippets[index].0;
            let text = snippets[index].1.trim_end_matches('\n');
            // NADs sit in a list item; NNCP fences have no info string, so netsnip adds `yaml`.
            let (indent, language) = if index % 2 == 1 {
                (Syntax::Netsnip.list_indent().len(), 0)
            } else {
                (0, "yaml".len())
            };
            let indented_lines = text.lines().skip(1).filter(|l| !l.is_empty()).count();
            length += text.len() + indent * indented_lines + language;
            length -= Syntax::Netsnip.directive(file).len();
        }
        length
    }
}

fn policy_prose(network: &Network) -> String {
    format!(
        "## Network {localnet}\n\n\
         The NIC `{nic}` carries VLAN {vlan} for this network. The policy below adds it to the \
         OVS bridge `{bridge}`, gives the host the access port `{host}` with a static address \
         in {prefix}.0/24, and maps the localnet `{localnet}` to the bridge. {filler}\n\n```\n",
        localnet = network.localnet,
        nic = network.nic,
        vlan = network.vlan,
        bridge = network.bridge,
        host = network.host_port,
        prefix = network.prefix,
        filler = FILLER[network.k % FILLER.len()],
    )
}

fn attachment_prose(network: &Network, indent: &str) -> String {
    format!(
        "Then attach virtual machines to the localnet:\n\n\
         1. Create the NetworkAttachmentDefinition `{nad}` in the namespace `{namespace}`. \
         It tags frames with VLAN {vlan} and hands out addresses from {prefix}.128/26:\n\n\
         {indent}```yaml\n{indent}",
        nad = network.nad,
        namespace = network.namespace,
        vlan = network.vlan,
        prefix = network.prefix,
    )
}
