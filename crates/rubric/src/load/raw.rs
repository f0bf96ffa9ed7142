//! The rubric file as written: serde tables mirroring the TOML. Fields that are checked
//! against each other carry their position (`Spanned`), so a problem can name its line.
//! Nothing here is checked; `check.rs` does that.

use serde::Deserialize;
use toml::Spanned;

use crate::Points;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    pub(super) rubric: RawHeader,
    #[serde(default)]
    pub(super) departments: Vec<Spanned<RawDepartment>>,
    #[serde(default)]
    pub(super) elements: Vec<Spanned<RawElement>>,
    #[serde(default)]
    pub(super) placeholders: Option<RawPlaceholders>,
    #[serde(default)]
    pub(super) column_types: Vec<Spanned<RawColumnType>>,
    #[serde(default)]
    pub(super) rule_sets: Vec<Spanned<RawRuleSet>>,
    #[serde(default)]
    pub(super) sections: Vec<Spanned<RawSection>>,
    #[serde(default)]
    pub(super) assessment: Option<RawAssessment>,
}

/// `[assessment]`: how the assessment treats the machine's doubt.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAssessment {
    #[serde(default)]
    pub(super) review_below: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHeader {
    pub(super) id: Spanned<String>,
    pub(super) title: String,
    #[serde(default)]
    pub(super) edition: String,
    #[serde(default)]
    pub(super) issuer: String,
    pub(super) total: Spanned<Points>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDepartment {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) full_name: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) aliases: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawElement {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) role: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) labels: Vec<String>,
    #[serde(default)]
    pub(super) not: Vec<String>,
    #[serde(default)]
    pub(super) weak: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlaceholders {
    #[serde(default)]
    pub(super) values: Vec<String>,
    #[serde(default)]
    pub(super) prefixes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawColumnType {
    pub(super) id: Spanned<String>,
    pub(super) name: String,
    #[serde(default)]
    pub(super) labels: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRuleSet {
    pub(super) id: Spanned<String>,
    #[serde(default)]
    pub(super) rules: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSection {
    pub(super) id: Spanned<String>,
    pub(super) name: String,
    pub(super) points: Spanned<Points>,
    #[serde(default)]
    pub(super) explanation: String,
    #[serde(default)]
    pub(super) scoring: String,
    #[serde(default)]
    pub(super) rules: Vec<Spanned<RawRule>>,
    #[serde(default)]
    pub(super) indicators: Vec<Spanned<RawIndicator>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIndicator {
    pub(super) id: Spanned<String>,
    pub(super) name: String,
    pub(super) points: Spanned<Points>,
    pub(super) departments: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    pub(super) labels: Vec<String>,
    #[serde(default)]
    pub(super) explanation: Option<String>,
    #[serde(default)]
    pub(super) scoring: Option<String>,
    #[serde(default)]
    pub(super) rule_sets: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) rules: Vec<Spanned<RawRule>>,
}

/// A rule with every parameter any kind may take; which ones a kind accepts is checked in
/// [`Checker::rule`], so that a misplaced parameter gets a message naming the kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    pub(super) id: Spanned<String>,
    pub(super) kind: Spanned<String>,
    #[serde(default)]
    pub(super) name: String,
    pub(super) deduction: Spanned<Points>,
    #[serde(default)]
    pub(super) scope: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) once: Option<Spanned<bool>>,
    #[serde(default)]
    pub(super) prompt: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) default_within: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) windows: Option<Spanned<Vec<Spanned<RawWindow>>>>,
    #[serde(default)]
    pub(super) count: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) elements: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub(super) items: Option<Spanned<Vec<Spanned<RawItem>>>>,
    #[serde(default)]
    pub(super) entries: Option<Spanned<Vec<Spanned<RawItem>>>>,
    #[serde(default)]
    pub(super) titles: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWindow {
    pub(super) column_types: Vec<Spanned<String>>,
    pub(super) within: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawItem {
    pub(super) name: String,
    #[serde(default)]
    pub(super) element: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) labels: Vec<String>,
    #[serde(default)]
    pub(super) not: Vec<String>,
    #[serde(default)]
    pub(super) department: Option<Spanned<String>>,
}
