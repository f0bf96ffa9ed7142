//! Service guides (办事指南): their content (the 9 elements under labels that vary as real
//! sites vary them, with the traps beside them) and the layouts real portals use.

use crate::html::esc;
use crate::plan::{FormDefect, GuideDefect};
use crate::rng::{hs, pick};
use crate::site::Site;
use crate::vocab::{Ctype, INDICATORS, STREETS, Service, catalogue, dept};

/// Labels this generator uses for each element: a subset of the rubric's synonyms chosen to be
/// unambiguous (a test checks each is among the rubric's labels for that element).
pub const LABELS: &[(&str, &[&str])] = &[
    (
        "事项名称",
        &["事项名称", "办理事项", "服务事项", "项目名称", "事务名称"],
    ),
    (
        "设定依据",
        &[
            "设定依据",
            "办理依据",
            "实施依据",
            "法定依据",
            "法律依据",
            "政策依据",
        ],
    ),
    (
        "申请条件",
        &[
            "申请条件",
            "受理条件",
            "办理条件",
            "申报条件",
            "准予许可的条件",
        ],
    ),
    (
        "办理材料",
        &[
            "办理材料",
            "申请材料",
            "申报材料",
            "所需材料",
            "提交材料",
            "材料清单",
        ],
    ),
    (
        "收费标准及依据",
        &[
            "收费标准",
            "收费标准及依据",
            "收费依据和标准",
            "是否收费",
            "收费情况",
            "办理费用",
        ],
    ),
    (
        "办理地点",
        &["办理地点", "办理地址", "受理地点", "受理窗口", "服务地点"],
    ),
    (
        "办理时间",
        &[
            "办理时间",
            "受理时间",
            "工作时间",
            "办公时间",
            "窗口办公时间",
        ],
    ),
    (
        "联系电话",
        &["联系电话", "咨询电话", "办理电话", "服务电话", "联系方式"],
    ),
    (
        "办理流程",
        &["办理流程", "办理程序", "办事流程", "办理步骤", "审批流程"],
    ),
];

/// Guide layouts seen on real portals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Two-column label/value table.
    KvTable,
    /// A table with several items as columns (shared values with colspan, rowspan labels).
    ItemsAsColumns,
    /// `<dl><dt>label</dt><dd>value</dd></dl>`.
    Dl,
    /// `<h3>label</h3><p>value</p>`.
    Headings,
    /// 一、label / value paragraphs.
    Numbered,
    /// 【label】value.
    Bracketed,
    /// label：value runs inside paragraphs.
    Inline,
    /// A 政务服务网-style tabbed page.
    Tabs,
    /// The whole guide in one paragraph: 一、label value 二、label value …, no colons (copies
    /// pasted from a word processor into an article template).
    RunOn,
}

pub const LAYOUTS: &[Layout] = &[
    Layout::KvTable,
    Layout::ItemsAsColumns,
    Layout::Dl,
    Layout::Headings,
    Layout::Numbered,
    Layout::Bracketed,
    Layout::Inline,
    Layout::Tabs,
    Layout::RunOn,
];

impl Layout {
    pub fn id(self) -> &'static str {
        match self {
            Layout::KvTable => "kv_table",
            Layout::ItemsAsColumns => "items_as_columns",
            Layout::Dl => "dl",
            Layout::Headings => "headings",
            Layout::Numbered => "numbered",
            Layout::Bracketed => "bracketed",
            Layout::Inline => "inline",
            Layout::Tabs => "tabs",
            Layout::RunOn => "run_on",
        }
    }
}

/// A field's value, already HTML.
#[derive(Clone, Debug)]
pub enum Value {
    Text(String),
    Lines(Vec<String>),
    /// Nothing under the label (an empty heading).
    Empty,
    /// An empty element a script would fill in.
    Script(String),
}

#[derive(Clone, Debug)]
pub struct Field {
    pub label: String,
    pub value: Value,
    /// The rubric element this field really gives (None for traps and extras).
    pub element: Option<&'static str>,
}

/// A form named in the materials, and where it can be downloaded.
#[derive(Clone, Debug)]
pub struct Form {
    pub name: String,
    pub href: Option<String>,
    pub defect: Option<FormDefect>,
}

pub struct Guide {
    pub title: String,
    pub layout: Layout,
    pub fields: Vec<Field>,
    pub forms: Vec<Form>,
    pub defect: Option<GuideDefect>,
}

pub const EXTS: &[&str] = &["doc", "docx", "xls", "pdf"];

/// Forms named in a service's materials: 《…表》 or 《…申请书》.
pub fn forms_of(s: &Service) -> Vec<String> {
    let mut v = Vec::new();
    for m in s.materials {
        if let (Some(a), Some(b)) = (m.find('《'), m.find('》')) {
            let name = &m[a..b + '》'.len_utf8()];
            let inner = name.trim_matches(['《', '》']);
            if inner.ends_with('表') || inner.ends_with("申请书") || inner.ends_with("注册书")
            {
                v.push(name.to_string());
            }
        }
    }
    v
}

/// The service behind generic guide `i` of a department's column under an indicator.
fn service(slug: &str, ind: &str, i: u64) -> (&'static Service, String) {
    let svcs = catalogue(slug, ind);
    let n = svcs.len() as u64;
    let s = &svcs[(i % n) as usize];
    let round = i / n;
    // Beyond the catalogue, the same service as each township's 便民服务中心 publishes it.
    let towns = crate::vocab::TOWNS;
    let suffix = match round {
        0 => String::new(),
        r if (r as usize) <= towns.len() => format!("（{}便民服务中心）", towns[r as usize - 1]),
        r => format!(
            "（{}便民服务中心·{}）",
            towns[(r as usize - 1) % towns.len()],
            (r as usize - 1) / towns.len() + 1
        ),
    };
    (s, format!("{}{}", s.name, suffix))
}

/// 2.3 columns carry only guides that name none of 2.3's required items.
const SAFE_23: &[Service] = &[
    Service {
        name: "高校毕业生就业报到手续办理",
        basis: "《普通高等学校毕业生就业工作暂行规定》第三十四条",
        conditions: "已取得毕业证书、落实工作单位或回原籍的本市生源高校毕业生。",
        materials: &[
            "《全国普通高等学校本专科毕业生就业报到证》",
            "毕业证书原件及复印件",
            "本人身份证复印件",
        ],
        fee: "不收费",
    },
    Service {
        name: "高校毕业生档案托管",
        basis: "《流动人员人事档案管理暂行规定》第六条",
        conditions: "未就业或在非公有制单位就业的本市生源高校毕业生。",
        materials: &[
            "《流动人员人事档案托管登记表》",
            "本人身份证复印件",
            "毕业证书复印件",
        ],
        fee: "不收费",
    },
    Service {
        name: "高校毕业生就业见习申请",
        basis: "《关于实施离校未就业高校毕业生就业促进计划的通知》",
        conditions: "离校两年内未就业的高校毕业生。",
        materials: &["《就业见习申请表》", "毕业证书复印件", "本人身份证复印件"],
        fee: "不收费",
    },
];

/// Forms per service of a department's guide column, in catalogue order (for sizing).
pub fn forms_per_service(slug: &str, ind: &str) -> Vec<u64> {
    let svcs: Vec<&Service> = if ind == "2.3" {
        SAFE_23.iter().collect()
    } else {
        catalogue(slug, ind)
    };
    svcs.iter().map(|s| forms_of(s).len() as u64).collect()
}

/// The service of generic guide `i` (for the defect plan).
pub fn service_of(slug: &str, ind: &str, i: u64) -> &'static Service {
    service(slug, ind, i).0
}

pub fn special_title(site: &Site, c: usize, i: u64) -> Option<String> {
    special(site, c, i).map(|s| s.title().to_string())
}

/// The key-service pages the rubric's content rules look for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    /// 2.1: the 居住证 guide (items 0..8 of the content rule).
    ResidencePermitGuide,
    /// 2.1: the page on what a holder is entitled to (item 8).
    ResidenceHolderBenefits,
    /// 2.2: the 随迁子女入学 guide.
    MigrantChildrenGuide,
    /// 2.3 items 0..4.
    StartupPolicy,
    StartupLoanGuide,
    StartupSubsidyGuide,
    StartupBusinessRegistration,
    StartupTaxRegistration,
}

impl Special {
    pub fn title(self) -> &'static str {
        match self {
            Special::ResidencePermitGuide => "居住证办理指南",
            Special::ResidenceHolderBenefits => "居住证持有人享有的基本公共服务和便利",
            Special::MigrantChildrenGuide => "随迁子女入学办事指南",
            Special::StartupPolicy => "耒阳市高校毕业生创业优惠政策",
            Special::StartupLoanGuide => "创业担保贷款申请指南",
            Special::StartupSubsidyGuide => "一次性创业补贴申领指南",
            Special::StartupBusinessRegistration => "高校毕业生创业工商登记指南",
            Special::StartupTaxRegistration => "高校毕业生创业税务登记指南",
        }
    }
    /// Which item of the indicator's content rule this page provides.
    pub fn content_item(self) -> Option<(&'static str, usize)> {
        match self {
            Special::ResidenceHolderBenefits => Some(("2.1", 8)),
            Special::StartupPolicy => Some(("2.3", 0)),
            Special::StartupLoanGuide => Some(("2.3", 1)),
            Special::StartupSubsidyGuide => Some(("2.3", 2)),
            Special::StartupBusinessRegistration => Some(("2.3", 3)),
            Special::StartupTaxRegistration => Some(("2.3", 4)),
            _ => None,
        }
    }
}

/// The special page at item `i` of column `c`, unless the plan removed it.
pub fn special(site: &Site, c: usize, i: u64) -> Option<Special> {
    let col = &site.cols[c];
    let ind = INDICATORS.get(col.ind?)?.id;
    let s = match (ind, col.dept, col.ctype?, i) {
        ("2.1", _, Ctype::Guide, 0) => Special::ResidencePermitGuide,
        ("2.1", _, Ctype::Convenience, 0) => Special::ResidenceHolderBenefits,
        ("2.2", _, Ctype::Guide, 0) => Special::MigrantChildrenGuide,
        ("2.3", "人社局", Ctype::Policy, 0) => Special::StartupPolicy,
        ("2.3", "人社局", Ctype::Guide, 0) => Special::StartupLoanGuide,
        ("2.3", "人社局", Ctype::Guide, 1) => Special::StartupSubsidyGuide,
        ("2.3", "食药工质监管理局", Ctype::Guide, 0) => {
            Special::StartupBusinessRegistration
        }
        ("2.3", "地税局", Ctype::Guide, 0) => Special::StartupTaxRegistration,
        _ => return None,
    };
    match s.content_item() {
        Some((ind, item)) if site.plan.content_missing.get(ind) == Some(&item) => None,
        _ => Some(s),
    }
}

pub fn guide_title(site: &Site, c: usize, i: u64) -> String {
    let col = &site.cols[c];
    if col.ind.map(|k| INDICATORS[k].id) == Some("2.3") {
        let s = &SAFE_23[(i as usize) % SAFE_23.len()];
        return format!("{}办事指南", s.name);
    }
    let (_, name) = service(
        dept(col.dept).slug,
        col.ind.map(|k| INDICATORS[k].id).unwrap_or(""),
        i,
    );
    let r = hs(site.seed, "gtitle", &[c as u64, i]);
    match r % 3 {
        0 => format!("{name}办事指南"),
        1 => format!("{name}服务指南"),
        _ => name,
    }
}

/// A form offered by item `i` of a 表格下载 / 示范文本 column: a form of the department.
pub fn form_for_download(site: &Site, c: usize, i: u64) -> String {
    let col = &site.cols[c];
    let ind = col.ind.map(|k| INDICATORS[k].id).unwrap_or("");
    let all: Vec<String> = catalogue(dept(col.dept).slug, ind)
        .into_iter()
        .flat_map(forms_of)
        .collect();
    if all.is_empty() {
        return "《业务申请表》".into();
    }
    let n = all.len() as u64;
    let name = all[(i % n) as usize].clone();
    if i < n {
        name
    } else {
        format!("{}（{}版）", name, 2017 - (i / n) as i64 + 1)
    }
}

/// File extension of attachment `k` of the article with id `id`.
pub fn ext_of(id: u64, k: u32) -> &'static str {
    EXTS[((id + u64::from(k)) % EXTS.len() as u64) as usize]
}

/// Builds guide `i` of guide column `c`.
pub fn build(site: &Site, c: usize, i: u64) -> Guide {
    let col = &site.cols[c];
    let seed = site.seed;
    let d = dept(col.dept);
    let ind = col.ind.map(|k| INDICATORS[k].id).unwrap_or("");
    let defect = site.plan.guides.get(&(c, i)).copied();
    let r = |tag: &str, k: u64| hs(seed, tag, &[c as u64, i, k]);
    let special = special(site, c, i);
    let mut layout = LAYOUTS[((r("layout", 0) + i) % LAYOUTS.len() as u64) as usize];
    match defect {
        Some(GuideDefect::EmptyProcessHeading) => layout = Layout::Headings,
        Some(GuideDefect::ScriptPhone) => layout = Layout::Tabs,
        _ => {}
    }
    let (svc, name): (&Service, String) = if ind == "2.3" {
        let s = &SAFE_23[(i as usize) % SAFE_23.len()];
        (s, s.name.to_string())
    } else {
        service(d.slug, ind, i)
    };
    let label = |e: usize| -> String { pick(LABELS[e].1, r("label", e as u64)).to_string() };

    // Forms and their download links.
    let id = site.item_id(c, i);
    let date = site.item_date(c, i);
    let form_defect = site.plan.forms.get(&(c, i)).copied();
    // A guide whose materials say only 其他材料 names no form at all.
    let named = if defect == Some(GuideDefect::PlaceholderMaterials) {
        vec![]
    } else {
        forms_of(svc)
    };
    let forms: Vec<Form> = named
        .into_iter()
        .enumerate()
        .map(|(k, name)| {
            let k = k as u32;
            let fd = if k == 0 { form_defect } else { None };
            let href = match fd {
                Some(FormDefect::NotLinked) => None,
                _ => Some(crate::files::attachment_path(
                    seed,
                    id,
                    k,
                    date,
                    ext_of(id, k),
                )),
            };
            Form {
                name,
                href,
                defect: fd,
            }
        })
        .collect();
    let link_style = r("linkstyle", 0) % 3;
    let materials: Vec<String> = svc
        .materials
        .iter()
        .enumerate()
        .map(|(n, m)| {
            let mut line = format!("{}. {}", n + 1, esc(m));
            if let Some(f) = forms.iter().find(|f| m.contains(f.name.as_str()))
                && let Some(h) = &f.href
            {
                match link_style {
                    0 => {
                        line = line.replace(
                            &esc(&f.name),
                            &format!("<a href=\"{h}\">{}</a>", esc(&f.name)),
                        )
                    }
                    1 => line.push_str(&format!("（<a href=\"{h}\">点击下载</a>）")),
                    _ => {}
                }
            }
            line
        })
        .collect();

    let hours = pick(
        &[
            "周一至周五（法定节假日除外）上午8:00—12:00，下午14:30—17:30",
            "工作日 上午8:30-12:00；下午14:00-17:30（夏季14:30-18:00）",
            "星期一至星期五 上午9:00-12:00 下午13:30-17:00，节假日休息",
        ],
        r("hours", 0),
    );
    let location = format!(
        "{}（{}{}号）",
        d.window,
        pick(STREETS, r("street", 0)),
        10 + r("no", 0) % 300
    );
    let process = match r("proc", 0) % 2 {
        0 => Value::Lines(vec![
            "1. 申请：申请人向受理窗口提交申请材料；".into(),
            "2. 受理：窗口工作人员当场审核材料，材料齐全、符合法定形式的予以受理，不齐全的一次性告知需要补正的全部内容；".into(),
            "3. 审查：承办人员对申请材料进行审查，提出审查意见；".into(),
            "4. 决定：负责人签署审批意见，作出准予或不予办理的决定；".into(),
            "5. 送达：窗口通知申请人领取办理结果。".into(),
        ]),
        _ => Value::Text("申请 → 受理 → 审核 → 审批 → 办结（送达）".into()),
    };
    let fee = if svc.fee == "不收费" {
        pick(&["不收费", "免费", "不收取任何费用"], r("fee", 0)).to_string()
    } else {
        svc.fee.to_string()
    };

    let mut fields: Vec<Field> = vec![
        Field {
            label: label(0),
            value: Value::Text(esc(&name)),
            element: Some("事项名称"),
        },
        Field {
            label: label(1),
            value: Value::Text(esc(svc.basis)),
            element: Some("设定依据"),
        },
        Field {
            label: label(2),
            value: Value::Text(esc(svc.conditions)),
            element: Some("申请条件"),
        },
        Field {
            label: label(3),
            value: Value::Lines(materials),
            element: Some("办理材料"),
        },
        Field {
            label: label(4),
            value: Value::Text(esc(&fee)),
            element: Some("收费标准及依据"),
        },
        Field {
            label: label(5),
            value: Value::Text(esc(&location)),
            element: Some("办理地点"),
        },
        Field {
            label: label(6),
            value: Value::Text(esc(hours)),
            element: Some("办理时间"),
        },
        Field {
            label: label(7),
            value: Value::Text(d.phone.into()),
            element: Some("联系电话"),
        },
        Field {
            label: label(8),
            value: process,
            element: Some("办理流程"),
        },
    ];
    // Key-service guides use the rubric's own item names as labels.
    match special {
        Some(Special::ResidencePermitGuide) => {
            fields = residence_fields(site, hours, d.phone);
        }
        Some(Special::MigrantChildrenGuide) => {
            fields = migrant_fields(hours, d.phone, &location);
        }
        _ => {}
    }
    // Traps beside the real elements, as real guides have them.
    let extra = r("traps", 0);
    let deadline = Field {
        label: pick(&["办理时限", "承诺时限", "法定时限"], extra >> 3).into(),
        value: Value::Text(
            pick(
                &[
                    "法定时限20个工作日，承诺时限5个工作日",
                    "即来即办",
                    "受理之日起15个工作日内办结",
                ],
                extra >> 5,
            )
            .into(),
        ),
        element: None,
    };
    let supervise = Field {
        label: pick(&["监督电话", "投诉电话", "监督投诉电话"], extra >> 7).into(),
        value: Value::Text(pick(&["0734-4312345", "12345", "0734-4321889"], extra >> 9).into()),
        element: None,
    };
    let scope = Field {
        label: pick(&["受理范围", "服务对象"], extra >> 11).into(),
        value: Value::Text("本市行政区域内的公民、法人和其他组织".into()),
        element: None,
    };
    // 网上办理地址 is not 办理地点; many guides print it, often as 暂无.
    if extra % 3 == 1 {
        let v = if extra % 2 == 0 {
            "暂无"
        } else {
            "http://www.hnzwfw.gov.cn/"
        };
        fields.push(Field {
            label: "网上办理地址".into(),
            value: Value::Text(v.into()),
            element: None,
        });
    }
    let pos = |fields: &Vec<Field>, e: &str| fields.iter().position(|f| f.element == Some(e));
    if extra % 4 != 0 || defect == Some(GuideDefect::DeadlineNotHours) {
        let at = pos(&fields, "办理时间")
            .map(|p| p + 1)
            .unwrap_or(fields.len());
        fields.insert(at, deadline);
    }
    if extra % 3 != 0 || defect == Some(GuideDefect::SupervisionPhoneOnly) {
        let at = pos(&fields, "联系电话")
            .map(|p| p + 1)
            .unwrap_or(fields.len());
        fields.insert(at, supervise);
    }
    if extra % 5 == 0 || defect == Some(GuideDefect::ScopeNotConditions) {
        let at = pos(&fields, "申请条件").unwrap_or(fields.len());
        fields.insert(at, scope);
    }
    if defect == Some(GuideDefect::CutShort) {
        let first_four = ["事项名称", "设定依据", "申请条件", "办理材料"];
        fields.retain(|f| f.element.is_some_and(|e| first_four.contains(&e)));
    } else if let Some(df) = defect {
        let e = df.element();
        let p = pos(&fields, e);
        match (df, p) {
            (GuideDefect::EmptyProcessHeading, Some(p)) => fields[p].value = Value::Empty,
            (GuideDefect::ScriptPhone, Some(p)) => fields[p].value = Value::Script("lxdh".into()),
            (GuideDefect::PlaceholderLocation, Some(p)) => {
                fields[p].value = Value::Text("详见窗口".into())
            }
            (GuideDefect::PlaceholderFee, Some(p)) => fields[p].value = Value::Text("无".into()),
            (GuideDefect::PlaceholderMaterials, Some(p)) => {
                fields[p].value = Value::Text("其他材料".into())
            }
            (_, Some(p)) => {
                fields.remove(p);
            }
            _ => {}
        }
        for f in &mut fields {
            if f.element == Some(e) {
                f.element = None;
            }
        }
    }
    let title = match special {
        Some(s) => s.title().to_string(),
        None => crate::text::title(site, c, i),
    };
    Guide {
        title,
        layout,
        fields,
        forms,
        defect,
    }
}

fn residence_fields(site: &Site, hours: &str, phone: &str) -> Vec<Field> {
    let missing = site.plan.content_missing.get("2.1").copied();
    let items: [(&str, Value, Option<&'static str>); 8] = [
        ("办理依据", Value::Text("《居住证暂行条例》（国务院令第663号）；《湖南省居住证管理办法》".into()), Some("设定依据")),
        ("收费标准", Value::Text("首次申领居住证免收证件工本费；换领、补领的，按每证20元收取工本费".into()), Some("收费标准及依据")),
        ("申领条件", Value::Text("公民离开常住户口所在地，到本市居住半年以上，符合有合法稳定就业、合法稳定住所、连续就读条件之一的，可以申领居住证。".into()), Some("申请条件")),
        ("办理程序", Value::Lines(vec!["1. 申请人向居住地公安派出所提交材料；".into(), "2. 派出所审核，符合条件且材料齐全的当场受理；".into(), "3. 自受理之日起15日内制作发放居住证。".into()]), Some("办理流程")),
        ("办理材料", Value::Lines(vec!["1. 《居住证申领登记表》".into(), "2. 本人居民身份证".into(), "3. 近期一寸白底彩色照片".into(), "4. 居住地住址、就业、就读等证明材料".into()]), Some("办理材料")),
        ("办理地点", Value::Text("居住地公安派出所户籍窗口".into()), Some("办理地点")),
        ("办理时间", Value::Text(hours.into()), Some("办理时间")),
        ("联系电话", Value::Text(phone.into()), Some("联系电话")),
    ];
    let mut v = vec![Field {
        label: "事项名称".into(),
        value: Value::Text("居住证申领".into()),
        element: Some("事项名称"),
    }];
    for (k, (label, value, element)) in items.into_iter().enumerate() {
        if missing != Some(k) {
            v.push(Field {
                label: label.into(),
                value,
                element,
            });
        }
    }
    v
}

fn migrant_fields(hours: &str, phone: &str, location: &str) -> Vec<Field> {
    vec![
        Field { label: "事项名称".into(), value: Value::Text("进城务工人员随迁子女义务教育入学".into()), element: Some("事项名称") },
        Field { label: "政策依据".into(), value: Value::Text("按照“以流入地政府为主、以公办学校为主”的原则，保障符合条件的随迁子女平等接受义务教育（《耒阳市义务教育阶段学校招生工作方案》）。".into()), element: Some("设定依据") },
        Field { label: "申请条件".into(), value: Value::Text("父母一方在本市有合法稳定职业和合法稳定住所，持有本市居住证。".into()), element: Some("申请条件") },
        Field { label: "入学流程".into(), value: Value::Lines(vec!["1. 6月20日至7月10日网上或现场报名；".into(), "2. 学校审核材料；".into(), "3. 教育局统筹安排学位；".into(), "4. 8月下旬公布录取结果。".into()]), element: Some("办理流程") },
        Field { label: "证件要求".into(), value: Value::Text("父母的居民身份证、居住证，儿童的户口簿，均须原件及复印件。".into()), element: None },
        Field { label: "办理材料".into(), value: Value::Lines(vec!["1. 《随迁子女入学申请表》".into(), "2. 就业证明或营业执照".into(), "3. 房产证或租房合同".into()]), element: Some("办理材料") },
        Field { label: "收费标准".into(), value: Value::Text("不收费".into()), element: Some("收费标准及依据") },
        Field { label: "办理地点".into(), value: Value::Text(esc(location)), element: Some("办理地点") },
        Field { label: "办理时间".into(), value: Value::Text(hours.into()), element: Some("办理时间") },
        Field { label: "联系电话".into(), value: Value::Text(phone.into()), element: Some("联系电话") },
    ]
}

fn value_html(v: &Value) -> String {
    match v {
        Value::Text(t) => t.clone(),
        Value::Lines(l) => l.join("<br />"),
        Value::Empty => String::new(),
        Value::Script(id) => format!("<span id=\"{id}\"></span>"),
    }
}

fn value_paras(v: &Value) -> String {
    match v {
        Value::Text(t) => format!("<p>{t}</p>"),
        Value::Lines(l) => l.iter().map(|x| format!("<p>{x}</p>")).collect(),
        Value::Empty => String::new(),
        Value::Script(id) => format!("<p><span id=\"{id}\"></span></p>"),
    }
}

/// A field's value run into one line (lists joined with ；), for the run-on layout.
fn value_inline(v: &Value) -> String {
    match v {
        Value::Lines(l) => l.join("；"),
        other => value_html(other),
    }
}

const CN_NUM: &[&str] = &[
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
    "十五",
];

/// The guide's body HTML in its layout.
pub fn render(g: &Guide, seed: u64) -> String {
    let mut h = String::with_capacity(8192);
    let scripts = g.fields.iter().filter_map(|f| match &f.value {
        Value::Script(id) => Some(id.clone()),
        _ => None,
    });
    match g.layout {
        Layout::KvTable => {
            h.push_str("<table class=\"bszn_table\" width=\"100%\" border=\"1\" cellspacing=\"0\" cellpadding=\"6\">\n");
            for f in &g.fields {
                h.push_str(&format!(
                    "<tr><td class=\"bt\" width=\"20%\">{}</td><td>{}</td></tr>\n",
                    f.label,
                    value_html(&f.value)
                ));
            }
            h.push_str("</table>\n");
        }
        Layout::ItemsAsColumns => {
            let (label, name) = g
                .fields
                .iter()
                .find(|f| f.element == Some("事项名称"))
                .map(|f| (f.label.clone(), value_html(&f.value)))
                .unwrap_or_default();
            h.push_str("<table class=\"sxb\" border=\"1\" cellspacing=\"0\" cellpadding=\"5\" width=\"100%\">\n");
            h.push_str(&format!(
                "<tr><th>{label}</th><th>{name}（首次办理）</th><th>{name}（补办）</th></tr>\n"
            ));
            for f in &g.fields {
                match (&f.value, f.element) {
                    (_, Some("事项名称")) => {}
                    // Materials differ between the two items: a reissue needs less.
                    (Value::Lines(l), Some("办理材料")) => {
                        let form = l
                            .iter()
                            .find(|x| x.contains('《'))
                            .cloned()
                            .unwrap_or_else(|| "1. 书面申请".into());
                        let form = form
                            .split_once(". ")
                            .map(|p| p.1.to_string())
                            .unwrap_or(form);
                        h.push_str(&format!(
                            "<tr><td>{}</td><td>{}</td><td>1. {form}<br />2. 本人居民身份证原件及复印件<br />3. 原证件遗失或损毁的书面说明</td></tr>\n",
                            f.label,
                            l.join("<br />")
                        ));
                    }
                    // The process, then the online pre-check under the same (rowspan) label.
                    (v, Some("办理流程")) => {
                        h.push_str(&format!(
                            "<tr><td rowspan=\"2\">{}</td><td colspan=\"2\">{}</td></tr>\n<tr><td colspan=\"2\">委托办理：申请人可委托他人代为办理，代理人须携带授权委托书及本人身份证原件。</td></tr>\n",
                            f.label,
                            value_html(v)
                        ));
                    }
                    _ => h.push_str(&format!(
                        "<tr><td>{}</td><td colspan=\"2\">{}</td></tr>\n",
                        f.label,
                        value_html(&f.value)
                    )),
                }
            }
            h.push_str("</table>\n");
        }
        Layout::Dl => {
            h.push_str("<dl class=\"guide-dl\">\n");
            for f in &g.fields {
                h.push_str(&format!(
                    "<dt>{}</dt><dd>{}</dd>\n",
                    f.label,
                    value_html(&f.value)
                ));
            }
            h.push_str("</dl>\n");
        }
        Layout::Headings => {
            for f in &g.fields {
                h.push_str(&format!(
                    "<h3 class=\"bszn_tit\">{}</h3>\n{}\n",
                    f.label,
                    value_paras(&f.value)
                ));
            }
        }
        Layout::Numbered => {
            for (n, f) in g.fields.iter().enumerate() {
                h.push_str(&format!(
                    "<p><strong>{}、{}</strong></p>\n",
                    CN_NUM.get(n).copied().unwrap_or("十六"),
                    f.label
                ));
                h.push_str(&match &f.value {
                    Value::Lines(l) => l
                        .iter()
                        .enumerate()
                        .map(|(k, x)| {
                            format!(
                                "<p>（{}）{}</p>",
                                CN_NUM.get(k).copied().unwrap_or("十"),
                                x.split_once(". ").map(|p| p.1).unwrap_or(x)
                            )
                        })
                        .collect::<String>(),
                    v => value_paras(v),
                });
                h.push('\n');
            }
        }
        Layout::Bracketed => {
            for f in &g.fields {
                h.push_str(&format!("<p>【{}】{}</p>\n", f.label, value_html(&f.value)));
            }
        }
        Layout::Inline => {
            let mut chunk = Vec::new();
            for (n, f) in g.fields.iter().enumerate() {
                chunk.push(format!("{}：{}", f.label, value_html(&f.value)));
                if n % 3 == 2 {
                    h.push_str(&format!("<p>{}</p>\n", chunk.join("　")));
                    chunk.clear();
                }
            }
            if !chunk.is_empty() {
                h.push_str(&format!("<p>{}</p>\n", chunk.join("　")));
            }
        }
        Layout::RunOn => {
            let parts: Vec<String> = g
                .fields
                .iter()
                .enumerate()
                .map(|(n, f)| {
                    // The labels keep the bold of the word processor they were pasted from;
                    // the text runs on.
                    format!(
                        "<span class=\"bt\">{}、{}</span> {}",
                        CN_NUM.get(n).copied().unwrap_or("十六"),
                        f.label,
                        value_inline(&f.value)
                    )
                })
                .collect();
            h.push_str(&format!("<p>{}</p>\n", parts.join(" ")));
        }
        Layout::Tabs => {
            h.push_str("<ul class=\"tab_nav\"><li class=\"on\">基本信息</li><li>办理材料</li><li>办理流程</li><li>常见问题</li></ul>\n<div class=\"tab_con\">\n");
            for f in &g.fields {
                h.push_str(&format!("<div class=\"item\"><span class=\"tit\">{}：</span><span class=\"con\">{}</span></div>\n", f.label, value_html(&f.value)));
            }
            h.push_str("<div class=\"item\"><span class=\"tit\">常见问题：</span><span class=\"con\">暂无</span></div>\n</div>\n");
        }
    }
    let ids: Vec<String> = scripts.collect();
    if !ids.is_empty() {
        h.push_str("<script type=\"text/javascript\">\n");
        for id in ids {
            h.push_str(&format!("fetch('/e/api/sxxq.php?id={}').then(function(r){{return r.json();}}).then(function(d){{document.getElementById('{id}').textContent=d.{id};}});\n", seed % 100000));
        }
        h.push_str("</script>\n");
    }
    // Downloadable forms as an attachment list (not for the forms linked inline).
    let listed: Vec<&Form> = g.forms.iter().filter(|f| f.href.is_some()).collect();
    if !listed.is_empty() {
        h.push_str("<div class=\"fujian\"><p><strong>附件下载：</strong></p>\n");
        for f in listed {
            if let Some(href) = &f.href {
                let ext = href.rsplit('.').next().unwrap_or("doc");
                h.push_str(&format!(
                    "<p><a href=\"{href}\">{}.{ext}</a></p>\n",
                    f.name.trim_matches(['《', '》'])
                ));
            }
        }
        h.push_str("</div>\n");
    }
    h
}
