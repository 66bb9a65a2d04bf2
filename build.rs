//! Build script of the `cinepicks` binary: makes it find `libxgboost.so` outside cargo.
//!
//! The `xgb` crate builds XGBoost as a shared library deep inside the target directory
//! (`<profile>/build/xgboost_lib-sys-*/out/lib/`), which `cargo run` and `cargo test` put on the library path
//! but a binary started on its own does not find. So the binary gets an rpath of `$ORIGIN` (its own folder),
//! and this script links (or copies) the library beside it (`<target>/<profile>/libxgboost.so`). An installed binary
//! needs the library copied beside it the same way (`make install` does it).
//!
//! `xgboost_lib-sys` is a direct dependency of this package only so that its build script (which compiles
//! the library) has run before this one.

use std::path::{Path, PathBuf};

const LIBRARY: &str = "libxgboost.so";

fn main() {
    println!("cargo:rustc-link-arg-bins=-Wl,-rpath,$ORIGIN");
    println!("cargo:rerun-if-changed=build.rs");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    // OUT_DIR = <target>/<profile>/build/cinepicks-<hash>/out
    let Some(profile_dir) = out_dir.ancestors().nth(3).map(Path::to_path_buf) else { return };
    let Some(library) = newest_library(&profile_dir.join("build")) else {
        println!(
            "cargo:warning=libxgboost.so not found under {}: the binary will need LD_LIBRARY_PATH",
            profile_dir.display()
        );
        return;
    };
    println!("cargo:rerun-if-changed={}", library.display());
    // The binary asks for the library's soname (`libxgboost.so.3`), the link `libxgboost.so` points to.
    let name = std::fs::read_link(&library)
        .ok()
        .and_then(|target| target.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| LIBRARY.to_owned());
    let dest = profile_dir.join(&name);
    let same = std::fs::metadata(&dest).ok().map(|m| (m.len(), m.modified().ok()))
        == std::fs::metadata(&library).ok().map(|m| (m.len(), m.modified().ok()));
    if !same {
        // Through a temporary name: a binary running from this folder keeps its mapped copy intact.
        let tmp = profile_dir.join(format!(".{name}.{}", std::process::id()));
        // A hard link costs no disk space (the library is 200 MB with its debug information); a copy when the
        // target folder spans file systems.
        let library = std::fs::canonicalize(&library).unwrap_or(library);
        let placed = std::fs::hard_link(&library, &tmp).or_else(|_| std::fs::copy(&library, &tmp).map(|_| ()));
        if let Err(e) = placed.and_then(|_| std::fs::rename(&tmp, &dest)) {
            println!("cargo:warning=could not copy {} beside the binary: {e}", library.display());
        }
    }
}

/// The most recently built `libxgboost.so` of the `xgboost_lib-sys` build folders.
fn newest_library(build: &Path) -> Option<PathBuf> {
    std::fs::read_dir(build)
        .ok()?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("xgboost_lib-sys-"))
        .flat_map(|e| [e.path().join("out/lib").join(LIBRARY), e.path().join("out/lib64").join(LIBRARY)])
        .filter(|p| p.is_file())
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
}
