//! MovieLens ratings in its three layouts (100K, 1M, latest/25M/32M CSV): detection, lake columns, parsers.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::batch::{BatchBuilder, Columns, Kind};
use super::fields::{Reject, float_in, int_in, required};
use super::keys::{GroupedKeys, IdSet, KeyReport, KeySpace, Reference};
use super::{Dialect, Encoding, RowParser};
use crate::ingest::find_file;
use crate::lake::tables;
use cinepicks_domain::TitleId;

/// Lake column names of the MovieLens tables.
pub mod columns {
    pub const USER_ID: &str = "user_id";
    pub const MOVIE_ID: &str = "movie_id";
    pub const RATING: &str = "rating";
    pub const RATED_AT: &str = "rated_at";
    pub const TITLE: &str = "title";
    pub const YEAR: &str = "year";
    pub const GENRES: &str = "genres";
    pub const RELEASE_DATE: &str = "release_date";
    pub const IMDB_URL: &str = "imdb_url";
    pub const AGE: &str = "age";
    pub const GENDER: &str = "gender";
    pub const OCCUPATION: &str = "occupation";
    pub const ZIP_CODE: &str = "zip_code";
    pub const TAG: &str = "tag";
    pub const TAGGED_AT: &str = "tagged_at";
    pub const IMDB_ID: &str = "imdb_id";
    pub const TMDB_ID: &str = "tmdb_id";
}
use columns as c;

/// Unix timestamps outside this range (1970 to 2100) are impossible for a rating.
const TIMESTAMPS: std::ops::RangeInclusive<i64> = 0..=4_102_444_800;
const IDS: std::ops::RangeInclusive<i64> = 1..=i32::MAX as i64;

/// The 19 genres of u.item's flags, in u.genre order.
pub const GENRES_100K: [&str; 19] = [
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
];

/// Occupation codes of the 1M users.dat (from its README).
pub const OCCUPATIONS_1M: [&str; 21] = [
    "other",
    "academic/educator",
    "artist",
    "clerical/admin",
    "college/grad student",
    "customer service",
    "doctor/health care",
    "executive/managerial",
    "farmer",
    "homemaker",
    "K-12 student",
    "lawyer",
    "programmer",
    "retired",
    "sales/marketing",
    "scientist",
    "self-employed",
    "technician/engineer",
    "tradesman/craftsman",
    "unemployed",
    "writer",
];

const RATINGS_COLUMNS: Columns =
    &[(c::USER_ID, Kind::I32), (c::MOVIE_ID, Kind::I32), (c::RATING, Kind::F64), (c::RATED_AT, Kind::Timestamp)];
const MOVIES_COLUMNS: Columns = &[
    (c::MOVIE_ID, Kind::I32),
    (c::TITLE, Kind::Str),
    (c::YEAR, Kind::I32),
    (c::GENRES, Kind::StrList),
    (c::RELEASE_DATE, Kind::Date),
    (c::IMDB_URL, Kind::Str),
];
const USERS_COLUMNS: Columns = &[
    (c::USER_ID, Kind::I32),
    (c::AGE, Kind::I32),
    (c::GENDER, Kind::Str),
    (c::OCCUPATION, Kind::Str),
    (c::ZIP_CODE, Kind::Str),
];

/// Which MovieLens release a folder holds, recognised by its file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// u.data, u.item, u.user: TAB and `|` separated, latin-1, no header.
    Ml100k,
    /// ratings.dat, movies.dat, users.dat: `::` separated, latin-1, no header.
    Ml1m,
    /// ratings.csv, movies.csv, tags.csv, links.csv: RFC-4180 CSV with a header (latest, 25M, 32M).
    Latest,
}

impl Layout {
    pub fn detect(dir: &Path) -> Option<Self> {
        [(Self::Ml100k, "u.data"), (Self::Ml1m, "ratings.dat"), (Self::Latest, "ratings.csv")]
            .into_iter()
            .find(|(_, name)| find_file(dir, name).is_some())
            .map(|(layout, _)| layout)
    }

    fn all(self) -> &'static [MlFile] {
        match self {
            Self::Ml100k => &[MlFile::UData, MlFile::UItem, MlFile::UUser],
            Self::Ml1m => &[MlFile::RatingsDat, MlFile::MoviesDat, MlFile::UsersDat],
            Self::Latest => &[MlFile::RatingsCsv, MlFile::MoviesCsv, MlFile::TagsCsv, MlFile::LinksCsv],
        }
    }

    pub fn files(self, dir: &Path) -> Vec<(MlFile, PathBuf)> {
        self.all().iter().filter_map(|f| find_file(dir, f.file_name()).map(|p| (*f, p))).collect()
    }

    pub fn missing(self, dir: &Path) -> Vec<&'static str> {
        self.all().iter().filter(|f| find_file(dir, f.file_name()).is_none()).map(|f| f.file_name()).collect()
    }
}

/// One MovieLens file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MlFile {
    UData,
    UItem,
    UUser,
    RatingsDat,
    MoviesDat,
    UsersDat,
    RatingsCsv,
    MoviesCsv,
    TagsCsv,
    LinksCsv,
}

impl MlFile {
    pub fn file_name(self) -> &'static str {
        match self {
            Self::UData => "u.data",
            Self::UItem => "u.item",
            Self::UUser => "u.user",
            Self::RatingsDat => "ratings.dat",
            Self::MoviesDat => "movies.dat",
            Self::UsersDat => "users.dat",
            Self::RatingsCsv => "ratings.csv",
            Self::MoviesCsv => "movies.csv",
            Self::TagsCsv => "tags.csv",
            Self::LinksCsv => "links.csv",
        }
    }

    /// The line dialect, or None for RFC-4180 CSV (read with quoting).
    pub fn dialect(self) -> Option<Dialect> {
        let plain = |separator| Some(Dialect { separator, header: false, encoding: Encoding::Latin1 });
        match self {
            Self::UData => plain("\t"),
            Self::UItem | Self::UUser => plain("|"),
            Self::RatingsDat | Self::MoviesDat | Self::UsersDat => plain("::"),
            Self::RatingsCsv | Self::MoviesCsv | Self::TagsCsv | Self::LinksCsv => None,
        }
    }

    pub fn parser_fn(self) -> fn() -> Box<dyn RowParser> {
        match self {
            Self::UData => || Box::new(Ratings::new(RatingsFormat::Ml100k)),
            Self::RatingsDat => || Box::new(Ratings::new(RatingsFormat::Ml1m)),
            Self::RatingsCsv => || Box::new(Ratings::new(RatingsFormat::Latest)),
            Self::UItem => || Box::new(Movies::new(MoviesFormat::Ml100k)),
            Self::MoviesDat => || Box::new(Movies::new(MoviesFormat::Ml1m)),
            Self::MoviesCsv => || Box::new(Movies::new(MoviesFormat::Latest)),
            Self::UUser => || Box::new(Users::new(false)),
            Self::UsersDat => || Box::new(Users::new(true)),
            Self::TagsCsv => || Box::new(Tags::default()),
            Self::LinksCsv => || Box::new(Links::default()),
        }
    }
}

// ---------------------------------------------------------------- ratings

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RatingsFormat {
    Ml100k,
    Ml1m,
    Latest,
}

struct Ratings {
    format: RatingsFormat,
    /// 100K and 1M files are small and unsorted: exact pairs. Latest files are sorted by user: per group.
    pairs: HashSet<u64>,
    grouped: GroupedKeys,
    movies: Reference,
    users: Reference,
}

impl Ratings {
    fn new(format: RatingsFormat) -> Self {
        Self {
            format,
            pairs: HashSet::new(),
            grouped: GroupedKeys::default(),
            movies: Reference::new("movie_id", KeySpace::MlMovie),
            users: Reference::new("user_id", KeySpace::MlUser),
        }
    }
}

impl RowParser for Ratings {
    fn table(&self) -> &'static str {
        tables::ML_RATINGS
    }
    fn header(&self) -> &'static [&'static str] {
        match self.format {
            RatingsFormat::Ml100k | RatingsFormat::Ml1m => &["user_id", "item_id", "rating", "timestamp"],
            RatingsFormat::Latest => &["userId", "movieId", "rating", "timestamp"],
        }
    }
    fn columns(&self) -> Columns {
        RATINGS_COLUMNS
    }
    fn push(&mut self, f: &[&str], out: &mut BatchBuilder) -> Result<(), Reject> {
        let user = int_in("userId", f[0], IDS)? as u32;
        let movie = int_in("movieId", f[1], IDS)? as u32;
        let rating = match self.format {
            RatingsFormat::Latest => float_in("rating", f[2], 0.5..=5.0)?,
            _ => int_in("rating", f[2], 1..=5)? as f64,
        };
        let at = int_in("timestamp", f[3], TIMESTAMPS)?;
        let fresh = match self.format {
            RatingsFormat::Latest => self.grouped.insert(user, i64::from(movie)),
            _ => self.pairs.insert(u64::from(user) << 32 | u64::from(movie)),
        };
        if !fresh {
            return Err(Reject::duplicate(format_args!("user {user} movie {movie}")));
        }
        self.users.ids.insert(user);
        self.movies.ids.insert(movie);
        out.i32(0, Some(user as i32));
        out.i32(1, Some(movie as i32));
        out.f64(2, Some(rating));
        out.i64(3, Some(at));
        out.end_row();
        Ok(())
    }
    fn into_keys(self: Box<Self>) -> KeyReport {
        KeyReport { defines: None, references: vec![self.movies, self.users] }
    }
    fn notes(&self) -> Vec<String> {
        if self.grouped.regrouped_rows == 0 {
            return Vec::new();
        }
        vec![format!(
            "{} ratings are not grouped by user: duplicates across groups are not checked",
            self.grouped.regrouped_rows
        )]
    }
}

// ---------------------------------------------------------------- movies

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MoviesFormat {
    Ml100k,
    Ml1m,
    Latest,
}

struct Movies {
    format: MoviesFormat,
    ids: IdSet,
    genres: Vec<&'static str>,
}

impl Movies {
    fn new(format: MoviesFormat) -> Self {
        Self { format, ids: IdSet::default(), genres: Vec::new() }
    }
}

/// The year in a MovieLens title, `"Toy Story (1995)"` → 1995 (some titles have none).
pub fn title_year(title: &str) -> Option<i32> {
    let t = title.trim_end();
    let inner = t.strip_suffix(')')?.rsplit_once('(')?.1;
    let inner = inner.split('-').next()?; // series titles: "(2006-2007)"
    (inner.len() == 4).then(|| inner.parse().ok()).flatten().filter(|y| (1870..=2100).contains(y))
}

impl RowParser for Movies {
    fn table(&self) -> &'static str {
        tables::ML_MOVIES
    }
    fn header(&self) -> &'static [&'static str] {
        match self.format {
            MoviesFormat::Ml100k => &[
                "movie_id",
                "title",
                "release_date",
                "video_release_date",
                "imdb_url",
                "unknown",
                "Action",
                "Adventure",
                "Animation",
                "Children's",
                "Comedy",
                "Crime",
                "Documentary",
                "Drama",
                "Fantasy",
                "Film-Noir",
                "Horror",
                "Musical",
                "Mystery",
                "Romance",
                "Sci-Fi",
                "Thriller",
                "War",
                "Western",
            ],
            MoviesFormat::Ml1m => &["movie_id", "title", "genres"],
            MoviesFormat::Latest => &["movieId", "title", "genres"],
        }
    }
    fn columns(&self) -> Columns {
        MOVIES_COLUMNS
    }
    fn push(&mut self, f: &[&str], out: &mut BatchBuilder) -> Result<(), Reject> {
        let id = int_in("movieId", f[0], IDS)? as u32;
        let title = required("title", Some(f[1]))?;
        let mut release = None;
        let mut url = None;
        let genres: Vec<&str> = match self.format {
            MoviesFormat::Ml100k => {
                if !f[2].is_empty() {
                    let date = NaiveDate::parse_from_str(f[2], "%d-%b-%Y")
                        .map_err(|_| Reject::invalid("release_date", f[2], "is not a dd-Mon-yyyy date"))?;
                    release = Some(date.signed_duration_since(NaiveDate::default()).num_days());
                }
                url = Some(f[4]).filter(|u| !u.is_empty());
                self.genres.clear();
                for (flag, genre) in f[5..].iter().zip(GENRES_100K) {
                    match *flag {
                        "1" if genre != "unknown" => self.genres.push(genre),
                        "0" | "1" => {}
                        other => return Err(Reject::invalid(genre, other, "is not a 0/1 genre flag")),
                    }
                }
                self.genres.clone()
            }
            MoviesFormat::Ml1m | MoviesFormat::Latest => {
                f[2].split('|').filter(|g| !g.is_empty() && *g != "(no genres listed)").collect()
            }
        };
        if !self.ids.insert(id) {
            return Err(Reject::duplicate(format_args!("movie {id}")));
        }
        out.i32(0, Some(id as i32));
        out.str(1, Some(title));
        out.i32(2, title_year(title));
        out.list(3, Some(genres.into_iter()));
        out.i64(4, release);
        out.str(5, url);
        out.end_row();
        Ok(())
    }
    fn into_keys(self: Box<Self>) -> KeyReport {
        KeyReport { defines: Some((KeySpace::MlMovie, self.ids)), references: Vec::new() }
    }
}

// ---------------------------------------------------------------- users

struct Users {
    /// 1M: Gender::Age::Occupation code; 100K: age|gender|occupation name.
    ml1m: bool,
    ids: IdSet,
}

impl Users {
    fn new(ml1m: bool) -> Self {
        Self { ml1m, ids: IdSet::default() }
    }
}

impl RowParser for Users {
    fn table(&self) -> &'static str {
        tables::ML_USERS
    }
    fn header(&self) -> &'static [&'static str] {
        if self.ml1m {
            &["user_id", "gender", "age", "occupation", "zip_code"]
        } else {
            &["user_id", "age", "gender", "occupation", "zip_code"]
        }
    }
    fn columns(&self) -> Columns {
        USERS_COLUMNS
    }
    fn push(&mut self, f: &[&str], out: &mut BatchBuilder) -> Result<(), Reject> {
        let id = int_in("user_id", f[0], IDS)? as u32;
        let (gender, age, occupation) = if self.ml1m { (f[1], f[2], f[3]) } else { (f[2], f[1], f[3]) };
        let age = int_in("age", age, 1..=120)? as i32;
        if !matches!(gender, "M" | "F") {
            return Err(Reject::invalid("gender", gender, "is not M or F"));
        }
        let occupation = if self.ml1m {
            let code = int_in("occupation", occupation, 0..=20)? as usize;
            OCCUPATIONS_1M[code]
        } else {
            required("occupation", Some(occupation))?
        };
        if !self.ids.insert(id) {
            return Err(Reject::duplicate(format_args!("user {id}")));
        }
        out.i32(0, Some(id as i32));
        out.i32(1, Some(age));
        out.str(2, Some(gender));
        out.str(3, Some(occupation));
        out.str(4, Some(f[4]).filter(|z| !z.is_empty()));
        out.end_row();
        Ok(())
    }
    fn into_keys(self: Box<Self>) -> KeyReport {
        KeyReport { defines: Some((KeySpace::MlUser, self.ids)), references: Vec::new() }
    }
}

// ---------------------------------------------------------------- tags (latest)

struct Tags {
    movies: Reference,
}

impl Default for Tags {
    fn default() -> Self {
        Self { movies: Reference::new("movie_id", KeySpace::MlMovie) }
    }
}

impl RowParser for Tags {
    fn table(&self) -> &'static str {
        tables::ML_TAGS
    }
    fn header(&self) -> &'static [&'static str] {
        &["userId", "movieId", "tag", "timestamp"]
    }
    fn columns(&self) -> Columns {
        &[(c::USER_ID, Kind::I32), (c::MOVIE_ID, Kind::I32), (c::TAG, Kind::Str), (c::TAGGED_AT, Kind::Timestamp)]
    }
    fn push(&mut self, f: &[&str], out: &mut BatchBuilder) -> Result<(), Reject> {
        let user = int_in("userId", f[0], IDS)? as i32;
        let movie = int_in("movieId", f[1], IDS)? as u32;
        let tag = required("tag", Some(f[2]))?;
        let at = int_in("timestamp", f[3], TIMESTAMPS)?;
        self.movies.ids.insert(movie);
        out.i32(0, Some(user));
        out.i32(1, Some(movie as i32));
        out.str(2, Some(tag));
        out.i64(3, Some(at));
        out.end_row();
        Ok(())
    }
    fn into_keys(self: Box<Self>) -> KeyReport {
        KeyReport { defines: None, references: vec![self.movies] }
    }
}

// ---------------------------------------------------------------- links (latest)

struct Links {
    ids: IdSet,
    movies: Reference,
    tmdb: Reference,
}

impl Default for Links {
    fn default() -> Self {
        Self {
            ids: IdSet::default(),
            movies: Reference::new("movie_id", KeySpace::MlMovie),
            tmdb: Reference::new("tmdb_id", KeySpace::TmdbMovie),
        }
    }
}

impl RowParser for Links {
    fn table(&self) -> &'static str {
        tables::LINKS
    }
    fn header(&self) -> &'static [&'static str] {
        &["movieId", "imdbId", "tmdbId"]
    }
    fn columns(&self) -> Columns {
        &[(c::MOVIE_ID, Kind::I32), (c::IMDB_ID, Kind::Str), (c::TMDB_ID, Kind::I32)]
    }
    fn push(&mut self, f: &[&str], out: &mut BatchBuilder) -> Result<(), Reject> {
        let movie = int_in("movieId", f[0], IDS)? as u32;
        let imdb = match f[1] {
            "" => None,
            digits => Some(
                TitleId::from_digits(digits)
                    .ok_or_else(|| Reject::invalid("imdbId", digits, "is not an IMDb number"))?,
            ),
        };
        let tmdb = match f[2] {
            "" => None,
            n => Some(int_in("tmdbId", n, IDS)? as u32),
        };
        if !self.ids.insert(movie) {
            return Err(Reject::duplicate(format_args!("movie {movie}")));
        }
        self.movies.ids.insert(movie);
        if let Some(t) = tmdb {
            self.tmdb.ids.insert(t);
        }
        out.i32(0, Some(movie as i32));
        out.str(1, imdb.map(|id| id.to_string()).as_deref());
        out.i32(2, tmdb.map(|t| t as i32));
        out.end_row();
        Ok(())
    }
    fn into_keys(self: Box<Self>) -> KeyReport {
        KeyReport { defines: None, references: vec![self.movies, self.tmdb] }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::batch::read;
    use crate::sources::fields::RejectKind;

    fn push(parser: &mut dyn RowParser, fields: &[&str]) -> Result<(), Reject> {
        let mut out = BatchBuilder::new(parser.columns(), 4);
        parser.push(fields, &mut out)
    }

    #[test]
    fn years_come_from_the_end_of_titles() {
        assert_eq!(title_year("Toy Story (1995)"), Some(1995));
        assert_eq!(title_year("Babylon 5"), None);
        assert_eq!(title_year("Nocturnal Animals (2016) "), Some(2016));
        assert_eq!(title_year("Fawlty Towers (1975-1979)"), Some(1975));
    }

    #[test]
    fn half_star_ratings_are_valid_only_in_the_latest_layout() {
        let mut latest = Ratings::new(RatingsFormat::Latest);
        push(&mut latest, &["1", "1", "3.5", "964982703"]).unwrap();
        let mut old = Ratings::new(RatingsFormat::Ml100k);
        assert_eq!(push(&mut old, &["1", "1", "3.5", "964982703"]).unwrap_err().kind, RejectKind::InvalidNumber);
        assert_eq!(push(&mut old, &["1", "1", "6", "964982703"]).unwrap_err().kind, RejectKind::OutOfRange);
    }

    #[test]
    fn a_user_rating_a_movie_twice_is_a_duplicate() {
        let mut p = Ratings::new(RatingsFormat::Ml100k);
        push(&mut p, &["196", "242", "3", "881250949"]).unwrap();
        push(&mut p, &["186", "302", "3", "891717742"]).unwrap();
        assert_eq!(push(&mut p, &["196", "242", "5", "881250950"]).unwrap_err().kind, RejectKind::DuplicateKey);
    }

    #[test]
    fn u_item_flags_become_genre_lists() {
        let mut p = Movies::new(MoviesFormat::Ml100k);
        let mut fields =
            vec!["1", "Toy Story (1995)", "01-Jan-1995", "", "http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)"];
        let flags = ["0", "0", "0", "1", "1", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"];
        fields.extend(flags);
        let mut out = BatchBuilder::new(p.columns(), 4);
        p.push(&fields, &mut out).unwrap();
        let batch = out.take().unwrap();
        assert_eq!(read::list_at(&batch, c::GENRES, 0), ["Animation", "Children's", "Comedy"]);
        assert_eq!(read::i32_at(&batch, c::YEAR, 0), Some(1995));
    }

    #[test]
    fn links_map_imdb_digits_to_title_ids_and_allow_missing_tmdb() {
        let mut p = Links::default();
        let mut out = BatchBuilder::new(p.columns(), 4);
        p.push(&["1", "0114709", "862"], &mut out).unwrap();
        p.push(&["2", "0113497", ""], &mut out).unwrap();
        let batch = out.take().unwrap();
        assert_eq!(read::str_at(&batch, c::IMDB_ID, 0), Some("tt0114709".to_string()));
        assert_eq!(read::null_count(&batch, c::TMDB_ID), 1);
    }

    #[test]
    fn users_of_both_layouts_share_one_schema() {
        let mut p100k = Users::new(false);
        push(&mut p100k, &["1", "24", "M", "technician", "85711"]).unwrap();
        let mut p1m = Users::new(true);
        push(&mut p1m, &["1", "F", "1", "10", "48067"]).unwrap();
        assert_eq!(push(&mut p1m, &["2", "X", "56", "16", "70072"]).unwrap_err().kind, RejectKind::InvalidValue);
    }
}
