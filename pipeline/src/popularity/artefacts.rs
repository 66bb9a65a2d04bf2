//! The files of a trained popularity model in `<run>/popularity/`: one XGBoost JSON model per target
//! (loadable by the Python package), `spec.json` (feature space, targets, intervals), `people.parquet`
//! (every person's and company's whole track record, with names), `check.parquet` (encoded hold-out films
//! with the final models' predictions, for other tools to compare) and `manifest.json`.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::booster::{self, BoosterError, Objective, Trees};
use super::dataset::Source;
use super::features::{FeatureSpace, NUMERIC, Role, Track, TrackRecords};
use super::training::{PopularityMetrics, PopularityParams, TrainedPopularity};

/// Folder of the popularity model inside a run.
pub const DIR: &str = "popularity";
pub const QUALITY_MODEL: &str = "quality.json";
pub const AUDIENCE_MODEL: &str = "audience.json";
pub const SPEC: &str = "spec.json";
pub const PEOPLE: &str = "people.parquet";
pub const CHECK: &str = "check.parquet";
pub const MANIFEST: &str = "manifest.json";

/// Version of the `xgb` crate this build binds (kept in step with Cargo.toml by a test).
pub const XGB_CRATE_VERSION: &str = "3.4";

#[derive(Debug, thiserror::Error)]
pub enum ArtefactError {
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a valid popularity spec: {source}")]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("cannot write or read {path}: {source}")]
    Parquet { path: PathBuf, source: PolarsError },
    #[error(transparent)]
    Booster(#[from] BoosterError),
    #[error("{path}: {detail}")]
    Invalid { path: PathBuf, detail: String },
}

/// What serving needs besides the trees.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Spec {
    pub source: Source,
    pub targets: [String; 2],
    pub features: FeatureSpace,
    /// Residual quantiles added to each target's prediction for its interval.
    pub intervals: [(f32, f32); 2],
    pub interval_coverage: f64,
    /// Mean of each target over the training films.
    pub means: [f64; 2],
    /// The years and budgets learnt from (absent from runs made before it was recorded).
    #[serde(default)]
    pub ranges: super::training::TrainingRanges,
}

/// The manifest of the model files: what they are, what made them, how well they do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub models: BTreeMap<String, String>,
    pub features: Vec<String>,
    pub missing_value: String,
    pub xgb_crate_version: String,
    pub xgboost_library_version: Option<String>,
    pub parameters: PopularityParams,
    pub metrics: PopularityMetrics,
    /// Lake table → fingerprint of the input file.
    pub data_hashes: BTreeMap<String, String>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ArtefactError + '_ {
    move |source| ArtefactError::Io { path: path.to_path_buf(), source }
}

fn write_json(path: &Path, value: &impl Serialize) -> Result<(), ArtefactError> {
    let text =
        serde_json::to_vec_pretty(value).map_err(|source| ArtefactError::Json { path: path.to_path_buf(), source })?;
    std::fs::write(path, text).map_err(io(path))
}

fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<(), ArtefactError> {
    let file = File::create(path).map_err(io(path))?;
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(df)
        .map(|_| ())
        .map_err(|source| ArtefactError::Parquet { path: path.to_path_buf(), source })
}

/// Writes the model files into `<run_dir>/popularity/` and returns the folder.
pub fn write(
    run_dir: &Path,
    trained: &TrainedPopularity,
    params: &PopularityParams,
    names: &std::collections::HashMap<String, String>,
    data_hashes: BTreeMap<String, String>,
) -> Result<PathBuf, ArtefactError> {
    let dir = run_dir.join(DIR);
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    trained.models[0].save_json(&dir.join(QUALITY_MODEL))?;
    trained.models[1].save_json(&dir.join(AUDIENCE_MODEL))?;
    let targets = trained.source.targets().map(str::to_owned);
    let spec = Spec {
        source: trained.source,
        targets: targets.clone(),
        features: trained.space.clone(),
        intervals: [trained.metrics.targets[0].interval, trained.metrics.targets[1].interval],
        interval_coverage: params.interval,
        means: [trained.metrics.targets[0].mean, trained.metrics.targets[1].mean],
        ranges: trained.ranges.clone(),
    };
    write_json(&dir.join(SPEC), &spec)?;

    // people.parquet: every (role, id) with its whole record.
    let mut rows: Vec<(Role, &str, Track)> = trained.tracks.totals().collect();
    rows.sort_by(|a, b| (a.0.name(), a.1).cmp(&(b.0.name(), b.1)));
    let mut people = df!(
        "role" => rows.iter().map(|r| r.0.name()).collect::<Vec<_>>(),
        "id" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        "name" => rows.iter().map(|r| names.get(r.1).map(String::as_str).unwrap_or(r.1)).collect::<Vec<_>>(),
        "films" => rows.iter().map(|r| r.2.films).collect::<Vec<_>>(),
        "mean_quality" => rows.iter().map(|r| r.2.mean(0).unwrap_or(f64::NAN)).collect::<Vec<_>>(),
        "mean_audience" => rows.iter().map(|r| r.2.mean(1).unwrap_or(f64::NAN)).collect::<Vec<_>>(),
    )
    .map_err(|source| ArtefactError::Parquet { path: dir.join(PEOPLE), source })?;
    write_parquet(&dir.join(PEOPLE), &mut people)?;

    // check.parquet: film_id, every feature column, truths and the final models' predictions.
    let check = &trained.check;
    let width = trained.space.len();
    let mut columns = vec![Column::new("film_id".into(), check.film_ids.clone())];
    for (f, name) in trained.space.names.iter().enumerate() {
        let values: Vec<f32> = check.x.chunks(width).map(|r| r[f]).collect();
        columns.push(Column::new(name.as_str().into(), values));
    }
    for (t, target) in targets.iter().enumerate() {
        columns.push(Column::new(format!("truth_{target}").into(), check.truth[t].clone()));
        columns.push(Column::new(format!("predicted_{target}").into(), check.predicted[t].clone()));
    }
    let mut df = DataFrame::new_infer_height(columns)
        .map_err(|source| ArtefactError::Parquet { path: dir.join(CHECK), source })?;
    write_parquet(&dir.join(CHECK), &mut df)?;

    let mut models = BTreeMap::new();
    models.insert(targets[0].clone(), QUALITY_MODEL.to_owned());
    models.insert(targets[1].clone(), AUDIENCE_MODEL.to_owned());
    let manifest = Manifest {
        format: "XGBoost JSON model (Booster.save_model / xgboost.Booster(model_file=...)), one per target".into(),
        models,
        features: trained.space.names.clone(),
        missing_value: "NaN".into(),
        xgb_crate_version: XGB_CRATE_VERSION.into(),
        xgboost_library_version: booster::written_by(&dir.join(QUALITY_MODEL)),
        parameters: params.clone(),
        metrics: trained.metrics.clone(),
        data_hashes,
    };
    write_json(&dir.join(MANIFEST), &manifest)?;
    Ok(dir)
}

/// A person or company as serving knows them.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownPerson {
    pub role: Role,
    pub id: String,
    pub name: String,
    pub track: Track,
}

/// A trained model loaded back for predictions.
pub struct StoredPopularity {
    pub dir: PathBuf,
    pub spec: Spec,
    pub models: [Trees; 2],
    pub people: Vec<KnownPerson>,
    pub tracks: TrackRecords,
    /// (role, normalised name or lower-case id) → indices in `people`, built once at load: rebuilding it per
    /// prediction cost tens of milliseconds.
    pub index: HashMap<(Role, String), Vec<usize>>,
}

impl StoredPopularity {
    pub fn load(run_dir: &Path) -> Result<Self, ArtefactError> {
        let dir = run_dir.join(DIR);
        let spec_path = dir.join(SPEC);
        let text =
            std::fs::read(&spec_path).map_err(|source| ArtefactError::Read { path: spec_path.clone(), source })?;
        let spec: Spec =
            serde_json::from_slice(&text).map_err(|source| ArtefactError::Json { path: spec_path.clone(), source })?;
        // The numeric columns come first, in code order: a model trained with other ones would be fed shifted rows.
        if !spec.features.names.iter().take(NUMERIC.len()).eq(NUMERIC.iter()) {
            return Err(ArtefactError::Invalid {
                path: spec_path,
                detail: "trained by an earlier version with other feature columns: run `cinepicks train` again".into(),
            });
        }
        let width = spec.features.len();
        let mut models = [
            Trees::load(&dir.join(QUALITY_MODEL), width, Objective::Regression)?,
            Trees::load(&dir.join(AUDIENCE_MODEL), width, Objective::Regression)?,
        ];
        for m in &mut models {
            m.single_threaded()?;
        }
        let people_path = dir.join(PEOPLE);
        let perr = |source| ArtefactError::Parquet { path: people_path.clone(), source };
        let df =
            LazyFrame::scan_parquet(PlRefPath::new(people_path.to_string_lossy().as_ref()), ScanArgsParquet::default())
                .and_then(|lf| lf.collect())
                .map_err(perr)?;
        let col_str = |name: &str| df.column(name).and_then(|c| c.str().cloned()).map_err(perr);
        let (roles, ids, names) = (col_str("role")?, col_str("id")?, col_str("name")?);
        let films = df.column("films").and_then(|c| c.u32().cloned()).map_err(perr)?;
        let q = df.column("mean_quality").and_then(|c| c.f64().cloned()).map_err(perr)?;
        let a = df.column("mean_audience").and_then(|c| c.f64().cloned()).map_err(perr)?;
        let mut people = Vec::with_capacity(df.height());
        let mut tracks = TrackRecords::default();
        for i in 0..df.height() {
            let role = match roles.get(i).and_then(Role::parse) {
                Some(role) => role,
                None => {
                    let other = roles.get(i);
                    return Err(ArtefactError::Invalid {
                        path: people_path.clone(),
                        detail: format!("row {}: unknown role {other:?}", i + 1),
                    });
                }
            };
            let n = films.get(i).unwrap_or(0);
            let track =
                Track { films: n, sums: [q.get(i).unwrap_or(0.0) * n as f64, a.get(i).unwrap_or(0.0) * n as f64] };
            let id = ids.get(i).unwrap_or_default().to_owned();
            tracks.insert_total(role, &id, track);
            people.push(KnownPerson { role, name: names.get(i).unwrap_or(&id).to_owned(), id, track });
        }
        let mut index: HashMap<(Role, String), Vec<usize>> = HashMap::new();
        for (i, p) in people.iter().enumerate() {
            index.entry((p.role, crate::recommend::title_search::normalize(&p.name))).or_default().push(i);
            index.entry((p.role, p.id.to_lowercase())).or_default().push(i);
        }
        Ok(Self { dir, spec, models, people, tracks, index })
    }
}
