//! When a scheduled job fires: a cron expression with seconds, evaluated in the cinema's timezone, DST-correct.
//!
//! The daemon computes every fire time here instead of relying on tokio-cron-scheduler's cron jobs: in version
//! 0.15 those freeze the UTC offset of the moment the job is created, so a nightly 02:30 set up in winter would
//! fire at 03:30 all summer. Here each fire time is found in wall-clock time of the real timezone (croner's
//! rules: a time skipped by the spring change runs at the first valid minute after the gap, a time repeated by
//! the autumn change runs once, at its first occurrence).

use chrono::{DateTime, SecondsFormat, Timelike, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds};

use crate::config::CronExpr;

/// A job's schedule: its cron expression in a timezone.
#[derive(Debug, Clone)]
pub struct Schedule {
    cron: Cron,
    tz: Tz,
}

impl Schedule {
    pub fn new(expr: &CronExpr, tz: Tz) -> Self {
        let cron = CronParser::builder()
            .seconds(Seconds::Required)
            .dom_and_dow(true)
            .build()
            .parse(expr.as_str())
            .expect("CronExpr is validated when the configuration is read");
        Self { cron, tz }
    }

    /// The first fire time strictly after `t`; `None` for an expression that never fires again.
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = whole_seconds(t).with_timezone(&self.tz);
        self.cron.find_next_occurrence(&local, false).ok().map(|d| whole_seconds(d.with_timezone(&Utc)))
    }

    /// The latest fire time at or before `t`: the slot a run started at `t` belongs to.
    pub fn latest_at_or_before(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = whole_seconds(t).with_timezone(&self.tz);
        self.cron.find_previous_occurrence(&local, true).ok().map(|d| whole_seconds(d.with_timezone(&Utc)))
    }

    /// The logical key of the run for the slot fired at `slot`: its local time with offset, unambiguous and
    /// readable (`2026-11-22T02:30:00+01:00`).
    pub fn logical_key(&self, slot: DateTime<Utc>) -> String {
        whole_seconds(slot).with_timezone(&self.tz).to_rfc3339_opts(SecondsFormat::Secs, false)
    }

    pub fn timezone(&self) -> Tz {
        self.tz
    }
}

/// croner carries the sub-second part of its start time into the times it finds; slots are whole seconds, so
/// that the same slot always gets the same logical key.
fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(0).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate, TimeZone};
    use chrono_tz::Europe::Paris;

    fn nightly() -> Schedule {
        Schedule::new(&"0 30 2 * * *".parse().unwrap(), Paris)
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    /// Every fire time in `[from, to)`, as the scheduler chains them.
    fn fires(s: &Schedule, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        let mut t = from;
        while let Some(next) = s.next_after(t).filter(|n| *n < to) {
            out.push(next);
            t = next;
        }
        out
    }

    #[test]
    fn the_nightly_run_stays_at_half_past_two_paris_time_across_the_spring_change() {
        // 2026-03-29: clocks go from 02:00 to 03:00, so 02:30 does not exist that night.
        let runs = fires(&nightly(), utc(2026, 3, 26, 12, 0), utc(2026, 4, 2, 12, 0));
        let days: Vec<u32> = runs.iter().map(|r| r.with_timezone(&Paris).day()).collect();
        assert_eq!(days, vec![27, 28, 29, 30, 31, 1, 2], "one run per night, none lost nor doubled: {runs:?}");
        for run in &runs {
            let local = run.with_timezone(&Paris);
            if local.day() == 29 {
                assert_eq!((local.hour(), local.minute()), (3, 0), "the skipped 02:30 runs right after the gap");
            } else {
                assert_eq!((local.hour(), local.minute()), (2, 30), "{run} is not 02:30 in Paris");
            }
        }
        // Winter time before the change (UTC+1), summer time after (UTC+2).
        assert_eq!(runs[0], utc(2026, 3, 27, 1, 30));
        assert_eq!(runs[4], utc(2026, 3, 31, 0, 30));
    }

    #[test]
    fn the_nightly_run_fires_once_when_the_autumn_change_repeats_half_past_two() {
        // 2026-10-25: clocks go from 03:00 back to 02:00, so 02:30 happens twice that night.
        let runs = fires(&nightly(), utc(2026, 10, 23, 12, 0), utc(2026, 10, 28, 12, 0));
        assert_eq!(runs.len(), 5, "one run per night from the 24th to the 28th: {runs:?}");
        assert_eq!(runs[0], utc(2026, 10, 24, 0, 30), "summer time: 02:30 is 00:30 UTC");
        assert_eq!(runs[1], utc(2026, 10, 25, 0, 30), "the first of the two 02:30s, and only it");
        assert_eq!(runs[2], utc(2026, 10, 26, 1, 30), "winter time: 02:30 is 01:30 UTC");
        assert!(runs.iter().all(|r| r.with_timezone(&Paris).hour() == 2));
    }

    #[test]
    fn a_run_belongs_to_the_latest_slot_at_or_before_its_start() {
        let s = nightly();
        let slot = utc(2026, 11, 21, 1, 30);
        assert_eq!(s.latest_at_or_before(slot), Some(slot), "a run at the slot time belongs to it");
        assert_eq!(s.latest_at_or_before(utc(2026, 11, 21, 18, 0)), Some(slot));
        assert_eq!(s.latest_at_or_before(utc(2026, 11, 21, 1, 29)), Some(utc(2026, 11, 20, 1, 30)));
        assert_eq!(s.logical_key(slot), "2026-11-21T02:30:00+01:00");
        let later = utc(2026, 11, 21, 9, 0) + chrono::Duration::nanoseconds(123_456_789);
        assert_eq!(s.latest_at_or_before(later), Some(slot), "the time of day's fraction of a second is dropped");
        assert_eq!(s.next_after(later), Some(utc(2026, 11, 22, 1, 30)));
    }

    #[test]
    fn the_weekly_send_fires_on_wednesdays_at_ten_local_time() {
        let weekly = Schedule::new(&"0 0 10 * * Wed".parse().unwrap(), Paris);
        let runs = fires(&weekly, utc(2026, 3, 20, 0, 0), utc(2026, 4, 10, 0, 0));
        let dates: Vec<NaiveDate> = runs.iter().map(|r| r.with_timezone(&Paris).date_naive()).collect();
        assert_eq!(dates, ["2026-03-25", "2026-04-01", "2026-04-08"].map(|d| d.parse::<NaiveDate>().unwrap()).to_vec());
        assert!(runs.iter().all(|r| r.with_timezone(&Paris).hour() == 10));
    }
}
