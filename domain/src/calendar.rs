//! Days and times as people of the cinema read them: "mercredi 9 décembre", "20 h 30" in French, "Wednesday
//! 9 December", "20:30" in English (the site, the weekly messages and the programme share them).

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

use crate::Language;

const DAYS_FR: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// "mercredi 9 décembre" / "Wednesday 9 December".
pub fn day_name(day: NaiveDate, language: Language) -> String {
    match language {
        Language::Fr => format!(
            "{} {} {}",
            DAYS_FR[day.weekday().num_days_from_monday() as usize],
            if day.day() == 1 { "1er".to_owned() } else { day.day().to_string() },
            MONTHS_FR[day.month0() as usize]
        ),
        Language::En => day.format("%A %-d %B").to_string(),
    }
}

/// "20 h 30" / "20:30".
pub fn time_of_day(time: NaiveTime, language: Language) -> String {
    match language {
        Language::Fr => format!("{} h {:02}", time.hour(), time.minute()),
        Language::En => format!("{:02}:{:02}", time.hour(), time.minute()),
    }
}

/// The month's French name, "décembre".
pub fn month_fr(month0: u32) -> &'static str {
    MONTHS_FR[month0 as usize % 12]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_times_read_the_french_or_the_english_way() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 9).unwrap();
        assert_eq!(day_name(day, Language::Fr), "mercredi 9 décembre");
        assert_eq!(day_name(day, Language::En), "Wednesday 9 December");
        assert_eq!(day_name(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), Language::Fr), "mardi 1er décembre");
        let time = NaiveTime::from_hms_opt(9, 5, 0).unwrap();
        assert_eq!(
            (time_of_day(time, Language::Fr), time_of_day(time, Language::En)),
            ("9 h 05".into(), "09:05".into())
        );
    }
}
