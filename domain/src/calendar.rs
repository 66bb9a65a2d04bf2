//! Days and times as people of the cinema read them: "mercredi 9 décembre", "20 h 30" in French, "Wednesday
//! 9 December", "20:30" in English (the site, the weekly messages and the programme share them).

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};

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

/// "mer. 9/12 20h30" / "Wed 9/12 20:30": a day and time in few characters (SMS).
pub fn short_day_time(day: NaiveDate, time: NaiveTime, language: Language) -> String {
    let weekday = day.weekday().num_days_from_monday() as usize;
    match language {
        Language::Fr => {
            let days = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
            format!("{} {}/{:02} {}h{:02}", days[weekday], day.day(), day.month(), time.hour(), time.minute())
        }
        Language::En => {
            let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            format!("{} {}/{:02} {:02}:{:02}", days[weekday], day.day(), day.month(), time.hour(), time.minute())
        }
    }
}

/// The instant a day begins in a time zone (its midnight, or the first instant after it when a clock change
/// skips it): the bound of "this week", "that day", "the coming fortnight".
pub fn start_of_day<Z: TimeZone>(day: NaiveDate, zone: &Z) -> Option<DateTime<Utc>> {
    let midnight = day.and_hms_opt(0, 0, 0)?;
    let local = zone
        .from_local_datetime(&midnight)
        .earliest()
        .or_else(|| zone.from_local_datetime(&(midnight + chrono::Duration::hours(1))).earliest())?;
    Some(local.with_timezone(&Utc))
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
        let evening = NaiveTime::from_hms_opt(20, 30, 0).unwrap();
        assert_eq!(short_day_time(day, evening, Language::Fr), "mer. 9/12 20h30");
        assert_eq!(short_day_time(day, evening, Language::En), "Wed 9/12 20:30");
        let paris = chrono::FixedOffset::east_opt(3600).unwrap();
        assert_eq!(start_of_day(day, &paris).unwrap().to_rfc3339(), "2026-12-08T23:00:00+00:00");
    }
}
