//! [`XsdDateTime`]: an XML Schema `dateTimeStamp` that keeps its lexical form.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ModelError;
use crate::clock::Clock;

const KIND: &str = "XSD dateTimeStamp";

/// Largest absolute year accepted; chrono's range is about ±262 000.
const MAX_ABS_YEAR: i64 = 262_000;

/// An XML Schema 1.1 `dateTimeStamp` (XSD 1.1 Part 2 §3.4.28; required for
/// `validFrom` / `validUntil` by VCDM 2.0 §4.9 and for OB 3.0 DateTimeZ).
///
/// Holds **both** the exact lexical string and the instant it denotes.
/// [`as_str`](Self::as_str) and serialization return the string exactly as
/// parsed: `"2010-01-01T00:00:00Z"` and `"2010-01-01T00:00:00.000Z"` are
/// different RDF literals, so re-formatting a signed date breaks the
/// signature (STANDARDS §1 item 5). Compare instants with
/// [`instant`](Self::instant); `==` compares the lexical forms.
///
/// Accepted lexical form:
/// `-?YYYY-MM-DDThh:mm:ss(.s+)?(Z|(+|-)hh:mm)` — year of at least four
/// digits (no leading zero when longer), a real calendar day, seconds
/// `00`–`59` (no leap second), timezone required and within ±14:00.
/// `24:00:00` (fraction all zeros) is accepted and denotes the first instant
/// of the next day, as XSD 1.1 specifies. Fractions finer than nanoseconds
/// are kept in the string and truncated in the instant.
#[derive(Clone)]
pub struct XsdDateTime {
    lexical: String,
    instant: DateTime<Utc>,
}

impl XsdDateTime {
    /// Parses an XSD `dateTimeStamp`, keeping `s` verbatim.
    ///
    /// # Errors
    /// [`ModelError::Parse`] with the reason (e.g. "timezone is required").
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        let instant = parse_instant(s).map_err(|reason| ModelError::parse(KIND, s, reason))?;
        Ok(Self {
            lexical: s.to_owned(),
            instant,
        })
    }

    /// Formats `t` as `YYYY-MM-DDTHH:MM:SSZ`, dropping sub-second precision
    /// (the form Rosette emits, STANDARDS §1 item 5). Years outside
    /// 0000–9999 get the XSD form (`-0001`, `10000`).
    pub fn from_utc(t: DateTime<Utc>) -> Self {
        let year = t.year();
        let sign = if year < 0 { "-" } else { "" };
        let lexical = format!(
            "{sign}{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            year.unsigned_abs(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
        );
        let instant = t.with_nanosecond(0).unwrap_or(t);
        Self { lexical, instant }
    }

    /// The clock's current instant, formatted as by [`from_utc`](Self::from_utc).
    pub fn now(clock: &(impl Clock + ?Sized)) -> Self {
        Self::from_utc(clock.now())
    }

    /// The exact lexical form that was parsed or formatted.
    pub fn as_str(&self) -> &str {
        &self.lexical
    }

    /// The instant denoted, in UTC.
    pub fn instant(&self) -> DateTime<Utc> {
        self.instant
    }

    /// True when the lexical form is exactly `YYYY-MM-DDTHH:MM:SSZ` (four-digit
    /// year, no fraction, `Z`), the form Rosette signs.
    pub fn is_utc_seconds(&self) -> bool {
        let b = self.lexical.as_bytes();
        b.len() == 20
            && b[19] == b'Z'
            && b.iter().enumerate().all(|(i, &c)| match i {
                4 | 7 => c == b'-',
                10 => c == b'T',
                13 | 16 => c == b':',
                19 => true,
                _ => c.is_ascii_digit(),
            })
            && !self.lexical.get(11..).is_some_and(|t| t.starts_with("24"))
    }
}

impl fmt::Debug for XsdDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "XsdDateTime({:?})", self.lexical)
    }
}

impl fmt::Display for XsdDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lexical)
    }
}

impl PartialEq for XsdDateTime {
    fn eq(&self, other: &Self) -> bool {
        self.lexical == other.lexical
    }
}

impl Eq for XsdDateTime {}

impl Hash for XsdDateTime {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.lexical.hash(state);
    }
}

impl FromStr for XsdDateTime {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, ModelError> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for XsdDateTime {
    type Error = ModelError;
    fn try_from(s: &str) -> Result<Self, ModelError> {
        Self::parse(s)
    }
}

impl From<DateTime<Utc>> for XsdDateTime {
    fn from(t: DateTime<Utc>) -> Self {
        Self::from_utc(t)
    }
}

impl Serialize for XsdDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.lexical)
    }
}

impl<'de> Deserialize<'de> for XsdDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        let instant = parse_instant(&s)
            .map_err(|reason| serde::de::Error::custom(ModelError::parse(KIND, &s, reason)))?;
        Ok(Self {
            lexical: s,
            instant,
        })
    }
}

/// A tiny cursor over the ASCII bytes of the input.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8, what: &'static str) -> Result<(), &'static str> {
        if self.eat(c) { Ok(()) } else { Err(what) }
    }

    /// Exactly two digits.
    fn two(&mut self, what: &'static str) -> Result<u32, &'static str> {
        match (self.b.get(self.i), self.b.get(self.i + 1)) {
            (Some(a), Some(b)) if a.is_ascii_digit() && b.is_ascii_digit() => {
                self.i += 2;
                Ok(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
            }
            _ => Err(what),
        }
    }

    /// A run of one or more digits.
    fn digits(&mut self) -> &[u8] {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        &self.b[start..self.i]
    }
}

fn parse_instant(s: &str) -> Result<DateTime<Utc>, &'static str> {
    if !s.is_ascii() {
        return Err("contains non-ASCII characters");
    }
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };

    // yearFrag ::= '-'? (([1-9] digit digit digit+)) | ('0' digit digit digit))
    let negative = c.eat(b'-');
    let year_digits = c.digits();
    if year_digits.len() < 4 {
        return Err("the year must have at least four digits");
    }
    if year_digits.len() > 4 && year_digits[0] == b'0' {
        return Err("a year of more than four digits must not start with 0");
    }
    if year_digits.len() > 6 {
        return Err("year outside the supported range");
    }
    let mut year: i64 = 0;
    for d in year_digits {
        year = year * 10 + i64::from(d - b'0');
    }
    if negative {
        year = -year;
    }
    if year.abs() > MAX_ABS_YEAR {
        return Err("year outside the supported range");
    }
    c.expect(b'-', "expected '-' after the year")?;
    let month = c.two("the month must be two digits")?;
    c.expect(b'-', "expected '-' after the month")?;
    let day = c.two("the day must be two digits")?;
    c.expect(b'T', "expected 'T' between date and time")?;
    let hour = c.two("the hour must be two digits")?;
    c.expect(b':', "expected ':' after the hour")?;
    let minute = c.two("the minutes must be two digits")?;
    c.expect(b':', "expected ':' after the minutes")?;
    let second = c.two("the seconds must be two digits")?;
    let mut nanos: u32 = 0;
    let mut fraction_is_zero = true;
    if c.eat(b'.') {
        let frac = c.digits();
        if frac.is_empty() {
            return Err("a '.' must be followed by at least one digit");
        }
        for (k, d) in frac.iter().enumerate() {
            if *d != b'0' {
                fraction_is_zero = false;
            }
            if k < 9 {
                nanos += u32::from(d - b'0') * 10u32.pow(8 - k as u32);
            }
        }
    }

    // timezoneFrag ::= 'Z' | ('+' | '-') (('0' digit | '1' [0-3]) ':' minuteFrag | '14:00')
    let offset_seconds: i64 = match c.peek() {
        None => return Err("timezone is required (Z or ±hh:mm)"),
        Some(b'Z') => {
            c.i += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            c.i += 1;
            let oh = c.two("the timezone hour must be two digits")?;
            c.expect(b':', "expected ':' in the timezone")?;
            let om = c.two("the timezone minutes must be two digits")?;
            if om > 59 || oh > 14 || (oh == 14 && om != 0) {
                return Err("timezone offset outside -14:00..+14:00");
            }
            let secs = i64::from(oh * 3600 + om * 60);
            if sign == b'-' { -secs } else { secs }
        }
        Some(_) => return Err("timezone is required (Z or ±hh:mm)"),
    };
    if c.i != c.b.len() {
        return Err("unexpected characters after the timezone");
    }

    if !(1..=12).contains(&month) {
        return Err("month outside 01-12");
    }
    if minute > 59 {
        return Err("minutes outside 00-59");
    }
    if second > 59 {
        return Err("seconds outside 00-59 (leap seconds are not allowed)");
    }
    let end_of_day = hour == 24;
    if end_of_day && !(minute == 0 && second == 0 && fraction_is_zero) {
        return Err("hour 24 is only allowed as 24:00:00");
    }
    if hour > 24 {
        return Err("hour outside 00-24");
    }
    let year = i32::try_from(year).map_err(|_| "year outside the supported range")?;
    let date =
        NaiveDate::from_ymd_opt(year, month, day).ok_or("the day does not exist in that month")?;
    let naive = if end_of_day {
        date.succ_opt()
            .ok_or("year outside the supported range")?
            .and_time(NaiveTime::MIN)
    } else {
        let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
            .ok_or("invalid time of day")?;
        NaiveDateTime::new(date, time)
    };
    let utc = naive
        .checked_sub_signed(TimeDelta::seconds(offset_seconds))
        .ok_or("year outside the supported range")?;
    Ok(DateTime::from_naive_utc_and_offset(utc, Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    #[test]
    fn keeps_the_lexical_form() {
        for s in [
            "2010-01-01T00:00:00Z",
            "2010-01-01T00:00:00.000Z",
            "2022-11-10T07:38:00-08:00",
            "2010-01-01T00:00:00+00:00",
        ] {
            let t = XsdDateTime::parse(s).unwrap();
            assert_eq!(t.as_str(), s);
            assert_eq!(t.to_string(), s);
            assert_eq!(serde_json::to_value(&t).unwrap(), serde_json::json!(s));
        }
        let a = XsdDateTime::parse("2010-01-01T00:00:00Z").unwrap();
        let b = XsdDateTime::parse("2010-01-01T00:00:00.000Z").unwrap();
        assert_eq!(a.instant(), b.instant());
        assert_ne!(a, b, "different lexical forms are different values");
        let back: XsdDateTime = serde_json::from_str("\"2010-01-01T00:00:00.000Z\"").unwrap();
        assert_eq!(back.as_str(), "2010-01-01T00:00:00.000Z");
    }

    #[test]
    fn instants_account_for_offsets_and_fractions() {
        let t = XsdDateTime::parse("2022-11-10T07:38:00-08:00").unwrap();
        assert_eq!(t.instant(), utc(2022, 11, 10, 15, 38, 0));
        let t = XsdDateTime::parse("2024-01-01T00:30:00+14:00").unwrap();
        assert_eq!(t.instant(), utc(2023, 12, 31, 10, 30, 0));
        let t = XsdDateTime::parse("2024-02-29T23:59:59.1234567891Z").unwrap();
        assert_eq!(t.instant().nanosecond(), 123_456_789);
        assert_eq!(t.as_str(), "2024-02-29T23:59:59.1234567891Z");
        let t = XsdDateTime::parse("12345-06-07T08:09:10Z").unwrap();
        assert_eq!(t.instant().year(), 12345);
        let t = XsdDateTime::parse("-0044-03-15T12:00:00Z").unwrap();
        assert_eq!(t.instant().year(), -44);
        let t = XsdDateTime::parse("0000-01-01T00:00:00Z").unwrap();
        assert_eq!(t.instant().year(), 0);
    }

    #[test]
    fn hour_24_is_the_next_midnight() {
        let t = XsdDateTime::parse("2023-12-31T24:00:00Z").unwrap();
        assert_eq!(t.instant(), utc(2024, 1, 1, 0, 0, 0));
        assert_eq!(t.as_str(), "2023-12-31T24:00:00Z");
        assert!(!t.is_utc_seconds());
        assert!(XsdDateTime::parse("2023-12-31T24:00:00.000Z").is_ok());
        for bad in [
            "2023-12-31T24:00:01Z",
            "2023-12-31T24:01:00Z",
            "2023-12-31T24:00:00.5Z",
            "2023-12-31T25:00:00Z",
        ] {
            assert!(XsdDateTime::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refuses_missing_timezone_and_malformed_input() {
        let err = XsdDateTime::parse("2010-01-01T00:00:00").unwrap_err();
        match err {
            ModelError::Parse { reason, kind, .. } => {
                assert_eq!(kind, "XSD dateTimeStamp");
                assert_eq!(reason, "timezone is required (Z or ±hh:mm)");
            }
            other => panic!("unexpected {other:?}"),
        }
        for bad in [
            "",
            "2010-01-01",
            "2010-01-01T00:00:00.000",
            "2010-01-01 00:00:00Z",
            "2010-01-01t00:00:00Z",
            "2010-01-01T00:00:00z",
            "10-01-01T00:00:00Z",
            "02010-01-01T00:00:00Z",
            "+2010-01-01T00:00:00Z",
            "2010-1-01T00:00:00Z",
            "2010-13-01T00:00:00Z",
            "2010-00-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2010-04-31T00:00:00Z",
            "2010-01-01T00:60:00Z",
            "2016-12-31T23:59:60Z",
            "2010-01-01T00:00:00.Z",
            "2010-01-01T00:00Z",
            "2010-01-01T00:00:00+15:00",
            "2010-01-01T00:00:00+14:30",
            "2010-01-01T00:00:00+05:60",
            "2010-01-01T00:00:00+0500",
            "2010-01-01T00:00:00Z ",
            "2010-01-01T00:00:00ZZ",
            "9999999-01-01T00:00:00Z",
            "２０１０-01-01T00:00:00Z",
        ] {
            assert!(
                XsdDateTime::parse(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        assert!(serde_json::from_str::<XsdDateTime>("\"2010-01-01T00:00:00\"").is_err());
    }

    #[test]
    fn from_utc_formats_seconds_precision() {
        let t = Utc.with_ymd_and_hms(2025, 3, 4, 5, 6, 7).unwrap() + TimeDelta::milliseconds(890);
        let x = XsdDateTime::from_utc(t);
        assert_eq!(x.as_str(), "2025-03-04T05:06:07Z");
        assert_eq!(x.instant(), utc(2025, 3, 4, 5, 6, 7));
        assert!(x.is_utc_seconds());
        assert_eq!(XsdDateTime::parse(x.as_str()).unwrap(), x);
        assert_eq!(
            XsdDateTime::from_utc(utc(-1, 1, 1, 0, 0, 0)).as_str(),
            "-0001-01-01T00:00:00Z"
        );
        assert_eq!(
            XsdDateTime::from_utc(utc(10000, 1, 1, 0, 0, 0)).as_str(),
            "10000-01-01T00:00:00Z"
        );
        assert_eq!(
            XsdDateTime::from_utc(utc(33, 1, 1, 0, 0, 0)).as_str(),
            "0033-01-01T00:00:00Z"
        );
        let clock = FixedClock::parse("2026-11-25T10:00:00.999Z").unwrap();
        assert_eq!(XsdDateTime::now(&clock).as_str(), "2026-11-25T10:00:00Z");
    }

    #[test]
    fn utc_seconds_form_detection() {
        assert!(
            XsdDateTime::parse("2010-01-01T00:00:00Z")
                .unwrap()
                .is_utc_seconds()
        );
        for s in [
            "2010-01-01T00:00:00.000Z",
            "2010-01-01T00:00:00+00:00",
            "10000-01-01T00:00:00Z",
        ] {
            assert!(!XsdDateTime::parse(s).unwrap().is_utc_seconds(), "{s}");
        }
    }
}
