//! How the server writes a unix time for people: always UTC, always the
//! same three shapes.

use time::OffsetDateTime;

fn utc(unix: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(unix).ok()
}

/// `YYYY-MM-DD`.
pub fn date_of(unix: i64) -> String {
    utc(unix).map(|t| t.date().to_string()).unwrap_or_default()
}

/// `YYYY-MM-DD HH:MM UTC`.
pub fn date_time_of(unix: i64) -> String {
    utc(unix)
        .map(|t| format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute()))
        .unwrap_or_default()
}

/// `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339), for files other programs read.
pub fn rfc3339_of(unix: i64) -> String {
    utc(unix)
        .map(|t| {
            format!(
                "{}T{:02}:{:02}:{:02}Z",
                t.date(),
                t.hour(),
                t.minute(),
                t.second()
            )
        })
        .unwrap_or_default()
}

/// `HH:MM:SS UTC`, the time of day a person compares with a phone's clock.
pub fn time_of_day(unix: i64) -> String {
    utc(unix)
        .map(|t| format!("{:02}:{:02}:{:02} UTC", t.hour(), t.minute(), t.second()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_utc() {
        // 2026-11-28 14:05:32 UTC
        let at = 1_795_874_732;
        assert_eq!(date_of(at), "2026-11-28");
        assert_eq!(date_time_of(at), "2026-11-28 14:05 UTC");
        assert_eq!(time_of_day(at), "14:05:32 UTC");
        assert_eq!(rfc3339_of(at), "2026-11-28T14:05:32Z");
    }
}
