//! The site profile: what an assessor knows about one portal that the pages do not say
//! plainly — which column is which indicator and sub-column type, and which department owns
//! a column, a URL prefix or a required item. Everything here overrides the automatic
//! mapping; `kaohe map --write-profile` writes the automatic mapping out as a profile to edit.
//!
//! ```toml
//! [portal]
//! name = "耒阳市人民政府门户网站"
//!
//! [[columns]]                       # one column, found by its path or its URL prefix
//! path = "公共服务 > 教育服务 > 相关政策"
//! indicator = "1.1"
//! type = "policy"                   # a column_types id of the rubric
//! department = "教育局"
//!
//! [[columns]]
//! url_prefix = "/ggfw/zjbl/gaj/"    # every column under this prefix
//! department = "公安局"
//!
//! [[columns]]
//! path = "信息公开 > 重点领域 > 社会保险"
//! indicator = "1.3"
//! overview = false                  # a column of 1.3, not its own page: checked for freshness
//!
//! [[columns]]
//! path = "公共服务 > 互动"
//! ignore = true                     # not a service column: never placed
//!
//! [[items]]                         # who owns a required-content item or a table entry
//! indicator = "2.3"
//! item = "工商登记指南"
//! department = "食药工质监管理局"
//! ```

use std::fmt;
use std::path::Path;

use rubric::Rubric;
use serde::{Deserialize, Serialize};

/// A parsed, checked site profile.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default)]
    pub portal: Portal,
    #[serde(default)]
    pub columns: Vec<ColumnRule>,
    #[serde(default)]
    pub items: Vec<ItemOwner>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Portal {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
}

/// An override for the columns it matches (by exact path, or by URL prefix).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ColumnRule {
    /// The column path as `kaohe map` prints it: segments joined with " > ".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A URL path prefix (`/ggfw/jyfw/`) or a whole URL prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub column_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// The column is the indicator's own page (`true`) or one of its sub-columns (`false`);
    /// unset, the automatic call stands (a column moved to another indicator is a sub-column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overview: Option<bool>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore: bool,
}

/// The department that owns a required-content item or an item-table entry.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ItemOwner {
    pub indicator: String,
    pub item: String,
    pub department: String,
}

/// A profile that cannot be used, said in Chinese with what to do.
#[derive(Debug)]
pub struct ProfileError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "站点配置 {}：{}", self.file, self.message)
    }
}

impl std::error::Error for ProfileError {}

impl Profile {
    /// Reads and checks a profile file against the rubric it will be used with.
    pub fn load(path: &Path, rubric: &Rubric) -> Result<Profile, ProfileError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ProfileError {
            file: file.clone(),
            message: format!("无法读取（{}）：请检查路径和读取权限", crate::io_reason(&e)),
        })?;
        Profile::parse(&file, &text, rubric)
    }

    /// Parses and checks a profile's text.
    pub fn parse(file: &str, text: &str, rubric: &Rubric) -> Result<Profile, ProfileError> {
        let err = |message: String| ProfileError {
            file: file.to_string(),
            message,
        };
        let p: Profile = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!("第 {line} 行：")
                })
                .unwrap_or_default();
            err(format!(
                "{at}格式不对（{}）。可用 kaohe map --write-profile 生成一份再修改",
                crate::toml_reason(e.message())
            ))
        })?;
        for (i, c) in p.columns.iter().enumerate() {
            let n = i + 1;
            if c.path.is_none() && c.url_prefix.is_none() {
                return Err(err(format!(
                    "第 {n} 个 [[columns]] 既没有 path 也没有 url_prefix：请写明它对应哪个栏目"
                )));
            }
            if let Some(id) = &c.indicator
                && rubric.indicator(id).is_none()
            {
                return Err(err(format!(
                    "第 {n} 个 [[columns]] 的 indicator = \"{id}\" 不在指标体系 {} 中：请用 kaohe rubric show 查看指标编号",
                    rubric.id
                )));
            }
            if let Some(t) = &c.column_type
                && rubric.column_type(t).is_none()
            {
                let ids: Vec<&str> = rubric.column_types.iter().map(|t| t.id.as_str()).collect();
                return Err(err(format!(
                    "第 {n} 个 [[columns]] 的 type = \"{t}\" 不是子栏目类型：可用 {}",
                    ids.join("、")
                )));
            }
            if let Some(d) = &c.department
                && rubric.department(d).is_none()
            {
                return Err(err(format!(
                    "第 {n} 个 [[columns]] 的 department = \"{d}\" 不在单位名录中：请用名录中的名称或别名"
                )));
            }
        }
        for (i, it) in p.items.iter().enumerate() {
            let n = i + 1;
            if rubric.indicator(&it.indicator).is_none() {
                return Err(err(format!(
                    "第 {n} 个 [[items]] 的 indicator = \"{}\" 不在指标体系中",
                    it.indicator
                )));
            }
            if rubric.department(&it.department).is_none() {
                return Err(err(format!(
                    "第 {n} 个 [[items]] 的 department = \"{}\" 不在单位名录中",
                    it.department
                )));
            }
        }
        Ok(p)
    }

    /// The overrides that apply to a column, most specific last (so later ones win).
    pub(crate) fn rules_for<'a>(&'a self, path: &str, url: &str) -> Vec<&'a ColumnRule> {
        let mut hits: Vec<(usize, &ColumnRule)> = self
            .columns
            .iter()
            .filter_map(|c| {
                if let Some(p) = &c.path {
                    return (p.split('>').map(str::trim).collect::<Vec<_>>().join(" > ") == path)
                        .then_some((usize::MAX, c));
                }
                let pre = c.url_prefix.as_deref()?;
                let hit = url.starts_with(pre)
                    || url::Url::parse(url).is_ok_and(|u| u.path().starts_with(pre));
                hit.then_some((pre.len(), c))
            })
            .collect();
        hits.sort_by_key(|(specificity, _)| *specificity);
        hits.into_iter().map(|(_, c)| c).collect()
    }

    /// The owner the profile names for a required item, if any.
    pub(crate) fn item_owner(&self, indicator: &str, item: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|o| o.indicator == indicator && o.item == item)
            .map(|o| o.department.as_str())
    }
}
