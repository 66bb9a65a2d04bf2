//! Word lists the generator draws from: languages, countries, genres, occupations, names, title words with their translations, keywords and companies.

/// Languages titles are written in; each film's country decides its original language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    Fr,
    Es,
    De,
    It,
    Pt,
    Ja,
    Zh,
    Ko,
    Hi,
}

impl Lang {
    /// ISO 639-1 code, as used in TMDB `original_language` and IMDb akas `language`.
    pub fn iso(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::De => "de",
            Lang::It => "it",
            Lang::Pt => "pt",
            Lang::Ja => "ja",
            Lang::Zh => "zh",
            Lang::Ko => "ko",
            Lang::Hi => "hi",
        }
    }

    /// Name in the language itself, as TMDB's `spoken_languages` writes it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::Es => "Español",
            Lang::De => "Deutsch",
            Lang::It => "Italiano",
            Lang::Pt => "Português",
            Lang::Ja => "日本語",
            Lang::Zh => "普通话",
            Lang::Ko => "한국어/조선말",
            Lang::Hi => "हिन्दी",
        }
    }

    /// Whether titles in this language are CJK script (no spaces, no case).
    pub fn is_cjk(self) -> bool {
        matches!(self, Lang::Ja | Lang::Zh | Lang::Ko)
    }
}

/// A production country: ISO code, TMDB's English name, share of titles, language.
pub(crate) struct Country {
    pub iso: &'static str,
    pub name: &'static str,
    pub weight: f64,
    pub lang: Lang,
}

pub(crate) const COUNTRIES: &[Country] = &[
    Country { iso: "US", name: "United States of America", weight: 33.0, lang: Lang::En },
    Country { iso: "GB", name: "United Kingdom", weight: 7.0, lang: Lang::En },
    Country { iso: "FR", name: "France", weight: 6.0, lang: Lang::Fr },
    Country { iso: "IN", name: "India", weight: 6.0, lang: Lang::Hi },
    Country { iso: "JP", name: "Japan", weight: 5.0, lang: Lang::Ja },
    Country { iso: "DE", name: "Germany", weight: 4.5, lang: Lang::De },
    Country { iso: "IT", name: "Italy", weight: 3.5, lang: Lang::It },
    Country { iso: "ES", name: "Spain", weight: 3.5, lang: Lang::Es },
    Country { iso: "CA", name: "Canada", weight: 3.5, lang: Lang::En },
    Country { iso: "KR", name: "South Korea", weight: 2.0, lang: Lang::Ko },
    Country { iso: "CN", name: "China", weight: 2.0, lang: Lang::Zh },
    Country { iso: "BR", name: "Brazil", weight: 2.5, lang: Lang::Pt },
    Country { iso: "MX", name: "Mexico", weight: 2.0, lang: Lang::Es },
    Country { iso: "AU", name: "Australia", weight: 2.0, lang: Lang::En },
    Country { iso: "AR", name: "Argentina", weight: 1.0, lang: Lang::Es },
    Country { iso: "HK", name: "Hong Kong", weight: 1.0, lang: Lang::Zh },
    Country { iso: "BE", name: "Belgium", weight: 0.8, lang: Lang::Fr },
    Country { iso: "PT", name: "Portugal", weight: 0.5, lang: Lang::Pt },
    Country { iso: "CH", name: "Switzerland", weight: 0.5, lang: Lang::De },
    Country { iso: "AT", name: "Austria", weight: 0.5, lang: Lang::De },
    Country { iso: "IE", name: "Ireland", weight: 0.5, lang: Lang::En },
    Country { iso: "NZ", name: "New Zealand", weight: 0.4, lang: Lang::En },
    Country { iso: "TW", name: "Taiwan", weight: 0.4, lang: Lang::Zh },
];

/// Country index of a few fixed regions used for akas.
pub(crate) const REGION_US: usize = 0;
pub(crate) const REGION_FR: usize = 2;

/// The 28 IMDb genres, alphabetical like the dump writes them, so a bitmask prints sorted.
pub(crate) const IMDB_GENRES: [&str; 28] = [
    "Action",
    "Adult",
    "Adventure",
    "Animation",
    "Biography",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Family",
    "Fantasy",
    "Film-Noir",
    "Game-Show",
    "History",
    "Horror",
    "Music",
    "Musical",
    "Mystery",
    "News",
    "Reality-TV",
    "Romance",
    "Sci-Fi",
    "Short",
    "Sport",
    "Talk-Show",
    "Thriller",
    "War",
    "Western",
];

/// Index of each genre in [`IMDB_GENRES`] (the full list, whether or not the generator names it).
#[allow(dead_code)]
pub(crate) mod g {
    pub const ACTION: usize = 0;
    pub const ADULT: usize = 1;
    pub const ADVENTURE: usize = 2;
    pub const ANIMATION: usize = 3;
    pub const BIOGRAPHY: usize = 4;
    pub const COMEDY: usize = 5;
    pub const CRIME: usize = 6;
    pub const DOCUMENTARY: usize = 7;
    pub const DRAMA: usize = 8;
    pub const FAMILY: usize = 9;
    pub const FANTASY: usize = 10;
    pub const FILM_NOIR: usize = 11;
    pub const GAME_SHOW: usize = 12;
    pub const HISTORY: usize = 13;
    pub const HORROR: usize = 14;
    pub const MUSIC: usize = 15;
    pub const MUSICAL: usize = 16;
    pub const MYSTERY: usize = 17;
    pub const NEWS: usize = 18;
    pub const REALITY_TV: usize = 19;
    pub const ROMANCE: usize = 20;
    pub const SCI_FI: usize = 21;
    pub const SHORT: usize = 22;
    pub const SPORT: usize = 23;
    pub const TALK_SHOW: usize = 24;
    pub const THRILLER: usize = 25;
    pub const WAR: usize = 26;
    pub const WESTERN: usize = 27;
}

/// Effect of each genre on IMDb's averageRating (documentaries and dramas rate high, horror low).
pub(crate) const GENRE_RATING_EFFECT: [f64; 28] = [
    -0.15, -0.5, 0.0, 0.25, 0.35, -0.1, 0.05, 0.75, 0.3, -0.1, -0.05, 0.35, -0.3, 0.3, -0.9, 0.25, 0.0,
    0.0, 0.1, -1.0, 0.0, -0.2, 0.1, 0.2, -0.2, -0.25, 0.2, 0.0,
];

/// Base weights of genres for feature-like titles (Adult, Short and TV-only genres are added by kind).
pub(crate) const FILM_GENRE_WEIGHTS: [f64; 28] = [
    10.0, 0.0, 6.0, 3.0, 3.0, 30.0, 10.0, 12.0, 45.0, 4.0, 4.0, 0.6, 0.0, 3.0, 8.0, 3.0, 2.0, 5.0, 0.4,
    0.0, 10.0, 3.0, 0.0, 2.0, 0.0, 10.0, 2.0, 2.0,
];

/// u.genre, in file order (the genre flags of u.item follow it).
pub(crate) const ML_GENRES_100K: [&str; 19] = [
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

/// MovieLens genre (index into [`ML_GENRES_100K`]) for each IMDb genre, if any.
pub(crate) const IMDB_TO_ML: [Option<usize>; 28] = [
    Some(1),
    None,
    Some(2),
    Some(3),
    None,
    Some(5),
    Some(6),
    Some(7),
    Some(8),
    Some(4),
    Some(9),
    Some(10),
    None,
    None,
    Some(11),
    Some(12),
    Some(12),
    Some(13),
    None,
    None,
    Some(14),
    Some(15),
    None,
    None,
    None,
    Some(16),
    Some(17),
    Some(18),
];

/// Name of a MovieLens genre in the latest CSV layout ("Children", not "Children's").
pub(crate) fn ml_latest_genre(ml: usize) -> &'static str {
    if ml == 4 { "Children" } else { ML_GENRES_100K[ml] }
}

/// u.occupation, in file order, with the share of users in ml-100k.
pub(crate) const ML_OCCUPATIONS: [(&str, f64); 21] = [
    ("administrator", 79.0),
    ("artist", 28.0),
    ("doctor", 7.0),
    ("educator", 95.0),
    ("engineer", 67.0),
    ("entertainment", 18.0),
    ("executive", 32.0),
    ("healthcare", 16.0),
    ("homemaker", 7.0),
    ("lawyer", 12.0),
    ("librarian", 51.0),
    ("marketing", 26.0),
    ("none", 9.0),
    ("other", 105.0),
    ("programmer", 66.0),
    ("retired", 14.0),
    ("salesman", 12.0),
    ("scientist", 31.0),
    ("student", 196.0),
    ("technician", 27.0),
    ("writer", 45.0),
];

/// TMDB genre (id, name) for each IMDb genre, if any.
pub(crate) const IMDB_TO_TMDB: [Option<(u32, &str)>; 28] = [
    Some((28, "Action")),
    None,
    Some((12, "Adventure")),
    Some((16, "Animation")),
    Some((36, "History")),
    Some((35, "Comedy")),
    Some((80, "Crime")),
    Some((99, "Documentary")),
    Some((18, "Drama")),
    Some((10751, "Family")),
    Some((14, "Fantasy")),
    Some((80, "Crime")),
    None,
    Some((36, "History")),
    Some((27, "Horror")),
    Some((10402, "Music")),
    Some((10402, "Music")),
    Some((9648, "Mystery")),
    None,
    None,
    Some((10749, "Romance")),
    Some((878, "Science Fiction")),
    None,
    None,
    None,
    Some((53, "Thriller")),
    Some((10752, "War")),
    Some((37, "Western")),
];

/// A noun with its translations. French, Spanish, Italian and Portuguese carry gender
/// (`true` = feminine) so articles agree; German carries gender (0 m, 1 f, 2 n) and genitive.
pub(crate) struct Noun {
    pub en: &'static str,
    pub fr: &'static str,
    pub fr_f: bool,
    pub es: &'static str,
    pub es_f: bool,
    pub it: &'static str,
    pub it_f: bool,
    pub pt: &'static str,
    pub pt_f: bool,
    pub de: &'static str,
    pub de_g: u8,
    pub de_gen: &'static str,
    pub ja: &'static str,
    pub zh: &'static str,
    pub ko: &'static str,
    pub hi: &'static str,
}

macro_rules! noun {
    ($en:expr, $fr:expr, $frf:expr, $es:expr, $esf:expr, $it:expr, $itf:expr, $pt:expr, $ptf:expr,
     $de:expr, $deg:expr, $degen:expr, $ja:expr, $zh:expr, $ko:expr, $hi:expr) => {
        Noun {
            en: $en,
            fr: $fr,
            fr_f: $frf,
            es: $es,
            es_f: $esf,
            it: $it,
            it_f: $itf,
            pt: $pt,
            pt_f: $ptf,
            de: $de,
            de_g: $deg,
            de_gen: $degen,
            ja: $ja,
            zh: $zh,
            ko: $ko,
            hi: $hi,
        }
    };
}

const F: bool = true;
const M: bool = false;

#[rustfmt::skip]
pub(crate) const NOUNS: &[Noun] = &[
    noun!("Night", "nuit", F, "noche", F, "notte", F, "noite", F, "Nacht", 1, "Nacht", "夜", "夜晚", "밤", "Raat"),
    noun!("Sea", "mer", F, "mar", M, "mare", M, "mar", M, "Meer", 2, "Meeres", "海", "大海", "바다", "Samundar"),
    noun!("Dream", "rêve", M, "sueño", M, "sogno", M, "sonho", M, "Traum", 0, "Traums", "夢", "梦", "꿈", "Sapna"),
    noun!("Love", "amour", M, "amor", M, "amore", M, "amor", M, "Liebe", 1, "Liebe", "愛", "爱", "사랑", "Pyaar"),
    noun!("Shadow", "ombre", F, "sombra", F, "ombra", F, "sombra", F, "Schatten", 0, "Schattens", "影", "影子", "그림자", "Saaya"),
    noun!("Flower", "fleur", F, "flor", F, "fiore", M, "flor", F, "Blume", 1, "Blume", "花", "花", "꽃", "Phool"),
    noun!("Wind", "vent", M, "viento", M, "vento", M, "vento", M, "Wind", 0, "Windes", "風", "风", "바람", "Hawa"),
    noun!("Rain", "pluie", F, "lluvia", F, "pioggia", F, "chuva", F, "Regen", 0, "Regens", "雨", "雨", "비", "Baarish"),
    noun!("Sky", "ciel", M, "cielo", M, "cielo", M, "céu", M, "Himmel", 0, "Himmels", "空", "天空", "하늘", "Aasmaan"),
    noun!("Moon", "lune", F, "luna", F, "luna", F, "lua", F, "Mond", 0, "Mondes", "月", "月亮", "달", "Chand"),
    noun!("Star", "étoile", F, "estrella", F, "stella", F, "estrela", F, "Stern", 0, "Sterns", "星", "星星", "별", "Sitara"),
    noun!("Voice", "voix", F, "voz", F, "voce", F, "voz", F, "Stimme", 1, "Stimme", "声", "声音", "목소리", "Awaaz"),
    noun!("Heart", "cœur", M, "corazón", M, "cuore", M, "coração", M, "Herz", 2, "Herzens", "心", "心", "마음", "Dil"),
    noun!("Road", "route", F, "camino", M, "strada", F, "estrada", F, "Straße", 1, "Straße", "道", "路", "길", "Raasta"),
    noun!("House", "maison", F, "casa", F, "casa", F, "casa", F, "Haus", 2, "Hauses", "家", "房子", "집", "Ghar"),
    noun!("River", "rivière", F, "río", M, "fiume", M, "rio", M, "Fluss", 0, "Flusses", "川", "河", "강", "Nadi"),
    noun!("Mountain", "montagne", F, "montaña", F, "montagna", F, "montanha", F, "Berg", 0, "Berges", "山", "山", "산", "Pahaad"),
    noun!("Snow", "neige", F, "nieve", F, "neve", F, "neve", F, "Schnee", 0, "Schnees", "雪", "雪", "눈", "Barf"),
    noun!("Fire", "feu", M, "fuego", M, "fuoco", M, "fogo", M, "Feuer", 2, "Feuers", "火", "火", "불", "Aag"),
    noun!("Light", "lumière", F, "luz", F, "luce", F, "luz", F, "Licht", 2, "Lichts", "光", "光", "빛", "Roshni"),
    noun!("City", "ville", F, "ciudad", F, "città", F, "cidade", F, "Stadt", 1, "Stadt", "街", "城市", "도시", "Shehar"),
    noun!("Spring", "printemps", M, "primavera", F, "primavera", F, "primavera", F, "Frühling", 0, "Frühlings", "春", "春天", "봄", "Basant"),
    noun!("Summer", "été", M, "verano", M, "estate", F, "verão", M, "Sommer", 0, "Sommers", "夏", "夏天", "여름", "Garmi"),
    noun!("Winter", "hiver", M, "invierno", M, "inverno", M, "inverno", M, "Winter", 0, "Winters", "冬", "冬天", "겨울", "Sardi"),
    noun!("Autumn", "automne", M, "otoño", M, "autunno", M, "outono", M, "Herbst", 0, "Herbstes", "秋", "秋天", "가을", "Patjhad"),
    noun!("Cat", "chat", M, "gato", M, "gatto", M, "gato", M, "Katze", 1, "Katze", "猫", "猫", "고양이", "Billi"),
    noun!("Dog", "chien", M, "perro", M, "cane", M, "cão", M, "Hund", 0, "Hundes", "犬", "狗", "개", "Kutta"),
    noun!("Girl", "fille", F, "niña", F, "ragazza", F, "menina", F, "Mädchen", 2, "Mädchens", "少女", "女孩", "소녀", "Ladki"),
    noun!("Boy", "garçon", M, "niño", M, "ragazzo", M, "menino", M, "Junge", 0, "Jungen", "少年", "男孩", "소년", "Ladka"),
    noun!("Sword", "épée", F, "espada", F, "spada", F, "espada", F, "Schwert", 2, "Schwertes", "剣", "剑", "칼", "Talwar"),
    noun!("Time", "temps", M, "tiempo", M, "tempo", M, "tempo", M, "Zeit", 1, "Zeit", "時間", "时间", "시간", "Waqt"),
    noun!("King", "roi", M, "rey", M, "re", M, "rei", M, "König", 0, "Königs", "王", "国王", "왕", "Raja"),
    noun!("Queen", "reine", F, "reina", F, "regina", F, "rainha", F, "Königin", 1, "Königin", "女王", "女王", "여왕", "Rani"),
    noun!("War", "guerre", F, "guerra", F, "guerra", F, "guerra", F, "Krieg", 0, "Krieges", "戦争", "战争", "전쟁", "Jung"),
    noun!("Blood", "sang", M, "sangre", F, "sangue", M, "sangue", M, "Blut", 2, "Blutes", "血", "血", "피", "Khoon"),
    noun!("Gold", "or", M, "oro", M, "oro", M, "ouro", M, "Gold", 2, "Goldes", "金", "黄金", "금", "Sona"),
    noun!("Silence", "silence", M, "silencio", M, "silenzio", M, "silêncio", M, "Stille", 1, "Stille", "沈黙", "沉默", "침묵", "Khamoshi"),
    noun!("Secret", "secret", M, "secreto", M, "segreto", M, "segredo", M, "Geheimnis", 2, "Geheimnisses", "秘密", "秘密", "비밀", "Raaz"),
    noun!("Garden", "jardin", M, "jardín", M, "giardino", M, "jardim", M, "Garten", 0, "Gartens", "庭", "花园", "정원", "Bagicha"),
    noun!("Island", "île", F, "isla", F, "isola", F, "ilha", F, "Insel", 1, "Insel", "島", "岛", "섬", "Dweep"),
    noun!("Train", "train", M, "tren", M, "treno", M, "trem", M, "Zug", 0, "Zuges", "列車", "火车", "기차", "Rail"),
    noun!("Mirror", "miroir", M, "espejo", M, "specchio", M, "espelho", M, "Spiegel", 0, "Spiegels", "鏡", "镜子", "거울", "Aaina"),
    noun!("Angel", "ange", M, "ángel", M, "angelo", M, "anjo", M, "Engel", 0, "Engels", "天使", "天使", "천사", "Farishta"),
    noun!("Devil", "diable", M, "diablo", M, "diavolo", M, "diabo", M, "Teufel", 0, "Teufels", "悪魔", "魔鬼", "악마", "Shaitan"),
    noun!("Ghost", "fantôme", M, "fantasma", M, "fantasma", M, "fantasma", M, "Geist", 0, "Geistes", "幽霊", "幽灵", "유령", "Bhoot"),
    noun!("Wolf", "loup", M, "lobo", M, "lupo", M, "lobo", M, "Wolf", 0, "Wolfes", "狼", "狼", "늑대", "Bhediya"),
    noun!("Bird", "oiseau", M, "pájaro", M, "uccello", M, "pássaro", M, "Vogel", 0, "Vogels", "鳥", "鸟", "새", "Panchhi"),
    noun!("Horse", "cheval", M, "caballo", M, "cavallo", M, "cavalo", M, "Pferd", 2, "Pferdes", "馬", "马", "말", "Ghoda"),
    noun!("Forest", "forêt", F, "bosque", M, "foresta", F, "floresta", F, "Wald", 0, "Waldes", "森", "森林", "숲", "Jungle"),
    noun!("Storm", "tempête", F, "tormenta", F, "tempesta", F, "tempestade", F, "Sturm", 0, "Sturmes", "嵐", "风暴", "폭풍", "Toofan"),
    noun!("Ice", "glace", F, "hielo", M, "ghiaccio", M, "gelo", M, "Eis", 2, "Eises", "氷", "冰", "얼음", "Baraf"),
    noun!("Sun", "soleil", M, "sol", M, "sole", M, "sol", M, "Sonne", 1, "Sonne", "太陽", "太阳", "태양", "Suraj"),
    noun!("Death", "mort", F, "muerte", F, "morte", F, "morte", F, "Tod", 0, "Todes", "死", "死亡", "죽음", "Maut"),
    noun!("Life", "vie", F, "vida", F, "vita", F, "vida", F, "Leben", 2, "Lebens", "命", "生命", "삶", "Zindagi"),
    noun!("Memory", "mémoire", F, "memoria", F, "memoria", F, "memória", F, "Erinnerung", 1, "Erinnerung", "記憶", "记忆", "기억", "Yaad"),
    noun!("Truth", "vérité", F, "verdad", F, "verità", F, "verdade", F, "Wahrheit", 1, "Wahrheit", "真実", "真相", "진실", "Sach"),
    noun!("Game", "jeu", M, "juego", M, "gioco", M, "jogo", M, "Spiel", 2, "Spiels", "遊戯", "游戏", "게임", "Khel"),
    noun!("Door", "porte", F, "puerta", F, "porta", F, "porta", F, "Tür", 1, "Tür", "扉", "门", "문", "Darwaza"),
    noun!("Family", "famille", F, "familia", F, "famiglia", F, "família", F, "Familie", 1, "Familie", "家族", "家庭", "가족", "Parivaar"),
    noun!("Brother", "frère", M, "hermano", M, "fratello", M, "irmão", M, "Bruder", 0, "Bruders", "兄", "兄弟", "형제", "Bhai"),
    noun!("Sister", "sœur", F, "hermana", F, "sorella", F, "irmã", F, "Schwester", 1, "Schwester", "妹", "姐妹", "자매", "Behen"),
    noun!("Father", "père", M, "padre", M, "padre", M, "pai", M, "Vater", 0, "Vaters", "父", "父亲", "아버지", "Pita"),
    noun!("Mother", "mère", F, "madre", F, "madre", F, "mãe", F, "Mutter", 1, "Mutter", "母", "母亲", "어머니", "Maa"),
    noun!("Child", "enfant", M, "hijo", M, "figlio", M, "filho", M, "Kind", 2, "Kindes", "子供", "孩子", "아이", "Baccha"),
    noun!("Friend", "ami", M, "amigo", M, "amico", M, "amigo", M, "Freund", 0, "Freundes", "友達", "朋友", "친구", "Dost"),
    noun!("Stranger", "étranger", M, "extraño", M, "straniero", M, "estranho", M, "Fremde", 0, "Fremden", "他人", "陌生人", "이방인", "Ajnabi"),
    noun!("Soldier", "soldat", M, "soldado", M, "soldato", M, "soldado", M, "Soldat", 0, "Soldaten", "兵士", "士兵", "군인", "Sipahi"),
    noun!("Doctor", "docteur", M, "médico", M, "dottore", M, "médico", M, "Arzt", 0, "Arztes", "医者", "医生", "의사", "Doctor"),
    noun!("Witness", "témoin", M, "testigo", M, "testimone", M, "testemunha", F, "Zeuge", 0, "Zeugen", "証人", "证人", "증인", "Gawah"),
    noun!("Thief", "voleur", M, "ladrón", M, "ladro", M, "ladrão", M, "Dieb", 0, "Diebes", "泥棒", "小偷", "도둑", "Chor"),
    noun!("Hunter", "chasseur", M, "cazador", M, "cacciatore", M, "caçador", M, "Jäger", 0, "Jägers", "狩人", "猎人", "사냥꾼", "Shikari"),
    noun!("Promise", "promesse", F, "promesa", F, "promessa", F, "promessa", F, "Versprechen", 2, "Versprechens", "約束", "承诺", "약속", "Vaada"),
    noun!("Journey", "voyage", M, "viaje", M, "viaggio", M, "viagem", F, "Reise", 1, "Reise", "旅", "旅程", "여행", "Safar"),
    noun!("Dance", "danse", F, "baile", M, "danza", F, "dança", F, "Tanz", 0, "Tanzes", "舞", "舞蹈", "춤", "Naach"),
    noun!("Kiss", "baiser", M, "beso", M, "bacio", M, "beijo", M, "Kuss", 0, "Kusses", "接吻", "吻", "키스", "Chumban"),
    noun!("Letter", "lettre", F, "carta", F, "lettera", F, "carta", F, "Brief", 0, "Briefes", "手紙", "信", "편지", "Khat"),
    noun!("Bridge", "pont", M, "puente", M, "ponte", M, "ponte", F, "Brücke", 1, "Brücke", "橋", "桥", "다리", "Pul"),
    noun!("Hotel", "hôtel", M, "hotel", M, "albergo", M, "hotel", M, "Hotel", 2, "Hotels", "ホテル", "酒店", "호텔", "Hotel"),
    noun!("Ship", "navire", M, "barco", M, "nave", F, "navio", M, "Schiff", 2, "Schiffes", "船", "船", "배", "Jahaaz"),
    noun!("Revenge", "vengeance", F, "venganza", F, "vendetta", F, "vingança", F, "Rache", 1, "Rache", "復讐", "复仇", "복수", "Badla"),
];

/// An adjective: English, French masculine and feminine, and whether French puts it first.
pub(crate) struct Adj {
    pub en: &'static str,
    pub fr_m: &'static str,
    pub fr_f: &'static str,
    pub fr_before: bool,
}

macro_rules! adj {
    ($en:expr, $m:expr, $f:expr, $b:expr) => {
        Adj { en: $en, fr_m: $m, fr_f: $f, fr_before: $b }
    };
}

pub(crate) const ADJS: &[Adj] = &[
    adj!("Dark", "sombre", "sombre", false),
    adj!("Last", "dernier", "dernière", true),
    adj!("Lost", "perdu", "perdue", false),
    adj!("Red", "rouge", "rouge", false),
    adj!("Black", "noir", "noire", false),
    adj!("White", "blanc", "blanche", false),
    adj!("Silent", "silencieux", "silencieuse", false),
    adj!("Great", "grand", "grande", true),
    adj!("Little", "petit", "petite", true),
    adj!("First", "premier", "première", true),
    adj!("Golden", "doré", "dorée", false),
    adj!("Broken", "brisé", "brisée", false),
    adj!("Wild", "sauvage", "sauvage", false),
    adj!("Cold", "froid", "froide", false),
    adj!("Hidden", "caché", "cachée", false),
    adj!("Eternal", "éternel", "éternelle", false),
    adj!("Strange", "étrange", "étrange", false),
    adj!("Young", "jeune", "jeune", true),
    adj!("Blue", "bleu", "bleue", false),
    adj!("Deadly", "mortel", "mortelle", false),
    adj!("Forbidden", "interdit", "interdite", false),
    adj!("Sweet", "doux", "douce", false),
    adj!("Bitter", "amer", "amère", false),
    adj!("Invisible", "invisible", "invisible", false),
    adj!("Burning", "ardent", "ardente", false),
    adj!("Endless", "infini", "infinie", false),
    adj!("Long", "long", "longue", true),
    adj!("Perfect", "parfait", "parfaite", false),
];

/// Cities used in titles: en, fr, es, de, it, pt, ja, zh, ko.
pub(crate) const CITIES: &[[&str; 9]] = &[
    ["Paris", "Paris", "París", "Paris", "Parigi", "Paris", "パリ", "巴黎", "파리"],
    ["London", "Londres", "Londres", "London", "Londra", "Londres", "ロンドン", "伦敦", "런던"],
    ["Tokyo", "Tokyo", "Tokio", "Tokio", "Tokyo", "Tóquio", "東京", "东京", "도쿄"],
    ["Rome", "Rome", "Roma", "Rom", "Roma", "Roma", "ローマ", "罗马", "로마"],
    ["Berlin", "Berlin", "Berlín", "Berlin", "Berlino", "Berlim", "ベルリン", "柏林", "베를린"],
    ["New York", "New York", "Nueva York", "New York", "New York", "Nova Iorque", "ニューヨーク", "纽约", "뉴욕"],
    ["Madrid", "Madrid", "Madrid", "Madrid", "Madrid", "Madrid", "マドリード", "马德里", "마드리드"],
    ["Mumbai", "Bombay", "Bombay", "Mumbai", "Mumbai", "Mumbai", "ムンバイ", "孟买", "뭄바이"],
    ["Seoul", "Séoul", "Seúl", "Seoul", "Seul", "Seul", "ソウル", "首尔", "서울"],
    ["Shanghai", "Shanghai", "Shanghái", "Shanghai", "Shanghai", "Xangai", "上海", "上海", "상하이"],
    ["Venice", "Venise", "Venecia", "Venedig", "Venezia", "Veneza", "ヴェネツィア", "威尼斯", "베네치아"],
    ["Lisbon", "Lisbonne", "Lisboa", "Lissabon", "Lisbona", "Lisboa", "リスボン", "里斯本", "리스본"],
    ["Vienna", "Vienne", "Viena", "Wien", "Vienna", "Viena", "ウィーン", "维也纳", "빈"],
    ["Havana", "La Havane", "La Habana", "Havanna", "L'Avana", "Havana", "ハバナ", "哈瓦那", "아바나"],
    ["Montreal", "Montréal", "Montreal", "Montreal", "Montréal", "Montreal", "モントリオール", "蒙特利尔", "몬트리올"],
    ["Marseille", "Marseille", "Marsella", "Marseille", "Marsiglia", "Marselha", "マルセイユ", "马赛", "마르세유"],
    ["Zurich", "Zurich", "Zúrich", "Zürich", "Zurigo", "Zurique", "チューリッヒ", "苏黎世", "취리히"],
    ["São Paulo", "São Paulo", "São Paulo", "São Paulo", "San Paolo", "São Paulo", "サンパウロ", "圣保罗", "상파울루"],
    ["Istanbul", "Istanbul", "Estambul", "Istanbul", "Istanbul", "Istambul", "イスタンブール", "伊斯坦布尔", "이스탄불"],
    ["Krakow", "Cracovie", "Cracovia", "Krakau", "Cracovia", "Cracóvia", "クラクフ", "克拉科夫", "크라쿠프"],
];

/// "Episode" in each language, for the default `Episode #s.e` titles.
pub(crate) fn episode_word(lang: Lang) -> &'static str {
    match lang {
        Lang::En | Lang::Hi => "Episode",
        Lang::Fr => "Épisode",
        Lang::Es | Lang::It => "Episodio",
        Lang::De => "Folge",
        Lang::Pt => "Episódio",
        Lang::Ja => "エピソード",
        Lang::Zh => "第",
        Lang::Ko => "에피소드",
    }
}

/// Given names (male, female) and family names per language/culture.
pub(crate) struct NameSet {
    pub male: &'static [&'static str],
    pub female: &'static [&'static str],
    pub family: &'static [&'static str],
    /// Family name first (Chinese usage on IMDb).
    pub family_first: bool,
}

pub(crate) fn names(lang: Lang) -> &'static NameSet {
    match lang {
        Lang::En => &EN_NAMES,
        Lang::Fr => &FR_NAMES,
        Lang::Es => &ES_NAMES,
        Lang::De => &DE_NAMES,
        Lang::It => &IT_NAMES,
        Lang::Pt => &PT_NAMES,
        Lang::Ja => &JA_NAMES,
        Lang::Zh => &ZH_NAMES,
        Lang::Ko => &KO_NAMES,
        Lang::Hi => &HI_NAMES,
    }
}

static EN_NAMES: NameSet = NameSet {
    male: &[
        "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles",
        "Daniel", "Matthew", "George", "Paul", "Mark", "Steven", "Andrew", "Kevin", "Brian", "Edward",
        "Ryan", "Jack", "Harry", "Oliver", "Samuel", "Peter", "Frank", "Henry", "Walter", "Arthur",
    ],
    female: &[
        "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
        "Emily", "Emma", "Olivia", "Grace", "Alice", "Helen", "Margaret", "Ruth", "Anna", "Laura", "Rachel",
        "Kate", "Julia", "Claire", "Lucy", "Diane", "Joan", "Amy", "Nancy", "Rose",
    ],
    family: &[
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
        "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis",
        "Walker", "Hall", "Allen", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson",
        "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Parker",
        "O'Brien", "O'Connor", "Murphy", "Kelly", "Cooper", "Reed", "Bailey", "Bell", "Ward", "Cox",
    ],
    family_first: false,
};

static FR_NAMES: NameSet = NameSet {
    male: &[
        "Jean", "Pierre", "Michel", "André", "Philippe", "François", "Jacques", "Louis", "Bernard", "Alain",
        "Gérard", "Claude", "Étienne", "Julien", "Mathieu", "Nicolas", "Antoine", "Guillaume", "Olivier",
        "Thierry", "Benoît", "Rémi", "Hugo", "Théo", "Yves", "Raphaël",
    ],
    female: &[
        "Marie", "Jeanne", "Françoise", "Monique", "Catherine", "Nathalie", "Isabelle", "Sylvie", "Sophie",
        "Céline", "Camille", "Juliette", "Amélie", "Hélène", "Chloé", "Léa", "Manon", "Élodie", "Brigitte",
        "Agnès", "Aurélie", "Margaux", "Inès", "Noémie",
    ],
    family: &[
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent",
        "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet",
        "François", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry",
        "Roussel", "Perrin", "Morin", "Clément", "Gauthier", "Dumont", "Fontaine", "Chevalier", "Robin",
        "Béranger", "Deschênes",
    ],
    family_first: false,
};

static ES_NAMES: NameSet = NameSet {
    male: &[
        "José", "Juan", "Carlos", "Luis", "Javier", "Miguel", "Antonio", "Manuel", "Francisco", "Pedro",
        "Alejandro", "Diego", "Pablo", "Sergio", "Andrés", "Jorge", "Raúl", "Iván", "Fernando", "Rubén",
    ],
    female: &[
        "María", "Carmen", "Ana", "Isabel", "Lucía", "Laura", "Marta", "Elena", "Sofía", "Paula", "Cristina",
        "Pilar", "Rocío", "Inés", "Beatriz", "Verónica", "Guadalupe", "Ximena",
    ],
    family: &[
        "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
        "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Álvarez", "Muñoz", "Romero", "Alonso",
        "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano",
        "Blanco", "Suárez", "Molina", "Castro", "Ortiz", "Rubio", "Núñez",
    ],
    family_first: false,
};

static DE_NAMES: NameSet = NameSet {
    male: &[
        "Hans", "Klaus", "Jürgen", "Wolfgang", "Stefan", "Thomas", "Andreas", "Michael", "Peter", "Uwe",
        "Dieter", "Günter", "Matthias", "Jörg", "Lukas", "Felix", "Maximilian", "Florian",
    ],
    female: &[
        "Ursula", "Monika", "Petra", "Sabine", "Renate", "Karin", "Brigitte", "Andrea", "Claudia", "Julia",
        "Anna", "Lena", "Katharina", "Jana", "Hannah", "Lea", "Marlene", "Jutta",
    ],
    family: &[
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
        "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
        "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause",
        "Meier", "Lehmann", "Köhler", "Weiß",
    ],
    family_first: false,
};

static IT_NAMES: NameSet = NameSet {
    male: &[
        "Giuseppe", "Giovanni", "Antonio", "Mario", "Luigi", "Francesco", "Angelo", "Vincenzo", "Pietro",
        "Salvatore", "Carlo", "Franco", "Marco", "Luca", "Alessandro", "Paolo", "Roberto", "Stefano", "Nicolò",
    ],
    female: &[
        "Maria", "Anna", "Giuseppina", "Rosa", "Angela", "Giovanna", "Teresa", "Lucia", "Carmela", "Francesca",
        "Giulia", "Chiara", "Sara", "Elena", "Valentina", "Alessandra", "Federica", "Silvia",
    ],
    family: &[
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
        "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
        "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini",
        "Leone", "Longo", "Gentile", "D'Angelo",
    ],
    family_first: false,
};

static PT_NAMES: NameSet = NameSet {
    male: &[
        "João", "José", "Antônio", "Francisco", "Carlos", "Paulo", "Pedro", "Lucas", "Luiz", "Marcos",
        "Gabriel", "Rafael", "Daniel", "Marcelo", "Bruno", "Eduardo", "Felipe", "Gonçalo",
    ],
    female: &[
        "Maria", "Ana", "Francisca", "Antônia", "Adriana", "Juliana", "Márcia", "Fernanda", "Patrícia",
        "Aline", "Beatriz", "Camila", "Letícia", "Larissa", "Conceição", "Inês",
    ],
    family: &[
        "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
        "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira",
        "Barbosa", "Rocha", "Dias", "Nascimento", "Andrade", "Moreira", "Nunes", "Marques", "Machado",
        "Mendes", "Freitas", "Cardoso", "Araújo", "Gonçalves", "Magalhães",
    ],
    family_first: false,
};

static JA_NAMES: NameSet = NameSet {
    male: &[
        "Hiroshi", "Takashi", "Kenji", "Akira", "Satoshi", "Makoto", "Yuki", "Haruki", "Daisuke", "Kazuo",
        "Takeshi", "Ryo", "Shota", "Kenta", "Yusuke", "Toshiro", "Masaru", "Koji",
    ],
    female: &[
        "Yoko", "Keiko", "Yuko", "Akiko", "Tomoko", "Naoko", "Sachiko", "Yumi", "Aya", "Haruka", "Misaki",
        "Yui", "Rin", "Mei", "Sakura", "Kyoko", "Setsuko", "Emi",
    ],
    family: &[
        "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi",
        "Kato", "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue", "Kimura", "Hayashi",
        "Shimizu", "Yamazaki", "Mori", "Abe", "Ikeda", "Hashimoto", "Ishikawa", "Ogawa", "Kurosawa", "Ozu",
    ],
    family_first: false,
};

static ZH_NAMES: NameSet = NameSet {
    male: &[
        "Wei", "Jun", "Hao", "Lei", "Jie", "Tao", "Ming", "Qiang", "Yong", "Jian", "Bo", "Chen", "Peng", "Long",
        "Gang", "Feng", "Kai", "Yimou",
    ],
    female: &[
        "Li", "Fang", "Na", "Min", "Jing", "Xiu", "Yan", "Hua", "Ying", "Ling", "Mei", "Xia", "Juan", "Lan",
        "Hui", "Qing", "Yun", "Ting",
    ],
    family: &[
        "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu",
        "Hu", "Guo", "He", "Lin", "Gao", "Luo", "Zheng", "Liang", "Xie", "Tang", "Feng", "Deng", "Cao", "Han",
        "Zeng",
    ],
    family_first: true,
};

static KO_NAMES: NameSet = NameSet {
    male: &[
        "Min-jun", "Seo-jun", "Ji-hoon", "Hyun-woo", "Dong-hyun", "Sung-min", "Jae-won", "Tae-yang",
        "Young-ho", "Sang-woo", "Jin-woo", "Kyung-soo",
    ],
    female: &[
        "Seo-yeon", "Ji-woo", "Min-seo", "Ha-eun", "Su-bin", "Ye-jin", "Ji-min", "Hye-jin", "Eun-ji",
        "Yoon-ah", "Soo-ah", "Da-eun",
    ],
    family: &[
        "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo", "Shin",
        "Kwon", "Song", "Bae", "Hwang", "Ahn", "Yoo",
    ],
    family_first: false,
};

static HI_NAMES: NameSet = NameSet {
    male: &[
        "Amit", "Raj", "Rahul", "Vikram", "Arjun", "Sanjay", "Anil", "Sunil", "Rajesh", "Ravi", "Ajay", "Vijay",
        "Aamir", "Salman", "Akshay", "Ranveer", "Varun", "Sunny", "Dev",
    ],
    female: &[
        "Priya", "Pooja", "Anjali", "Neha", "Kavita", "Sunita", "Deepika", "Kareena", "Aishwarya", "Madhuri",
        "Rani", "Kajol", "Sridevi", "Rekha", "Vidya", "Alia", "Shabana", "Tabu",
    ],
    family: &[
        "Sharma", "Verma", "Gupta", "Singh", "Kumar", "Patel", "Shah", "Khan", "Kapoor", "Chopra", "Malhotra",
        "Mehta", "Joshi", "Reddy", "Rao", "Nair", "Iyer", "Menon", "Bose", "Mukherjee", "Banerjee",
        "Chatterjee", "Das", "Desai", "Bhatt", "Agarwal", "Bachchan", "Dutt", "Khanna", "Saxena",
    ],
    family_first: false,
};

/// Professions of crew members who never reach title.principals (art, sound, stunts…).
pub(crate) const CREW_PROFESSIONS: &[&str] = &[
    "miscellaneous",
    "camera_department",
    "art_department",
    "sound_department",
    "editorial_department",
    "visual_effects",
    "animation_department",
    "make_up_department",
    "costume_department",
    "stunts",
    "transportation_department",
    "location_management",
    "script_department",
    "music_department",
    "assistant_director",
    "production_manager",
    "set_decorator",
    "costume_designer",
    "special_effects",
];

/// TMDB crew (department, job) for the crew professions above, same order.
pub(crate) const CREW_TMDB_JOBS: &[(&str, &str)] = &[
    ("Crew", "Additional Crew"),
    ("Camera", "Camera Operator"),
    ("Art", "Art Direction"),
    ("Sound", "Sound Editor"),
    ("Editing", "Assistant Editor"),
    ("Visual Effects", "Visual Effects Supervisor"),
    ("Visual Effects", "Animation"),
    ("Costume & Make-Up", "Makeup Artist"),
    ("Costume & Make-Up", "Costume Supervisor"),
    ("Crew", "Stunts"),
    ("Crew", "Driver"),
    ("Production", "Location Manager"),
    ("Writing", "Script Supervisor"),
    ("Sound", "Music Editor"),
    ("Directing", "Assistant Director"),
    ("Production", "Production Manager"),
    ("Art", "Set Decoration"),
    ("Costume & Make-Up", "Costume Design"),
    ("Crew", "Special Effects"),
];

/// TMDB keywords with ids (heavy-tailed use: earlier entries are drawn more often).
pub(crate) const KEYWORDS: &[(u32, &str)] = &[
    (818, "based on novel"),
    (187056, "woman director"),
    (10183, "independent film"),
    (9826, "murder"),
    (179431, "duringcreditsstinger"),
    (9673, "love"),
    (6054, "friendship"),
    (5565, "biography"),
    (6075, "sport"),
    (9663, "sequel"),
    (10714, "serial killer"),
    (1721, "fight"),
    (4344, "musical"),
    (1701, "hero"),
    (3799, "ghost"),
    (1568, "undercover"),
    (9951, "alien"),
    (2343, "magic"),
    (10084, "rescue"),
    (12565, "dystopia"),
    (4565, "hostage"),
    (1930, "kidnapping"),
    (290, "paris"),
    (212, "london england"),
    (5248, "female friendship"),
    (703, "detective"),
    (11800, "mafia"),
    (3737, "dying and death"),
    (6149, "police"),
    (10292, "gore"),
    (616, "witch"),
    (14544, "robbery"),
    (1328, "secret"),
    (5340, "investigation"),
    (2231, "drug"),
    (470, "spy"),
    (11322, "female protagonist"),
    (310, "artificial intelligence"),
    (12377, "zombie"),
    (5600, "daughter"),
    (2658, "small town"),
    (13130, "teenager"),
    (207317, "christmas"),
    (1299, "monster"),
    (3133, "vampire"),
    (4379, "time travel"),
    (9672, "based on true story"),
    (155, "brother brother relationship"),
    (1442, "winter"),
    (10617, "disaster"),
    (8828, "marriage crisis"),
    (2052, "traitor"),
    (3691, "forbidden love"),
    (10349, "survival"),
    (179430, "aftercreditsstinger"),
    (15162, "dog"),
    (6917, "epidemic"),
    (9748, "revenge"),
    (13088, "summer"),
    (1415, "small town sheriff"),
];

/// Words that make up production company names.
pub(crate) const COMPANY_WORDS: &[&str] = &[
    "Silver", "Lantern", "Northlight", "Caravel", "Meridian", "Harbor", "Bluebird", "Ironwood", "Crescent",
    "Paragon", "Orchard", "Falcon", "Beacon", "Summit", "Juniper", "Atlas", "Red Rock", "Greenhouse",
    "Lighthouse", "Cobalt", "Zenith", "Riverside", "Foxglove", "Monarch", "Arcadia", "Sable", "Tidewater",
    "Wildcard", "Granite", "Marigold", "Lumière", "Étoile", "Sol y Sombra", "Kirin", "Hanabi", "Nordlicht",
];

pub(crate) const COMPANY_SUFFIXES: &[&str] = &[
    "Pictures",
    "Films",
    "Entertainment",
    "Productions",
    "Studios",
    "Film Partners",
    "Media",
    "Cinema",
    "Film Corporation",
    "Productions Inc.",
];

/// Pieces of English overviews and taglines (TMDB writes them in English).
pub(crate) const OVERVIEW_WHO: &[&str] = &[
    "a retired detective",
    "a young doctor",
    "an ambitious journalist",
    "two estranged brothers",
    "a struggling musician",
    "a small-town teacher",
    "a former soldier",
    "a reclusive writer",
    "an unlikely pair of thieves",
    "a widowed farmer",
    "a gifted teenager",
    "a disgraced chef",
];

pub(crate) const OVERVIEW_EVENT: &[&str] = &[
    "goes missing",
    "arrives without warning",
    "is found dead",
    "returns after twenty years",
    "threatens everything they love",
    "turns their quiet life upside down",
    "uncovers a \"harmless\" lie",
    "changes hands",
];

pub(crate) const OVERVIEW_GOAL: &[&str] = &[
    "confront the past",
    "find a way home",
    "uncover the truth",
    "protect the family",
    "win back a lost love",
    "survive one last night",
    "clear a name",
    "keep a promise made long ago",
];

pub(crate) const TAGLINES: &[&str] = &[
    "Some secrets never die.",
    "One night. One chance.",
    "Based on a true story.",
    "Nothing will ever be the same.",
    "The truth has a price.",
    "Every family has a story.",
    "Run.",
    "Love is a dangerous game.",
    "Where there's smoke, there's fire.",
    "Don't look back.",
];

/// MovieLens tags: short free text, genre-related or about the viewing.
pub(crate) const TAGS: &[&str] = &[
    "funny",
    "atmospheric",
    "twist ending",
    "based on a book",
    "visually appealing",
    "dark comedy",
    "quirky",
    "thought-provoking",
    "Highly quotable",
    "In Netflix queue",
    "slow",
    "beautiful cinematography",
    "predictable",
    "great soundtrack",
    "overrated",
    "classic",
    "violent",
    "bittersweet",
    "feel-good",
    "new york",
    "christmas",
    "so bad it's good",
    "funny, but sad",
];

/// Writer jobs in title.principals (many are `\N`); bare quotes are kept as in the dump.
pub(crate) const WRITER_JOBS: &[&str] =
    &["screenplay", "story", "written by", "novel", "characters", "dialogue", "adaptation", "teleplay"];

pub(crate) const PRODUCER_JOBS: &[&str] =
    &["producer", "producer", "producer", "executive producer", "co-producer", "line producer", "associate producer"];

pub(crate) const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
