//! The indicator system after loading: every reference resolved, every rule set expanded.
//!
//! A [`Rubric`] value is always valid: `load` builds it only after every check has passed,
//! so the rest of kaohe never re-validates (department names are canonical, indicator points
//! add up to their section, rule ids are unique).

use serde::Serialize;

use crate::Points;
use crate::window::Window;

/// A whole indicator system (考核指标体系), such as the 2017 Leiyang one.
#[derive(Clone, Debug, Serialize)]
pub struct Rubric {
    /// Stable id, e.g. `leiyang-2017`; recorded with every finding and score.
    pub id: String,
    pub title: String,
    pub edition: String,
    pub issuer: String,
    pub total: Points,
    pub sections: Vec<Section>,
    pub departments: Vec<Department>,
    /// The service-guide elements (服务指南要素) with their label vocabulary.
    pub elements: Vec<Element>,
    pub placeholders: Placeholders,
    pub column_types: Vec<ColumnType>,
    /// A machine finding whose confidence is below this is *needs review*: shown, scored only
    /// once a person confirms it (`[assessment] review_below`, default
    /// [`DEFAULT_REVIEW_BELOW`]).
    pub review_below: f64,
}

/// The needs-review threshold when a rubric file sets none. Chosen from the reader's
/// calibration on real pages (docs/extract.md): calls at or above it were right on the dev
/// sets; below it a person must look.
pub const DEFAULT_REVIEW_BELOW: f64 = 0.8;

/// A part of the rubric with its own points, e.g. （一）民生领域服务, 48 points.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    pub id: String,
    pub name: String,
    pub points: Points,
    pub indicators: Vec<Indicator>,
    /// Rules whose deductions act on the whole section (the −22 for non-cooperation).
    pub rules: Vec<Rule>,
}

/// One row of the indicator table: a column or service with its points and departments.
#[derive(Clone, Debug, Serialize)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    pub points: Points,
    /// Canonical department names, in the seed's order.
    pub departments: Vec<String>,
    /// Names a portal may give the indicator's column (the name itself first), used to find
    /// the column; a site profile can name it outright.
    pub labels: Vec<String>,
    /// 指标说明, the original Chinese text (inherited from the section where the cell was merged).
    pub explanation: String,
    /// 计分标准, the original Chinese text (inherited likewise).
    pub scoring: String,
    pub rules: Vec<Rule>,
}

/// A department (考核单位) with every name it goes by.
#[derive(Clone, Debug, Serialize)]
pub struct Department {
    pub name: String,
    pub full_name: String,
    pub aliases: Vec<String>,
}

/// A service-guide element and the labels that name it on real sites.
#[derive(Clone, Debug, Serialize)]
pub struct Element {
    pub name: String,
    /// What the element is, for the page reader (its shape of content, and where form names
    /// are read). `None`: the reader knows the element by its labels only.
    pub role: Option<ElementRole>,
    /// Labels that mean this element (the name itself is always the first).
    pub labels: Vec<String>,
    /// Look-alike labels that are another thing (办理时限 is not 办理时间).
    pub not: Vec<String>,
    /// Endings of labels that name the element only when what follows has its shape: a
    /// 服务对象 or 补贴对象 that says who qualifies (年满18周岁、本市户籍的…) gives the conditions;
    /// one that says 自然人 does not.
    pub weak: Vec<String>,
}

/// The kinds of service-guide element the page reader knows the content of. A rubric names
/// its elements as it likes (事项名称, 服务事项名称 …) and says which kind each one is, so no
/// code depends on an element's Chinese name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElementRole {
    ItemName,
    LegalBasis,
    Conditions,
    Materials,
    Fee,
    Location,
    Hours,
    Phone,
    Process,
}

impl ElementRole {
    pub const ALL: [ElementRole; 9] = [
        ElementRole::ItemName,
        ElementRole::LegalBasis,
        ElementRole::Conditions,
        ElementRole::Materials,
        ElementRole::Fee,
        ElementRole::Location,
        ElementRole::Hours,
        ElementRole::Phone,
        ElementRole::Process,
    ];

    /// The name used in rubric files (`role = "materials"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ElementRole::ItemName => "item_name",
            ElementRole::LegalBasis => "legal_basis",
            ElementRole::Conditions => "conditions",
            ElementRole::Materials => "materials",
            ElementRole::Fee => "fee",
            ElementRole::Location => "location",
            ElementRole::Hours => "hours",
            ElementRole::Phone => "phone",
            ElementRole::Process => "process",
        }
    }

    pub fn parse(s: &str) -> Option<ElementRole> {
        ElementRole::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Values that say nothing: a guide element whose value is one of these counts as missing.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Placeholders {
    pub values: Vec<String>,
    pub prefixes: Vec<String>,
}

/// A kind of sub-column (法规文件, 便民信息 …) and the names portals give it.
#[derive(Clone, Debug, Serialize)]
pub struct ColumnType {
    pub id: String,
    pub name: String,
    pub labels: Vec<String>,
}

/// One machine- or person-checked rule attached to an indicator or a section.
#[derive(Clone, Debug, Serialize)]
pub struct Rule {
    /// Full id, `<indicator or section>/<rule>`, e.g. `1.1/freshness`; unique in the rubric.
    pub id: String,
    /// Short Chinese name, e.g. 栏目更新.
    pub name: String,
    /// Points deducted for each finding of this rule.
    pub deduction: Points,
    pub scope: Scope,
    /// The deduction is taken at most once per department, however many findings there are.
    pub once: bool,
    #[serde(flatten)]
    pub kind: RuleKind,
}

/// Where a rule's deductions land.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// On the indicator the rule belongs to (floor at 0 per indicator).
    Indicator,
    /// On the whole section (floor at 0 for the section).
    Section,
}

/// The closed set of rule kinds. A new edition of a rubric combines these with new
/// parameters; a new kind is a code change (and a new entry in docs/rubric-format.md).
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleKind {
    /// Each (sub-)column must have a dated entry within its window before the as-of date.
    ColumnFreshness {
        /// Window for column types not listed in `windows`.
        default_within: Window,
        /// Windows for particular sub-column types (ids of [`ColumnType`]).
        windows: Vec<TypedWindow>,
    },
    /// Each service guide must have these elements.
    GuideElements { elements: Vec<String>, count: Count },
    /// Every form (办事表格) named in a guide's materials must be offered for download.
    FormsDownloadable,
    /// A key item must offer each of these pieces of content.
    RequiredContent { items: Vec<ContentItem> },
    /// The department's item-sorting table (事项梳理表) must have each of these entries.
    ItemTable {
        entries: Vec<ContentItem>,
        /// Words in the title of the page that publishes the table (default: the rule's name).
        titles: Vec<String>,
    },
    /// A person judges it; the assessor records each occurrence with a reason.
    Manual { prompt: String },
}

/// An update window for some sub-column types.
#[derive(Clone, Debug, Serialize)]
pub struct TypedWindow {
    pub column_types: Vec<String>,
    pub within: Window,
}

/// How missing guide elements are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Count {
    /// Each missing element of each guide costs the deduction (the seed's rule).
    PerItem,
    /// A missing element class costs the deduction once, however many guides lack it
    /// (the 2015 national census rule).
    PerClass,
}

/// A required piece of content and the labels under which a page may offer it.
#[derive(Clone, Debug, Serialize)]
pub struct ContentItem {
    pub name: String,
    /// The guide element this item is, when it is one (then a guide's element counts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// The department that owns this item, when the indicator has several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Labels that mean this item; when the item names a guide element, that element's labels.
    pub labels: Vec<String>,
    /// Look-alike labels that do not count (inherited from the element).
    pub not: Vec<String>,
}

impl Rubric {
    /// Every indicator, in table order.
    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.sections.iter().flat_map(|s| s.indicators.iter())
    }

    /// The indicator with this id.
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators().find(|i| i.id == id)
    }

    /// Every rule (indicator and section rules), in file order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.sections.iter().flat_map(|s| {
            s.rules
                .iter()
                .chain(s.indicators.iter().flat_map(|i| i.rules.iter()))
        })
    }

    /// The rule with this full id (`1.1/freshness`).
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules().find(|r| r.id == id)
    }

    /// The canonical name of a department, given any of its names.
    pub fn department(&self, any_name: &str) -> Option<&Department> {
        let n = any_name.trim();
        self.departments
            .iter()
            .find(|d| d.name == n || d.full_name == n || d.aliases.iter().any(|a| a == n))
    }

    /// The element with this name.
    pub fn element(&self, name: &str) -> Option<&Element> {
        self.elements.iter().find(|e| e.name == name)
    }

    /// The sub-column type with this id.
    pub fn column_type(&self, id: &str) -> Option<&ColumnType> {
        self.column_types.iter().find(|c| c.id == id)
    }
}

impl Rule {
    /// One Chinese sentence saying what the rule checks and what it costs, for tables and
    /// reports (e.g. "法规文件、水电气便民信息每6个月至少更新一次，其他每1年；未更新的每栏扣2分").
    pub fn describe(&self, rubric: &Rubric) -> String {
        let d = self.deduction;
        let mut s = match &self.kind {
            RuleKind::ColumnFreshness {
                default_within,
                windows,
            } => {
                let mut parts: Vec<String> = windows
                    .iter()
                    .map(|w| {
                        let names: Vec<&str> = w
                            .column_types
                            .iter()
                            .map(|t| {
                                rubric
                                    .column_type(t)
                                    .map_or(t.as_str(), |c| c.name.as_str())
                            })
                            .collect();
                        format!("{}每{}", names.join("、"), w.within)
                    })
                    .collect();
                let other = if windows.is_empty() {
                    "各栏目"
                } else {
                    "其他栏目"
                };
                parts.push(format!("{other}每{default_within}"));
                format!("{}至少更新一次；未更新的每栏扣{d}分", parts.join("，"))
            }
            RuleKind::GuideElements { elements, count } => {
                let how = match count {
                    Count::PerItem => "按事项逐个计",
                    Count::PerClass => "同类要素只扣一次",
                };
                format!(
                    "服务指南须含{}项要素（{}）；每缺一项扣{d}分（{how}）",
                    elements.len(),
                    elements.join("、")
                )
            }
            RuleKind::FormsDownloadable => {
                format!("办理材料中的办事表格须提供下载；每发现一项未提供扣{d}分")
            }
            RuleKind::RequiredContent { items } => {
                let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
                format!("须提供：{}；每缺一项扣{d}分", names.join("、"))
            }
            RuleKind::ItemTable { entries, .. } => {
                let names: Vec<&str> = entries.iter().map(|i| i.name.as_str()).collect();
                format!("事项梳理表须含：{}；每缺一项扣{d}分", names.join("、"))
            }
            RuleKind::Manual { prompt } => format!("（人工评判）{prompt}"),
        };
        if self.scope == Scope::Section {
            s.push_str("（作用于整个部分）");
        }
        if self.once {
            s.push_str("（每个单位只扣一次）");
        }
        s
    }

    /// The rule's kind as written in rubric files (`column_freshness` …).
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            RuleKind::ColumnFreshness { .. } => "column_freshness",
            RuleKind::GuideElements { .. } => "guide_elements",
            RuleKind::FormsDownloadable => "forms_downloadable",
            RuleKind::RequiredContent { .. } => "required_content",
            RuleKind::ItemTable { .. } => "item_table",
            RuleKind::Manual { .. } => "manual",
        }
    }
}
