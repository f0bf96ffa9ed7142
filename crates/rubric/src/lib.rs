//! The indicator system (考核指标体系) as data, and the scoring engine.
//!
//! # Brief overview
//!
//! - [`Rubric`] is a whole indicator system: [`Section`]s of [`Indicator`]s, each with its
//!   points, its departments (考核单位) and its [`Rule`]s; plus the vocabulary the rules use:
//!   the service-guide [`Element`]s with their label synonyms and traps, the [`Placeholders`]
//!   that do not count as a value, and the sub-column [`ColumnType`]s.
//! - [`parse`] and [`load_file`] read a rubric file (TOML, see `docs/rubric-format.md`) and
//!   check it; every problem comes back as a [`LoadError`] with file, line, column and a fix,
//!   in Chinese. [`bundled`] returns a rubric compiled into the binary (the 2017 Leiyang one).
//! - [`score`] turns (rubric, [`Finding`]s, [`Decision`]s) into [`Scores`]: per indicator,
//!   section, total and department.
//!
//! This crate does not find anything on a site (that is `extract` and, later, `assess`), does
//! no I/O beyond reading a rubric file in [`load_file`], and prints nothing.
//!
//! Architecture invariant: scores are a pure function of rubric + findings + decisions; a
//! [`Rubric`] value is always valid (nothing downstream re-checks it).
//!
//! ```
//! let rubric = rubric::bundled(rubric::BUNDLED_ID).expect("the bundled rubric is valid");
//! assert_eq!(rubric.total, rubric::Points::new(100));
//! let finding = rubric::Finding {
//!     id: "f1".into(),
//!     rule: "1.1/freshness".into(),
//!     department: "教育局".into(),
//!     subject: "政策法规".into(),
//!     message: "「政策法规」栏目超过6个月未更新".into(),
//!     status: rubric::Status::Deducted,
//!     origin: rubric::Origin::Machine,
//!     confidence: 1.0,
//!     evidence: vec![],
//! };
//! let scores = rubric::score(&rubric, &[finding], &[]).expect("the finding fits the rubric");
//! assert_eq!(scores.total, rubric::Points::new(98));
//! ```

mod load;
mod model;
mod points;
mod score;
mod window;

pub use load::{LoadError, LoadErrors, load_file, parse};
pub use model::{
    ColumnType, ContentItem, Count, Department, Element, ElementRole, Indicator, Placeholders,
    Rubric, Rule, RuleKind, Scope, Section, TypedWindow,
};
pub use points::Points;
pub use score::{
    Action, Charge, Decision, DepartmentScore, Evidence, Finding, IndicatorScore, Origin,
    ScoreError, Scores, SectionScore, Status, score,
};
pub use window::Window;

/// The id of the rubric used when none is named: the 2017 Leiyang portal indicator system.
pub const BUNDLED_ID: &str = "leiyang-2017";

/// Rubric files compiled into the binary: (id, file name, text).
const BUNDLED: &[(&str, &str, &str)] = &[(
    "leiyang-2017",
    "rubrics/leiyang-2017.toml",
    include_str!("../../../rubrics/leiyang-2017.toml"),
)];

/// The ids of the rubrics compiled into the binary.
pub fn bundled_ids() -> impl Iterator<Item = &'static str> {
    BUNDLED.iter().map(|(id, _, _)| *id)
}

/// The text of a rubric compiled into the binary, by id (its version is the text's hash).
pub fn bundled_text(id: &str) -> Option<&'static str> {
    BUNDLED
        .iter()
        .find(|(i, _, _)| *i == id)
        .map(|(_, _, t)| *t)
}

/// A rubric compiled into the binary, by id. The bundled files are checked by this crate's
/// tests, so `None` means only that no bundled rubric has this id.
pub fn bundled(id: &str) -> Option<Rubric> {
    BUNDLED
        .iter()
        .find(|(i, _, _)| *i == id)
        .and_then(|(_, name, text)| parse(name, text).ok())
}
