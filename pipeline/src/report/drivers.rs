//! The report's section on what drives popularity, read from the latest trained popularity model: global
//! importance (mean |SHAP|) of the traits for rating and audience, and partial dependence of runtime and decade.

use cinepicks_domain::identity;

use super::svg::{self, Bar, Line};
use super::{Chart, Language, Section};
use crate::popularity::features;
use crate::popularity::training::{PopularityMetrics, SplitScores, TargetReport, XGBOOST};

/// Features shown in each importance chart.
const TOP: usize = 12;

fn importance_chart(target: &TargetReport, lang: Language, title: &str, color: &'static str) -> String {
    let bars: Vec<Bar> = target
        .importance
        .iter()
        .take(TOP)
        .map(|i| Bar {
            label: features::label(&i.feature, lang),
            value: i.mean_abs_shap,
            shown: lang.num(i.mean_abs_shap, 3),
            color,
        })
        .collect();
    svg::hbar(title, &bars)
}

/// The split the headline figure comes from: the time-based one when there is one.
fn headline(target: &TargetReport) -> (&SplitScores, bool) {
    match &target.time_split {
        Some(s) => (s, true),
        None => (&target.holdout, false),
    }
}

pub(crate) fn section(m: &PopularityMetrics, lang: Language) -> Option<Section> {
    let [quality, audience] = [m.targets.first()?, m.targets.get(1)?];
    let tmdb = m.source == crate::popularity::dataset::Source::Tmdb;
    let mut s = Section {
        mart: "popularity",
        title: lang.pick("Ce qui fait la note et l'audience d'un film", "What drives a film's rating and audience").into(),
        question: lang
            .pick(
                "Quels traits d'un film (genres, durée, époque, équipe, budget…) pèsent le plus sur sa note et sur son audience ?",
                "Which traits of a film (genres, runtime, period, crew, budget…) weigh most on its rating and its audience?",
            )
            .into(),
        reading: Vec::new(),
        charts: Vec::new(),
        table: None,
        notes: Vec::new(),
        method: String::new(),
    };
    let (split, timed) = headline(quality);
    if let Some(x) = split.get(XGBOOST) {
        let best = split.models.iter().filter(|(n, _)| n != XGBOOST).max_by(|a, b| a.1.r2.total_cmp(&b.1.r2));
        let on = if timed {
            format!(
                "{} {}",
                lang.pick("sur les films sortis à partir de", "on films released from"),
                quality.test_from_year.unwrap_or_default()
            )
        } else {
            lang.pick("sur un cinquième des films mis de côté", "on a fifth of the films held out").to_owned()
        };
        s.reading.push(format!(
            "{} {} {} : R² {} ({} {}{}).",
            lang.pick("Sur", "On"),
            lang.int(m.films as i64),
            lang.pick("films, le modèle explique la note", "films, the model explains the rating"),
            lang.num(x.r2, 2),
            on,
            lang.pick("; meilleure référence : ", "; best baseline: "),
            best.map_or(String::new(), |(n, b)| format!("{n} {}", lang.num(b.r2, 2)))
        ));
    }
    let names = |t: &TargetReport| {
        t.importance.iter().take(3).map(|i| features::label(&i.feature, lang)).collect::<Vec<_>>().join(", ")
    };
    s.reading.push(format!(
        "{} {} ; {} {}.",
        lang.pick("Ce qui pèse le plus sur la note :", "What weighs most on the rating:"),
        names(quality),
        lang.pick("sur l'audience :", "on the audience:"),
        names(audience)
    ));
    for pd in &quality.partial_dependence {
        let (Some(hi), Some(lo)) =
            (pd.points.iter().max_by(|a, b| a.1.total_cmp(&b.1)), pd.points.iter().min_by(|a, b| a.1.total_cmp(&b.1)))
        else {
            continue;
        };
        let unit = |v: f32| {
            if pd.feature == "runtime" { format!("{} min", lang.num(v as f64, 0)) } else { format!("{}", v as i32) }
        };
        s.reading.push(format!(
            "{} {} : {} {} ({}), {} {} ({}).",
            lang.pick("Effet propre de", "Own effect of"),
            features::label(&pd.feature, lang),
            lang.pick("note prévue la plus haute vers", "highest predicted rating around"),
            unit(hi.0),
            lang.num(hi.1 as f64, 2),
            lang.pick("la plus basse vers", "lowest around"),
            unit(lo.0),
            lang.num(lo.1 as f64, 2)
        ));
    }
    let rating = if tmdb { lang.pick("note TMDB", "TMDB rating") } else { lang.pick("note IMDb", "IMDb rating") };
    let audience_name = if tmdb {
        lang.pick("popularité TMDB (log)", "TMDB popularity (log)")
    } else {
        lang.pick("votes IMDb (log)", "IMDb votes (log)")
    };
    s.charts.push(Chart {
        name: "popularity_importance_rating".into(),
        svg: importance_chart(
            quality,
            lang,
            &format!(
                "{} — {rating}",
                lang.pick("Poids des traits (|SHAP| moyen)", "Weight of each trait (mean |SHAP|)")
            ),
            svg::NIGHT,
        ),
    });
    s.charts.push(Chart {
        name: "popularity_importance_audience".into(),
        svg: importance_chart(
            audience,
            lang,
            &format!(
                "{} — {audience_name}",
                lang.pick("Poids des traits (|SHAP| moyen)", "Weight of each trait (mean |SHAP|)")
            ),
            identity::ACCENT,
        ),
    });
    for pd in &quality.partial_dependence {
        let label = features::label(&pd.feature, lang);
        let series = vec![Line {
            name: rating.to_owned(),
            color: svg::NIGHT,
            points: pd.points.iter().map(|(x, y)| (*x as f64, *y as f64)).collect(),
            dashed: false,
        }];
        let x_label =
            if pd.feature == "runtime" { lang.pick("Minutes", "Minutes") } else { lang.pick("Décennie", "Decade") };
        s.charts.push(Chart {
            name: format!("popularity_dependence_{}", pd.feature),
            svg: svg::lines(
                &format!("{} — {label}", lang.pick("Note prévue selon", "Predicted rating by")),
                &series,
                x_label,
                rating,
                &|v| lang.num(v, 1),
            ),
        });
    }
    let mut rows = Vec::new();
    for t in [quality, audience] {
        for (name, split) in [("time", t.time_split.as_ref()), ("holdout", Some(&t.holdout))] {
            let Some(split) = split else { continue };
            for (model, sc) in &split.models {
                rows.push(vec![
                    t.target.clone(),
                    name.to_owned(),
                    model.clone(),
                    lang.num(sc.r2, 3),
                    lang.num(sc.rmse, 3),
                    lang.num(sc.mae, 3),
                ]);
            }
        }
    }
    s.table = Some((
        ["target", lang.pick("découpage", "split"), lang.pick("modèle", "model"), "R²", "RMSE", "MAE"]
            .iter()
            .map(|h| (*h).to_owned())
            .collect(),
        rows,
    ));
    s.method = lang
        .pick(
            "Arbres de gradient boosting (XGBoost, méthode hist) sur les traits connus avant la sortie ; les antécédents des personnes ne comptent que leurs films antérieurs. Poids d'un trait : valeur absolue moyenne de sa contribution SHAP. Effet propre : prévision moyenne quand on donne à tous les films la même valeur. Références : moyenne globale, moyenne par genre, régression linéaire.",
            "Gradient-boosted trees (XGBoost, hist method) on traits known before release; people's track records count only their earlier films. Weight of a trait: mean absolute SHAP contribution. Own effect: mean prediction when every film is given the same value. Baselines: global mean, genre mean, linear regression.",
        )
        .into();
    Some(s)
}
