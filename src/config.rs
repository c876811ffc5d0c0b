//! The book's configuration: `book.toml`, read the same way by `netsnip build` and by the mdBook
//! preprocessor.
//!
//! netsnip reads `book.src` and its own table, `[preprocessor.netsnip]`:
//!
//! ```toml
//! [preprocessor.netsnip]
//! include-path = ["snippets"]        # folders searched after the including file's own folder
//!
//! [preprocessor.netsnip.rules]
//! localnet-missing-mtu = "allow"     # allow, warn or deny
//! ```
//!
//! Each `include-path` entry must name an existing folder inside the book root; when the table
//! does not set it, the include path is `snippets`, which may be absent.
//!
//! The keys mdBook itself reads in that table (`command`, `renderers`, `before`, `after`,
//! `optional`) are accepted and left to mdBook. Under `mdbook build`, set `before = ["links"]`
//! so that netsnip sees the chapters before mdBook's own `{{#include}}` changes them, which keeps
//! the line numbers of findings equal to those of the files.
//!
//! When `book.src` is unset, `netsnip build` reads `docs`, while mdBook (and so the
//! preprocessor) reads mdBook's default `src`; set `book.src` to use one book both ways.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::rules::{self, Level, RuleLevels};

/// The default source folder when `book.toml` does not set `book.src`.
pub const DEFAULT_SRC: &str = "docs";

/// The default include path, relative to the book root.
pub const DEFAULT_INCLUDE_PATH: &str = "snippets";

/// Keys of `[preprocessor.netsnip]` that belong to mdBook.
const MDBOOK_KEYS: &[&str] = &["command", "renderers", "before", "after", "optional"];

/// Settings for one book.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder holding `book.toml`, or the folder the user named when there is none.
    pub root: PathBuf,
    /// Where `book.toml` is, if the book has one.
    pub book_toml: Option<PathBuf>,
    /// The chapters' folder, absolute.
    pub src: PathBuf,
    /// Folders searched for included files after the including file's own folder, absolute.
    pub include_path: Vec<PathBuf>,
    /// Rule levels set in `[preprocessor.netsnip.rules]`.
    pub rules: RuleLevels,
}

impl Config {
    /// The configuration of a folder that has no `book.toml`: the defaults, rooted at `root`.
    pub fn plain(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            book_toml: None,
            src: root.to_path_buf(),
            include_path: vec![root.join(DEFAULT_INCLUDE_PATH)],
            rules: RuleLevels::default(),
        }
    }

    /// Reads `root/book.toml`.
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join("book.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io("reading", &path, e))?;
        Self::parse(root, &path, &text)
    }

    /// Parses the text of `book.toml`; `path` is only used in messages.
    pub fn parse(root: &Path, path: &Path, text: &str) -> Result<Self> {
        let invalid = |message: String| Error::Config {
            path: path.to_path_buf(),
            message,
        };
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| invalid(e.to_string()))?;

        let src = match table.get("book").and_then(|book| book.get("src")) {
            None => DEFAULT_SRC,
            Some(value) => value
                .as_str()
                .ok_or_else(|| invalid("`book.src` must be a string".into()))?,
        };
        // Chapters outside the book root are rejected one by one, and each such finding would
        // wrongly tell the author to move the chapter into the folder it is already in.
        if crate::book::leaves_folder(Path::new(src)) {
            return Err(invalid(format!(
                "`book.src` \"{src}\" is outside the book root; name a folder relative to the \
                 folder of book.toml, without leading `..`"
            )));
        }
        let mut config = Self {
            root: root.to_path_buf(),
            book_toml: Some(path.to_path_buf()),
            src: root.join(src),
            include_path: vec![root.join(DEFAULT_INCLUDE_PATH)],
            rules: RuleLevels::default(),
        };

        let netsnip = table
            .get("preprocessor")
            .and_then(|preprocessors| preprocessors.get("netsnip"));
        if let Some(netsnip) = netsnip {
            let netsnip = netsnip
                .as_table()
                .ok_or_else(|| invalid("`preprocessor.netsnip` must be a table".into()))?;
            config.apply_netsnip_table(netsnip).map_err(invalid)?;
        }
        Ok(config)
    }

    fn apply_netsnip_table(&mut self, table: &toml::Table) -> Result<(), String> {
        for (key, value) in table {
            match key.as_str() {
                "include-path" => self.include_path = self.parse_include_path(value)?,
                "rules" => self.rules = parse_rule_levels(value)?,
                key if MDBOOK_KEYS.contains(&key) => {}
                key => {
                    return Err(format!(
                        "unknown key `preprocessor.netsnip.{key}`; netsnip reads \
                         `include-path` and `rules`"
                    ));
                }
            }
        }
        Ok(())
    }

    /// Reads `include-path`: folders relative to the root that must exist and stay inside it,
    /// so that neither the build nor the orphan scan reads files from elsewhere on the machine.
    fn parse_include_path(&self, value: &toml::Value) -> Result<Vec<PathBuf>, String> {
        let expected =
            || "`preprocessor.netsnip.include-path` must be a list of folder names".to_string();
        let folders = value.as_array().ok_or_else(expected)?;
        folders
            .iter()
            .map(|folder| {
                let folder = folder.as_str().ok_or_else(expected)?;
                self.include_folder(folder)
            })
            .collect()
    }

    /// Checks one `include-path` entry and returns its absolute folder.
    fn include_folder(&self, folder: &str) -> Result<PathBuf, String> {
        let relative = Path::new(folder);
        if crate::book::leaves_folder(relative) {
            return Err(format!(
                "`include-path` entry \"{folder}\" is outside the book root; \
                 name a folder relative to the folder of book.toml, without leading `..`"
            ));
        }

        let path = self.root.join(relative);
        let real = path.canonicalize().map_err(|_| {
            format!(
                "`include-path` folder \"{folder}\" does not exist in `{}`; \
                 create it or remove the entry",
                self.root.display()
            )
        })?;
        let root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        if !real.starts_with(&root) {
            return Err(format!(
                "`include-path` folder \"{folder}\" is a symbolic link to `{}`, outside the \
                 book root; move the files into the book",
                real.display()
            ));
        }
        if !real.is_dir() {
            return Err(format!(
                "`include-path` entry \"{folder}\" is not a folder; name a folder"
            ));
        }
        Ok(path)
    }
}

fn parse_rule_levels(value: &toml::Value) -> Result<RuleLevels, String> {
    let table = value
        .as_table()
        .ok_or("`preprocessor.netsnip.rules` must be a table of rule ids")?;
    let mut levels = RuleLevels::default();
    for (id, level) in table {
        let rule = rules::find(id).ok_or_else(|| {
            format!(
                "unknown rule `{id}` in `preprocessor.netsnip.rules`; `netsnip rules` lists them"
            )
        })?;
        let level = level
            .as_str()
            .and_then(Level::parse)
            .ok_or_else(|| format!("rule `{id}` must be set to \"allow\", \"warn\" or \"deny\""))?;
        let fixed = crate::expand::rules::DIRECTIVE_RULES
            .iter()
            .any(|fixed| fixed.id == rule.id);
        if fixed && level != Level::Deny {
            return Err(format!(
                "rule `{id}` cannot be lowered, because a chapter with a failed directive \
                 must not be published; fix the directive or remove the setting"
            ));
        }
        levels.set(rule, level);
    }
    Ok(levels)
}

/// Finds the book root: the nearest folder at or above `start` that holds `book.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|folder| folder.join("book.toml").is_file())
        .map(Path::to_path_buf)
}
