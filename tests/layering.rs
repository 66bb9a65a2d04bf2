//! The crates' dependencies flow one way (binary → web → jobs → pipeline / generator / store → domain), as the
//! workspace's own `cargo metadata` says: a new dependency against the flow fails here, not in a review.

use std::collections::{BTreeMap, BTreeSet};

/// Each workspace crate and the workspace crates it may depend on (normal dependencies).
const ALLOWED: [(&str, &[&str]); 8] = [
    ("cinepicks-domain", &[]),
    ("cinepicks-pipeline", &["cinepicks-domain"]),
    ("cinepicks-generator", &["cinepicks-pipeline"]),
    ("cinepicks-store", &["cinepicks-domain"]),
    ("cinepicks-jobs", &["cinepicks-domain", "cinepicks-pipeline", "cinepicks-generator", "cinepicks-store"]),
    ("cinepicks-web", &["cinepicks-domain", "cinepicks-pipeline", "cinepicks-store", "cinepicks-jobs"]),
    ("cinepicks-test-support", &["cinepicks-store"]),
    ("cinepicks", &["cinepicks-domain", "cinepicks-pipeline", "cinepicks-store", "cinepicks-jobs", "cinepicks-web"]),
];

#[test]
fn workspace_crates_depend_only_on_the_layers_below_them() {
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("running cargo metadata");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let allowed: BTreeMap<&str, BTreeSet<&str>> =
        ALLOWED.iter().map(|(name, deps)| (*name, deps.iter().copied().collect())).collect();
    let mut seen = BTreeSet::new();
    for package in metadata["packages"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap();
        let Some(may) = allowed.get(name) else { panic!("workspace crate {name} is missing from ALLOWED") };
        seen.insert(name);
        for dep in package["dependencies"].as_array().unwrap() {
            let dep_name = dep["name"].as_str().unwrap();
            let normal = dep["kind"].is_null();
            if normal && dep_name.starts_with("cinepicks") {
                assert!(may.contains(dep_name), "{name} depends on {dep_name}, against the layering");
            }
        }
    }
    assert_eq!(seen.len(), ALLOWED.len(), "every crate of ALLOWED is in the workspace");
}
