//! What each element's *value* looks like, independent of its label: office hours have
//! weekdays and clock ranges, a phone has a number, materials name documents, a process has
//! steps. Used to trust a weak label (上班时间 → 办理时间), to catch a mislabelled section (a
//! 申报条件 heading over a list of documents), and to recognise sections whose labels were lost.
//!
//! These are shapes of content, keyed by the element's role (`role = "materials"` in the
//! rubric); labels, traps and placeholders are never here (they come from the rubric). An
//! element a future rubric adds without a role is judged by its labels alone.

use std::sync::LazyLock;

use regex::Regex;
use rubric::ElementRole;

use crate::dates::re;

struct Shape {
    role: ElementRole,
    /// Each distinct word found scores 1.
    words: &'static [&'static str],
    /// Each pattern found scores 2.
    strong: &'static [&'static str],
    /// Score needed to recognise the element from content alone.
    alone: u32,
}

const SHAPES: &[Shape] = &[
    Shape {
        role: ElementRole::LegalBasis,
        words: &["条例", "办法", "规定", "法》", "第", "条"],
        strong: &[
            r"《[^》]{2,60}(?:法|条例|办法|规定|意见|通知|决定|细则|令|规则|规范|方案)》",
            r"第[一二三四五六七八九十百零〇\d]+条",
            r"〔\d{4}〕|\[\d{4}\]",
        ],
        alone: 5,
    },
    Shape {
        role: ElementRole::Conditions,
        words: &[
            "年满",
            "周岁",
            "具有",
            "具备",
            "符合",
            "户籍",
            "居住",
            "以上",
            "以下",
            "条件",
            "应当",
            "人员",
            "家庭",
            "低于",
            "持有",
            "满足",
            "可以申领",
            "可申请",
            "之一",
        ],
        strong: &[],
        alone: 4,
    },
    Shape {
        role: ElementRole::Materials,
        words: &[
            "身份证",
            "户口簿",
            "户口本",
            "原件",
            "复印件",
            "照片",
            "相片",
            "证明",
            "申请表",
            "登记表",
            "证书",
            "合同",
            "执照",
            "协议",
            "一式",
            "份",
            "申请书",
            "报告书",
            "批复文件",
            "图纸",
        ],
        strong: &[],
        alone: 4,
    },
    Shape {
        role: ElementRole::Fee,
        words: &["收费", "工本费", "费用", "收取"],
        strong: &[r"不收费|免费|免收|不收取|无偿", r"\d+(?:\.\d+)?\s*元"],
        alone: 4,
    },
    Shape {
        role: ElementRole::Location,
        words: &[
            "路",
            "街",
            "巷",
            "大道",
            "号",
            "楼",
            "室",
            "中心",
            "派出所",
            "办事处",
            "社区",
            "政府",
            "服务站",
            "机构",
            "医院",
            "卫生院",
        ],
        strong: &[r"大厅|窗口|\d+\s*(?:楼|层|室|号)|[路街道巷]\d+号"],
        alone: 4,
    },
    Shape {
        role: ElementRole::Hours,
        words: &["上午", "下午", "节假日", "工作日", "每天", "全天", "双休"],
        strong: &[
            r"周[一二三四五六日天]|星期[一二三四五六日天]",
            r"\d{1,2}\s*[:：]\s*\d{2}\s*[-—~－至到]+\s*\d{1,2}\s*[:：]\s*\d{2}",
        ],
        alone: 4,
    },
    Shape {
        role: ElementRole::Phone,
        words: &["电话", "咨询"],
        strong: &[
            r"(?:^|[^\d])(?:0\d{2,3}\s*[-－—]?\s*\d{7,8}|1[3-9]\d{9}|\d{7,8}|12345)(?:[^\d]|$)",
        ],
        alone: 4,
    },
    Shape {
        role: ElementRole::Process,
        words: &[
            "申请",
            "受理",
            "审核",
            "审查",
            "审批",
            "审验",
            "查验",
            "核查",
            "提交",
            "领取",
            "办结",
            "公示",
            "发放",
            "决定",
            "送达",
            "出具",
            "告知",
            "填写",
            "初审",
            "复审",
            "工作人员",
            "申请人",
            "窗口",
            "→",
            "——",
        ],
        strong: &[r"(?:^|\s)[1１一][、.．].*(?:\s|；|;)[2２二][、.．]"],
        alone: 6,
    },
];

struct Compiled {
    role: ElementRole,
    words: &'static [&'static str],
    strong: Vec<Regex>,
    alone: u32,
}

static COMPILED: LazyLock<Vec<Compiled>> = LazyLock::new(|| {
    SHAPES
        .iter()
        .map(|s| Compiled {
            role: s.role,
            words: s.words,
            strong: s.strong.iter().map(|p| re(p)).collect(),
            alone: s.alone,
        })
        .collect()
});

/// How much `value` looks like an element of kind `role` (0 = not at all; `None` = the
/// element has no known shape).
pub fn score(role: Option<ElementRole>, value: &str) -> Option<u32> {
    let c = COMPILED.iter().find(|c| Some(c.role) == role)?;
    let value = &crate::text::halfwidth(value);
    let words = c.words.iter().filter(|w| value.contains(*w)).count() as u32;
    let strong = c.strong.iter().filter(|r| r.is_match(value)).count() as u32;
    Some(words + 2 * strong)
}

/// The score at which content alone names the element.
pub fn alone(role: Option<ElementRole>) -> Option<u32> {
    COMPILED
        .iter()
        .find(|c| Some(c.role) == role)
        .map(|c| c.alone)
}

/// Words of a service's name (申领, 登记, 许可 …): a title with one is an item name.
pub const SERVICE_NAME_WORDS: &[&str] = &[
    "办理", "申领", "登记", "许可", "审批", "认定", "指南", "申请", "置换", "保障", "备案", "核准",
    "换领", "补领", "办证", "确认", "给付", "注册", "变更", "注销", "发放", "补贴", "证明", "审核",
    "核发", "年检", "证",
];

/// Labels of a 政务公开 article's index block (索引号 aside): page metadata, not guide fields.
pub const DISCLOSURE_META_LABELS: &[&str] = &[
    "发布机构",
    "成文日期",
    "主题分类",
    "文号",
    "发布日期",
    "信息来源",
    "公开方式",
    "公开范围",
    "公开时限",
    "生效日期",
    "废止日期",
    "组配分类",
    "公开目录",
    "公开责任部门",
    "公开日期",
    "归档时间",
];

/// How the title of a guide page ends, after the service's name (办事指南, 办事流程 …).
pub const GUIDE_TITLE_ENDINGS: &[&str] = &[
    "办事指南",
    "服务指南",
    "办理指南",
    "申报指南",
    "申请指南",
    "办事须知",
    "办理须知",
    "办事流程",
    "办理流程",
    "办理程序",
    "申领程序",
    "申领流程",
    "申请程序",
    "申请流程",
    "办证程序",
    "办证流程",
    "办理手续",
    "如何办理",
    "怎样办理",
    "怎么办理",
    "办理规程",
    "服务规程",
    "工作规程",
    "指南",
    "须知",
];

/// Words of a page that tells how to write guides (“办事指南”格式范本, 办事指南格式规范表): it
/// carries every label, with instructions or blanks for values, and describes no service.
pub const TEMPLATE_WORDS: &[&str] = &[
    "格式范本",
    "格式规范",
    "格式模板",
    "指南模板",
    "编制规范",
    "编写规范",
    "填写规范",
    "编制说明",
    "填写说明",
    "编写说明",
];

/// Genre words of a disclosure catalogue (标准目录): pages that list elements as columns.
pub const CATALOGUE_WORDS: &[&str] = &[
    "公开事项",
    "公开内容",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开方式",
    "公开层级",
    "公开渠道",
    "公开对象",
];

/// Title endings of notices and news items (公告, 通知 …): such a page may name a service's
/// time, place and materials, but it is not the service's guide.
pub const NOTICE_TITLE_ENDINGS: &[&str] = &[
    "公告", "通知", "公示", "通报", "简章", "启事", "通告", "意见", "决定", "报告", "讲话", "纪要",
    "答复", "函", "新闻", "动态", "简报", "办法",
];

/// A deadline (婴儿出生1月内, 最迟不得超过6个月, 20个工作日内办结), not opening hours: what an
/// 办理时间 label sometimes heads. Only where the value has no hours of its own (checked by the
/// caller with the hours shape).
pub fn is_deadline(value: &str) -> bool {
    static DEADLINE: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?:\d+|[一二三四五六七八九十两半]+)\s*个?\s*(?:月|日|天|年|周|工作日)(?:之)?内|最迟|期限|时限|办结",
        )
        .ok()
    });
    DEADLINE.as_ref().is_some_and(|re| re.is_match(value))
}

/// The page's own buttons and the residue of an image, which a saved or flattened page leaves
/// where a section's content was (a flow chart drawn as a picture, then 打印).
const CHROME_WORDS: &[&str] = &[
    "打印本页",
    "关闭窗口",
    "加入收藏",
    "打印",
    "关闭",
    "返回",
    "收藏",
    "分享",
    "纠错",
    "顶部",
    "扫一扫",
    "字体",
    "大",
    "中",
    "小",
];

/// A value that is only page chrome (打印, 【关闭窗口】) or an image's residue (`![]()`,
/// `[图片]`): nothing a reader of the guide could use, so the section is empty.
pub fn is_chrome_only(value: &str) -> bool {
    let mut rest = value
        .replace("![]()", " ")
        .replace("[图片]", " ")
        .replace("图片", " ");
    for w in CHROME_WORDS {
        rest = rest.replace(w, " ");
    }
    !value.trim().is_empty() && !rest.chars().any(|c| c.is_alphanumeric())
}

/// A fee stated in passing, inside another section (一律免收工本费, 每证收取证书工本费4元,
/// 不收费): a guide that says it anywhere has said what the service costs.
pub fn fee_in_passing(text: &str) -> bool {
    static FEE: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?:免收|免交|免缴|不收取|无需缴纳|不需缴纳)\p{Han}{0,6}费|不收费|免费办理|收取\p{Han}{0,10}费\p{Han}{0,6}\d+(?:\.\d+)?\s*元|(?:工本费|手续费|服务费)\p{Han}{0,6}\d+(?:\.\d+)?\s*元",
        )
        .ok()
    });
    FEE.as_ref().is_some_and(|re| re.is_match(text))
}

/// Documents named inside the steps (持《评定表》及二寸照片五张、本人身份证到县残联办理;
/// 携带…户口本、身份证、生育证在…办理): the guide lists its materials, only not under a label
/// of their own. A verb of bringing, then at least two different documents in one sentence.
pub fn materials_in_passing(text: &str) -> bool {
    static BRING: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?:携带|持有?|提交|提供|带上|凭)([^。；;！!？?]{4,160})").ok()
    });
    const DOCUMENTS: &[&str] = &[
        "身份证",
        "户口簿",
        "户口本",
        "照片",
        "相片",
        "证明",
        "申请表",
        "登记表",
        "评定表",
        "审批表",
        "结婚证",
        "生育证",
        "营业执照",
        "证书",
        "手册",
        "合同",
        "复印件",
        "原件",
    ];
    // A sentence that introduces the list of documents (并提交以下证明、凭证: (一)…).
    static INTRODUCES: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
                r"(?:提交|提供|携带|准备|出具)(?:以下|下列|如下)[\p{Han}、]{0,8}?(?:材料|证明|证件|资料|文件|凭证|要件)[\p{Han}、]{0,6}[:：]",
            )
            .ok()
    });
    INTRODUCES.as_ref().is_some_and(|re| re.is_match(text))
        || BRING.as_ref().is_some_and(|re| {
            re.captures_iter(text).any(|c| {
                let after = c.get(1).map_or("", |m| m.as_str());
                DOCUMENTS.iter().filter(|d| after.contains(*d)).count() >= 2
            })
        })
}
