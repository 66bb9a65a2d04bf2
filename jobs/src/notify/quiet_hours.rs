//! When marketing SMS may be sent: 08:00–20:00 local time, not on Sundays nor French public holidays
//! (Easter Monday, Ascension and Whit Monday computed from Easter); otherwise the next allowed moment.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;

/// The allowed daily window, in local hours: [from, until).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub from_hour: u32,
    pub until_hour: u32,
    pub tz: Tz,
}

impl QuietHours {
    /// True when a marketing SMS may be sent at `now`.
    pub fn allows(&self, now: DateTime<Utc>) -> bool {
        let local = now.with_timezone(&self.tz).naive_local();
        is_sending_day(local.date()) && (self.from_hour..self.until_hour).contains(&local.hour())
    }

    /// `now` when allowed, else the start of the next allowed window.
    pub fn next_allowed(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        if self.allows(now) {
            return now;
        }
        let local = now.with_timezone(&self.tz).naive_local();
        let mut day = local.date();
        if local.hour() >= self.from_hour || !is_sending_day(day) {
            day = day.succ_opt().expect("dates far from the end of time");
        }
        while !is_sending_day(day) {
            day = day.succ_opt().expect("dates far from the end of time");
        }
        let start = NaiveDateTime::new(day, NaiveTime::from_hms_opt(self.from_hour, 0, 0).expect("hour checked"));
        // 08:00 always exists in Europe/Paris (clock changes happen at 02:00–03:00); `earliest` covers others.
        self.tz.from_local_datetime(&start).earliest().map_or(now, |t| t.with_timezone(&Utc))
    }
}

fn is_sending_day(date: NaiveDate) -> bool {
    date.weekday() != Weekday::Sun && !is_french_public_holiday(date)
}

/// The eleven French public holidays (metropolitan France; Alsace-Moselle's two extra days are not included).
pub fn is_french_public_holiday(date: NaiveDate) -> bool {
    let fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)];
    if fixed.contains(&(date.month(), date.day())) {
        return true;
    }
    let easter = easter_sunday(date.year());
    [1, 39, 50].iter().any(|&days| easter + Duration::days(days) == date)
}

/// Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a valid date")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Europe::Paris.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
    }

    const WINDOW: QuietHours = QuietHours { from_hour: 8, until_hour: 20, tz: chrono_tz::Europe::Paris };

    #[test]
    fn easter_and_the_holidays_that_follow_it_are_computed() {
        assert_eq!(easter_sunday(2026), NaiveDate::from_ymd_opt(2026, 4, 5).unwrap());
        assert_eq!(easter_sunday(2027), NaiveDate::from_ymd_opt(2027, 3, 28).unwrap());
        assert_eq!(easter_sunday(2024), NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert!(is_french_public_holiday(day(4, 6)), "Easter Monday 2026");
        assert!(is_french_public_holiday(day(5, 14)), "Ascension 2026");
        assert!(is_french_public_holiday(day(5, 25)), "Whit Monday 2026");
        assert!(is_french_public_holiday(day(7, 14)) && is_french_public_holiday(day(11, 11)));
        assert!(!is_french_public_holiday(day(4, 7)) && !is_french_public_holiday(day(11, 12)));
    }

    #[test]
    fn sms_are_allowed_between_eight_and_eight_on_working_days_only() {
        assert!(WINDOW.allows(paris(2026, 11, 25, 10, 0)), "a Wednesday morning");
        assert!(WINDOW.allows(paris(2026, 11, 25, 8, 0)));
        assert!(!WINDOW.allows(paris(2026, 11, 25, 7, 59)));
        assert!(!WINDOW.allows(paris(2026, 11, 25, 20, 0)));
        assert!(!WINDOW.allows(paris(2026, 11, 29, 12, 0)), "a Sunday");
        assert!(!WINDOW.allows(paris(2026, 11, 11, 12, 0)), "Armistice day");
        assert!(WINDOW.allows(paris(2026, 11, 28, 12, 0)), "Saturdays are allowed");
    }

    #[test]
    fn a_quiet_time_is_deferred_to_the_next_allowed_morning() {
        // Wednesday 21:30 → Thursday 08:00.
        assert_eq!(WINDOW.next_allowed(paris(2026, 11, 25, 21, 30)), paris(2026, 11, 26, 8, 0));
        // Wednesday 06:00 → the same day at 08:00.
        assert_eq!(WINDOW.next_allowed(paris(2026, 11, 25, 6, 0)), paris(2026, 11, 25, 8, 0));
        // Saturday evening → Monday (Sunday skipped).
        assert_eq!(WINDOW.next_allowed(paris(2026, 11, 28, 20, 15)), paris(2026, 11, 30, 8, 0));
        // Saturday 4 April 2026 evening → Tuesday 7 April (Easter Sunday and Monday skipped).
        assert_eq!(WINDOW.next_allowed(paris(2026, 4, 4, 22, 0)), paris(2026, 4, 7, 8, 0));
        // An allowed time is kept.
        assert_eq!(WINDOW.next_allowed(paris(2026, 11, 25, 9, 0)), paris(2026, 11, 25, 9, 0));
        // Christmas morning → 26 December (a Saturday in 2026).
        assert_eq!(WINDOW.next_allowed(paris(2026, 12, 25, 9, 0)), paris(2026, 12, 26, 8, 0));
    }
}
