//! The build script: compiles the default gazetteer (the embedded files of `gazetteers/`)
//! once, at compile time, so that a program does not build it from text at every start
//! (see `blob.rs`).
//!
//! It compiles the gazetteer code itself, the very files the library compiles, with the
//! few modules they use (`crate::...`), under the same names, builds the gazetteer as the
//! library would from the embedded text and writes it to `$OUT_DIR/gazetteer.bin`. Then it
//! sets the `newsgraph_prebuilt` cfg, under which the library embeds and decodes that
//! file. Should the build fail (an embedded file with an error), it says so in a warning
//! and sets no cfg: the library then builds from text at start-up and reports the error
//! to its caller, as it did before.
//!
//! Cargo runs it again when it is compiled again, which is when any file it compiles or
//! embeds changes (the modules below and the gazetteer files they `include_str!`).

// the modules are compiled whole, for the part the gazetteer needs
#![allow(dead_code, unused_imports)]

#[path = "../defaults.rs"]
mod defaults;
#[path = "../error.rs"]
mod error;
#[path = "mod.rs"]
mod gazetteer;
#[path = "../hash.rs"]
mod hash;
#[path = "../doc/kind.rs"]
mod kind;
#[path = "../span.rs"]
mod span;
#[path = "../text.rs"]
mod text;
#[path = "../tokenize.rs"]
mod tokenize;

/// The part of the library's `doc` module the gazetteer uses.
mod doc {
    pub use crate::kind::{Attrs, EntityKind};
}

fn main() {
    // (the script's own sources and embedded files are tracked by its compilation)
    println!("cargo::rerun-if-changed=src/gazetteer/build.rs");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("gazetteer.bin");
    let encoded = gazetteer::GazetteerBuilder::embedded_defaults(2)
        .map_err(|e| e.to_string())
        .and_then(|g| g.encode(defaults::GAZETTEERS));
    match encoded {
        Ok(bytes) => {
            std::fs::write(&out, bytes)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
            println!("cargo::rustc-cfg=newsgraph_prebuilt");
        }
        Err(e) => println!(
            "cargo::warning=the default gazetteer is built from text at start-up, not at \
             compile time: {e}"
        ),
    }
}
