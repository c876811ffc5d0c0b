// Expands, and optionally renders, every chapter of a generated book with markdown-it and
// markdown-it-include, as the comparison for `netsnip check` and `netsnip build` in
// scripts/bench.sh.
//
// Usage: node scripts/markdown-it-include.js expand|render BOOK_DIR
//
// BOOK_DIR is the `netsnip/` folder written by examples/generate_book.rs: chapters in `docs/`,
// snippets in `snippets/`. `expand` runs only markdown-it-include's core rule, which replaces
// each `!!!include(FILE)!!!` with the file's text; `render` also parses and renders HTML.
// The modules are loaded from target/bench-node/, where scripts/bench.sh installs them.
'use strict';

const fs = require('fs');
const path = require('path');

const modules = path.join(__dirname, '..', 'target', 'bench-node', 'node_modules');
const MarkdownIt = require(path.join(modules, 'markdown-it'));
const include = require(path.join(modules, 'markdown-it-include'));

function main() {
  const [mode, bookDir] = process.argv.slice(2);
  if (!['expand', 'render'].includes(mode) || !bookDir) {
    console.error('usage: node markdown-it-include.js expand|render BOOK_DIR');
    process.exit(2);
  }

  const docs = path.join(bookDir, 'docs');
  const md = new MarkdownIt({ html: true }).use(include, { root: path.join(bookDir, 'snippets') });
  if (mode === 'expand') {
    md.core.ruler.enableOnly(['include']);
  }
  const chapters = fs.readdirSync(docs).filter((name) => /^chapter-.*\.md$/.test(name)).sort();

  let bytes = 0;
  for (const name of chapters) {
    const source = fs.readFileSync(path.join(docs, name), 'utf8');
    bytes += (mode === 'expand' ? expand(md, source) : md.render(source)).length;
  }
  console.log(`${mode}: ${chapters.length} chapters, ${bytes} characters of output`);
}

// Runs only markdown-it-include's core rule over `source` and returns the expanded Markdown.
// `md` must have every other core rule disabled.
function expand(md, source) {
  const state = new md.core.State(source, md, {});
  md.core.process(state);
  return state.src;
}

main();
