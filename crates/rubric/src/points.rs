//! Points as exact fixed-point numbers.
//!
//! Scores must be identical byte for byte on every run and machine (DESIGN.md, invariant 2),
//! so points are counted in hundredths in an integer, never in floating point.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Sub};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A number of points, exact to 0.01. Serialised as a JSON/TOML number (`4`, `3.5`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(i64);

impl Points {
    /// No points.
    pub const ZERO: Points = Points(0);

    /// Whole points.
    pub const fn new(whole: i64) -> Points {
        Points(whole * 100)
    }

    /// Points from hundredths (`350` is 3.5 points).
    pub const fn from_hundredths(h: i64) -> Points {
        Points(h)
    }

    /// The value in hundredths.
    pub const fn hundredths(self) -> i64 {
        self.0
    }

    /// Converts a decimal read from a file; `None` when it has more than two decimals or is
    /// out of range.
    pub fn from_f64(v: f64) -> Option<Points> {
        let h = v * 100.0;
        if !h.is_finite() || h.abs() > 1e15 || (h - h.round()).abs() > 1e-6 {
            return None;
        }
        Some(Points(h.round() as i64))
    }

    /// `self - other`, but never below zero (扣完为止).
    pub fn saturating_deduct(self, other: Points) -> Points {
        Points((self.0 - other.0).max(0))
    }

    /// The smaller of two amounts.
    pub fn min(self, other: Points) -> Points {
        Points(self.0.min(other.0))
    }
}

impl fmt::Display for Points {
    /// `4`, `3.5`, `0.25`: no trailing zeros, as the seed writes points.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        let (whole, frac) = (a / 100, a % 100);
        let s = match frac {
            0 => format!("{sign}{whole}"),
            f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
            f => format!("{sign}{whole}.{f:02}"),
        };
        f.pad(&s)
    }
}

impl Add for Points {
    type Output = Points;
    fn add(self, o: Points) -> Points {
        Points(self.0 + o.0)
    }
}

impl AddAssign for Points {
    fn add_assign(&mut self, o: Points) {
        self.0 += o.0;
    }
}

impl Sub for Points {
    type Output = Points;
    fn sub(self, o: Points) -> Points {
        Points(self.0 - o.0)
    }
}

impl Mul<i64> for Points {
    type Output = Points;
    fn mul(self, n: i64) -> Points {
        Points(self.0 * n)
    }
}

impl Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        iter.fold(Points::ZERO, Add::add)
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % 100 == 0 {
            s.serialize_i64(self.0 / 100)
        } else {
            s.serialize_f64(self.0 as f64 / 100.0)
        }
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Points, D::Error> {
        let v = f64::deserialize(d)?;
        Points::from_f64(v).ok_or_else(|| {
            serde::de::Error::custom(format!("分值 {v} 无法使用：分值最多保留两位小数"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_the_seed() {
        assert_eq!(Points::new(4).to_string(), "4");
        assert_eq!(Points::from_hundredths(350).to_string(), "3.5");
        assert_eq!(Points::from_hundredths(25).to_string(), "0.25");
        assert_eq!(Points::from_hundredths(-150).to_string(), "-1.5");
    }

    #[test]
    fn rejects_more_than_two_decimals() {
        assert_eq!(Points::from_f64(1.5), Some(Points::from_hundredths(150)));
        assert_eq!(Points::from_f64(1.005), None);
        assert_eq!(Points::from_f64(f64::NAN), None);
    }
}
