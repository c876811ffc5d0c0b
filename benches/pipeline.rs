//! In-process throughput of each stage of a netsnip pass over a generated book.
//!
//! ```console
//! cargo bench --bench pipeline
//! ```
//!
//! The book is written by `examples/generate_book.rs` into Cargo's temporary folder for
//! benchmarks: 100 chapters of 20 directives over 200 snippets (100 NNCPs, 100 NADs), the
//! default shape with a tenth of the chapters, so that one iteration stays in milliseconds.
//! Stages, each timed on one thread unless noted:
//!
//! - `directive/scan`: finding the directives, code spans and fences of every chapter;
//!   throughput in bytes of chapter Markdown read.
//! - `expand/chapters`: scanning, resolving and splicing every chapter; throughput in bytes of
//!   expanded Markdown written.
//! - `snippet/analyze`: parsing and validating every distinct snippet; throughput in snippets.
//! - `consistency/check`: the rules across snippets and chapters; throughput in chapters.
//! - `analysis/analyze`: the whole pass as `check` runs it, on all cores.

use std::path::PathBuf;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use netsnip::analysis::{self, ExpandedChapter};
use netsnip::book::Book;
use netsnip::expand::{Expander, Mode};
use netsnip::snippet::{self, Snippet};
use netsnip::source::SourceFile;
use netsnip::{consistency, directive};

#[path = "../examples/generate_book.rs"]
#[allow(dead_code)] // The generator's command-line entry point is not used here.
mod generate_book;

use generate_book::Shape;

/// The book every stage reads: a tenth of the default chapters, the default directives and
/// snippets.
const SHAPE: Shape = Shape {
    chapters: 100,
    directives: 20,
    snippets: 200,
};

/// Writes the book once per benchmark run and loads it.
fn load_book() -> Book {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pipeline-book");
    generate_book::write_book(SHAPE, &out).expect("the generated book is written");
    Book::load(&out.join("netsnip")).expect("the generated book loads")
}

fn bench_scan(c: &mut Criterion, book: &Book) {
    let texts: Vec<&str> = book.chapters.iter().map(|ch| ch.file.text()).collect();
    let bytes: usize = texts.iter().map(|text| text.len()).sum();

    let mut group = c.benchmark_group("directive");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("scan", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|text| directive::scan(text))
                .collect::<Vec<_>>()
        })
    });
    group.finish();
}

fn bench_expand(c: &mut Criterion, book: &Book, expanded_bytes: usize) {
    let mut group = c.benchmark_group("expand");
    group.throughput(Throughput::Bytes(expanded_bytes as u64));
    group.bench_function("chapters", |b| {
        b.iter(|| {
            // A new expander per iteration, as in one `check`, so path resolution is counted.
            let expander = Expander::new(&book.resolver, &book.files);
            let expansions: Vec<_> = book
                .chapters
                .iter()
                .map(|chapter| expander.expand(&chapter.file))
                .collect();
            expansions
        })
    });
    group.finish();
}

fn bench_snippets(c: &mut Criterion, snippets: &[Snippet]) {
    // Fresh files, so that nothing parsed in an earlier iteration can be reused.
    let files: Vec<Arc<SourceFile>> = snippets
        .iter()
        .map(|s| Arc::new(copy_of(&s.file)))
        .collect();

    let mut group = c.benchmark_group("snippet");
    group.throughput(Throughput::Elements(files.len() as u64));
    group.bench_function("analyze", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|file| snippet::analyze(Arc::clone(file)))
                .collect::<Vec<_>>()
        })
    });
    group.finish();
}

fn bench_consistency(
    c: &mut Criterion,
    book: &Book,
    chapters: &[ExpandedChapter],
    snippets: &[Snippet],
) {
    let mut group = c.benchmark_group("consistency");
    group.throughput(Throughput::Elements(chapters.len() as u64));
    group.bench_function("check", |b| {
        b.iter(|| consistency::check(book, chapters, snippets))
    });
    group.finish();
}

fn bench_analysis(c: &mut Criterion, book: &Book, expanded_bytes: usize) {
    let mut group = c.benchmark_group("analysis");
    group.throughput(Throughput::Bytes(expanded_bytes as u64));
    group.bench_function("analyze", |b| b.iter(|| analysis::analyze(book)));
    // What `check` runs: the same findings without building the expanded text.
    group.bench_function("findings_only", |b| {
        b.iter(|| analysis::analyze_with(book, Mode::FindingsOnly))
    });
    group.finish();
}

fn copy_of(file: &SourceFile) -> SourceFile {
    SourceFile::new(
        file.path().to_path_buf(),
        file.display_path().to_string(),
        file.text().to_string(),
    )
}

fn stages(c: &mut Criterion) {
    let book = load_book();
    let analysis = analysis::analyze(&book);
    assert!(
        analysis.diagnostics.is_empty(),
        "the generated book has findings: {:#?}",
        analysis.diagnostics
    );
    let expanded_bytes: usize = analysis
        .chapters
        .iter()
        .map(|chapter| chapter.expansion.text.len())
        .sum();

    bench_scan(c, &book);
    bench_expand(c, &book, expanded_bytes);
    bench_snippets(c, &analysis.snippets);
    bench_consistency(c, &book, &analysis.chapters, &analysis.snippets);
    bench_analysis(c, &book, expanded_bytes);
}

/// Limits the samples and the time per stage, so that the whole run takes minutes, not hours.
fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .measurement_time(std::time::Duration::from_secs(4))
}

criterion_group! {
    name = benches;
    config = config();
    targets = stages
}
criterion_main!(benches);
