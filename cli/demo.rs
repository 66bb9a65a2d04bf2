//! The demo: generate a small dataset and run every stage that exists on it, then say where outputs are.

use std::time::Instant;

use anyhow::{Context as _, Result};

use cinepicks_domain::Language;
use cinepicks_jobs::storage::Area;
use cinepicks_jobs::{
    Context, Metrics, analyze, audience, customers, daemon, evaluate, generate, ingest, model_runs, notify, predict,
    publish, recommend, screenings, storage, store, suggest, train,
};
use cinepicks_pipeline::recommend::artefacts::{self, StoredRecommender};
use cinepicks_web::ServeConfig;

use crate::cli::show;

#[derive(Debug, Default, clap::Args)]
pub struct DemoArgs {
    /// Size of the generated dataset (see `generate --scale`).
    #[arg(long, default_value_t = 0.01)]
    pub scale: f64,
    /// Then start the daemon: it runs the nightly chain once (catch-up) and waits for the next tick (Ctrl-C stops).
    #[arg(long, conflicts_with = "serve")]
    pub daemon: bool,
    /// Then serve the web site and the REST API on `serve.addr` and print its URL (Ctrl-C stops).
    #[arg(long)]
    pub serve: bool,
}

pub fn run(ctx: &Context, serve: &ServeConfig, args: &DemoArgs) -> Result<Metrics> {
    let started = Instant::now();
    // The demo's messages and site sign their links with a throwaway key of its own folder, not a public one.
    notify::ensure_demo_key(ctx)?;
    println!("== 1/10 generate: synthetic IMDb, MovieLens and TMDB files (scale {})", args.scale);
    let generate_args = generate::GenerateParams { scale: Some(args.scale), ..Default::default() };
    let generated = show(generate::run(ctx, &generate_args)?);

    println!("\n== 2/10 ingest: raw dumps → typed Parquet lake");
    let ingest_args = ingest::IngestParams { force: true, ..Default::default() };
    let ingested = show(ingest::run(ctx, &ingest_args)?);

    println!("\n== 3/10 train: recommender neighbours, popularity model (XGBoost), audience model (XGBoost)");
    let trained = show(train::run(ctx, &train::TrainParams::default())?);

    println!(
        "\n== 4/10 analyze: lake → marts answering the cinema's questions, and the report (with what drives popularity)"
    );
    let analyzed = show(analyze::run(ctx, &analyze::AnalyzeOptions::default())?);

    println!("\n== 5/10 evaluate: every model against the popularity baseline on the MovieLens ratings");
    let evaluated = show(evaluate::run(ctx, &evaluate::EvaluateParams::default())?);

    println!("\n== 6/10 publish: films, people and the latest model run (if any) → the store");
    let publish_args = publish::PublishParams { allow_no_run: true, ..Default::default() };
    let published = show(publish::run(ctx, &publish_args)?);

    println!("\n== 7/10 customers and screenings: a few demo customers (fake names) and a week of séances → the store");
    let customers_file = write_demo_customers(ctx)?;
    let imported = show(customers::import(ctx, &customers_file)?);
    let screenings_file = write_demo_screenings(ctx)?;
    show(screenings::run(
        ctx,
        &screenings::ScreeningsCommand::Import { file: screenings_file.clone(), dry_run: false },
    )?);

    println!("\n== 8/10 recommend: five films like a well-known film of the demo data");
    // With the lake, marts and models on object storage (data.*_url), what follows reads this machine's mirror.
    let mirrored = storage::pull(ctx, &[Area::Lake, Area::Marts, Area::Models])?;
    let ctx = &mirrored;
    let run_dir = artefacts::latest_run(&ctx.paths.models).context("the run just trained is missing")?;
    let model = StoredRecommender::load(&run_dir)?;
    let mut by_votes: Vec<u32> = (0..model.films.len() as u32).collect();
    by_votes.sort_by_key(|&i| std::cmp::Reverse(model.film(i).num_votes));
    let none = std::collections::HashSet::new();
    let famous = by_votes.into_iter().find(|&i| model.similar(i, 5, &none, None).len() >= 5);
    if let Some(item) = famous {
        let film = model.film(item);
        let title = match film.year {
            Some(y) => format!("{} ({y})", film.original_title),
            None => film.original_title.clone(),
        };
        show(recommend::run(ctx, &recommend::RecommendParams { title: Some(title), ..Default::default() })?);
    }

    println!("\n== 9/10 predict, audience, suggest: a film that does not exist yet, and who would love what");
    if model_runs::latest_popularity(&ctx.paths.models).is_some() {
        let genres = ["Drama".to_owned(), "Romance".to_owned()];
        let args =
            predict::PredictParams { genres: genres.to_vec(), runtime: Some(110.0), reasons: 5, ..Default::default() };
        // Generated data may lack these genres: fall back to no genre rather than stop the demo.
        match predict::run(ctx, &args) {
            Ok(report) => _ = show(report),
            Err(_) => {
                let args = predict::PredictParams { runtime: Some(110.0), reasons: 5, ..Default::default() };
                show(predict::run(ctx, &args)?);
            }
        }
    }
    if let Some(run) = model_runs::latest_audience(&ctx.paths.models) {
        let stored = cinepicks_pipeline::audience::model::StoredAudience::load(&run)?;
        if let Some(title) = stored.most_rated_title() {
            show(audience::run(ctx, &audience::AudienceParams { title, n: 5, ..Default::default() })?);
        }
        if let Some(occupation) = stored.spec.space.occupations.first().cloned() {
            let args = suggest::SuggestParams { age: 34, gender: "F".into(), occupation, n: 5, ..Default::default() };
            show(suggest::run(ctx, &args)?);
        }
    }

    println!("\n== 10/10 notify: this week's five picks for the demo customers → the outbox (no mail server needed)");
    let notified = show(notify::run(ctx, &notify::NotifyParams::default())?);
    let week = notified.get("week").and_then(|w| w.as_str()).unwrap_or_default().to_owned();
    let email_dir = ctx.paths.outbox.join("email").join(&week);
    let one_email = std::fs::read_dir(&email_dir).ok().and_then(|entries| {
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "eml")).min()
    });

    let paths = &ctx.paths;
    println!("\nDemo finished in {:.1} s. Outputs:", started.elapsed().as_secs_f64());
    println!("  raw dumps     {}", paths.raw.display());
    println!("  lake          {}  (Parquet tables; manifest in _manifest.json)", paths.lake.display());
    println!("  quarantine    {}  (rejected rows, if any)", paths.quarantine.display());
    println!("  marts         {}  (one Parquet table per question)", paths.marts.display());
    println!("  report        {}  (open it in a browser)", paths.marts.join(analyze::REPORT).display());
    println!("  run manifests {}", paths.runs.display());
    println!(
        "  models        {}  (similar_films.parquet, popularity/ and audience/ XGBoost JSON models, metrics.json, run.json)",
        run_dir.display()
    );
    println!("  evaluation    {}", evaluated.get("metrics_file").and_then(|v| v.as_str()).unwrap_or("-"));
    println!(
        "  store         {}  (SQLite: films, people, model runs, customers)",
        store::default_sqlite_path(ctx).display()
    );
    println!("  customers     {}  (try `cinepicks customers list`)", customers_file.display());
    println!("  screenings    {}  (try `cinepicks screenings list`)", screenings_file.display());
    println!("  outbox        {}  (this week's e-mails and SMS)", paths.outbox.display());
    if let Some(path) = &one_email {
        println!("  one e-mail    {}  (open it in a mail client)", path.display());
    }
    let mut metrics = Metrics::default();
    metrics.insert("generated_files", generated.get("files"));
    metrics.insert("lake_rows", ingested.get("rows_written"));
    metrics.insert("run_id", trained.get("run_id"));
    metrics.insert("best_model", evaluated.get("best_model"));
    metrics.insert("report", analyzed.get("report"));
    metrics.insert("films_published", published.get("films"));
    metrics.insert("customers_created", imported.get("created"));
    metrics.insert("notify_week", &week);
    metrics.insert("one_email", one_email.as_ref().map(|p| p.display().to_string()));
    metrics.insert("seconds", started.elapsed().as_secs_f64());
    if args.daemon {
        println!("\n== daemon: the nightly chain runs once now (catch-up), then waits for the next tick; Ctrl-C stops");
        let daemon = daemon::run(ctx, &daemon::DaemonParams::default())?;
        metrics.0.extend(daemon.0);
    }
    if args.serve {
        println!("\n== serve: the customers' site and the REST API on the demo store; Ctrl-C stops");
        let served = cinepicks_web::run(ctx, serve, crate::cli::print_ready)?;
        metrics.insert("addr", served.addr.to_string());
    }
    Ok(metrics)
}

/// A week of screenings from tomorrow, as a single-screen cinema programmes it: two a day (14:30 and 20:30)
/// of the most voted films, in VF or VOST, with a ciné-débat; written as an import file in
/// `<data>/demo/screenings.csv` so the demo shows the format. Days already programmed are replaced, not doubled.
fn write_demo_screenings(ctx: &Context) -> Result<std::path::PathBuf> {
    let films = store::with_store(ctx, async |store| Ok(store.top_films(6).await?))?;
    let tomorrow = ctx.clock.now().with_timezone(&ctx.config.timezone).date_naive() + chrono::Duration::days(1);
    let dir = ctx.paths.root.join("demo");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join("screenings.csv");
    let mut writer = csv::Writer::from_path(&path).with_context(|| format!("writing {}", path.display()))?;
    writer.write_record(screenings::CSV_COLUMNS)?;
    for day in 0..7 {
        let date = tomorrow + chrono::Duration::days(day);
        for (slot, time) in ["14:30", "20:30"].into_iter().enumerate() {
            let Some(film) = films.get((2 * day as usize + slot) % films.len().max(1)) else { continue };
            let version = if slot == 1 && day % 2 == 0 { "VOST" } else { "VF" };
            let note = if day == 2 && slot == 1 { "Ciné-débat" } else { "" };
            let starts_at = format!("{date} {time}");
            writer.write_record([film.film_id.as_str(), &starts_at, "Salle 1", version, "7,50", "", note])?;
        }
    }
    writer.flush()?;
    Ok(path)
}

/// Fake customers (no real person) liking some of the most voted generated films, written as an import file
/// in `<data>/demo/customers.csv` so the demo shows the format. E-mail domains are the reserved example.org;
/// phone numbers are placeholder-looking 06 00 00 00 0x (the range ARCEP reserves for fiction, 06 39 98, is
/// rejected by libphonenumber as unallocated), and the demo only ever writes to the outbox.
fn write_demo_customers(ctx: &Context) -> Result<std::path::PathBuf> {
    let (films, lookup) =
        store::with_store(ctx, async |store| Ok((store.top_films(12).await?, store.film_lookup().await?)))?;
    let pick = |i: usize| films.get(i % films.len().max(1)).map(|f| f.film_id.clone()).unwrap_or_default();
    let like = |from: usize| {
        if films.is_empty() { String::new() } else { format!("{}|{}|{}", pick(from), pick(from + 1), pick(from + 2)) }
    };
    // One like by title, as people type them, when the generated title is unambiguous.
    let by_title = films
        .first()
        .map(|f| match f.start_year {
            Some(year) => format!("{} ({year})", f.title(Language::Fr)),
            None => f.title(Language::Fr).to_owned(),
        })
        .filter(|t| {
            !t.contains(['|', ';'])
                && films.first().is_some_and(|f| lookup.resolve(t).ok().as_deref() == Some(f.film_id.as_str()))
        })
        .unwrap_or_else(|| pick(0));
    let rows = [
        ("Camille Martin", "camille.martin@example.org", "06 00 00 00 01", "fr", like(0), "email+sms", ""),
        ("Louis Bernard", "louis.bernard@example.org", "", "fr", like(3), "email", ""),
        ("Chloé Dubois", "", "06 00 00 00 03", "fr", like(6), "sms", ""),
        ("Hugo Thomas", "hugo.thomas@example.org", "+33 6 00 00 00 04", "en", like(9), "email", ""),
        ("Léa Robert", "lea.robert@example.org", "", "fr", by_title.clone(), "yes", ""),
        // No likes yet: the picks come from the best-rated films of the genres declared.
        ("Nathan Petit", "nathan.petit@example.org", "", "fr", String::new(), "email", "Drama|Comedy"),
    ];
    let dir = ctx.paths.root.join("demo");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join("customers.csv");
    let mut writer = csv::Writer::from_path(&path).with_context(|| format!("writing {}", path.display()))?;
    writer.write_record(customers::IMPORT_COLUMNS)?;
    for (name, email, phone, locale, likes, consent, genres) in rows {
        writer.write_record([name, email, phone, locale, likes.as_str(), consent, genres])?;
    }
    writer.flush()?;
    Ok(path)
}
