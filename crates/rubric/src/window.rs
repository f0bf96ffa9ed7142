//! Update windows such as "6个月" (every half year) and "1年".

use std::fmt;

use chrono::{Days, Months, NaiveDate};
use serde::{Serialize, Serializer};

/// How far back from the as-of date a column's newest entry may lie and still count as
/// updated. Months are calendar months (2017-08-31 minus 6 months is 2017-02-28).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    Days(u32),
    Weeks(u32),
    Months(u32),
    Years(u32),
}

impl Window {
    /// Parses the rubric's spelling: a positive whole number and a unit, `个月`/`月`, `年`,
    /// `周`/`星期`, `天`/`日` (spaces allowed: "6 个月"). Half a year is "6个月".
    pub fn parse(s: &str) -> Option<Window> {
        let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        let n: u32 = digits.parse().ok().filter(|n| *n > 0 && *n <= 3650)?;
        match &t[digits.len()..] {
            "个月" | "月" => Some(Window::Months(n)),
            "年" => Some(Window::Years(n)),
            "周" | "星期" => Some(Window::Weeks(n)),
            "天" | "日" => Some(Window::Days(n)),
            _ => None,
        }
    }

    /// The earliest date that still counts as within the window before `as_of`.
    pub fn start(self, as_of: NaiveDate) -> NaiveDate {
        let back = match self {
            Window::Days(n) => as_of.checked_sub_days(Days::new(n.into())),
            Window::Weeks(n) => as_of.checked_sub_days(Days::new(u64::from(n) * 7)),
            Window::Months(n) => as_of.checked_sub_months(Months::new(n)),
            Window::Years(n) => as_of.checked_sub_months(Months::new(n.saturating_mul(12))),
        };
        back.unwrap_or(NaiveDate::MIN)
    }

    /// Whether a column whose newest entry is dated `newest` is up to date at `as_of`.
    pub fn is_fresh(self, newest: NaiveDate, as_of: NaiveDate) -> bool {
        newest >= self.start(as_of)
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Window::Days(n) => write!(f, "{n}天"),
            Window::Weeks(n) => write!(f, "{n}周"),
            Window::Months(n) => write!(f, "{n}个月"),
            Window::Years(n) => write!(f, "{n}年"),
        }
    }
}

impl Serialize for Window {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_the_rubric_spellings() {
        assert_eq!(Window::parse("6个月"), Some(Window::Months(6)));
        assert_eq!(Window::parse("6 个月"), Some(Window::Months(6)));
        assert_eq!(Window::parse("1年"), Some(Window::Years(1)));
        assert_eq!(Window::parse("2周"), Some(Window::Weeks(2)));
        assert_eq!(Window::parse("30天"), Some(Window::Days(30)));
        assert_eq!(Window::parse("半年"), None);
        assert_eq!(Window::parse("0个月"), None);
        assert_eq!(Window::parse("6 months"), None);
        assert_eq!(Window::parse(""), None);
    }

    #[test]
    fn months_are_calendar_months() {
        let w = Window::Months(6);
        assert_eq!(w.start(d(2017, 8, 31)), d(2017, 2, 28));
        assert!(w.is_fresh(d(2017, 2, 28), d(2017, 8, 31)));
        assert!(!w.is_fresh(d(2017, 2, 27), d(2017, 8, 31)));
        assert_eq!(Window::Years(1).start(d(2017, 12, 31)), d(2016, 12, 31));
    }
}
