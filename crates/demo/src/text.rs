//! Titles and body text of entries, by column kind. Pure functions of (seed, column, item).

use chrono::NaiveDate;

use crate::rng::{hs, pick};
use crate::site::{Sec, Site};
use crate::vocab::{Ctype, INDICATORS, LEADERS, NEWS_TOPICS, OFFICES, TOWNS};

const LAWS: &[&str] = &[
    "中华人民共和国行政许可法",
    "湖南省行政程序规定",
    "中华人民共和国政府信息公开条例",
    "湖南省规范性文件管理办法",
    "衡阳市人民政府关于深化“放管服”改革的实施意见",
];

/// Flood control is a summer topic; in the cold months the same slot is forest fire prevention.
fn seasonal(topic: &'static str, d: NaiveDate) -> &'static str {
    let m = chrono::Datelike::month(&d);
    match topic {
        "防汛抗旱" if !(4..=9).contains(&m) => "冬春森林防火",
        "秸秆禁烧" if (5..=9).contains(&m) => "夏季安全生产",
        t => t,
    }
}

/// What a leader does on a visit: congress and CPPCC leaders inspect (视察), others
/// supervise or research.
fn verb(leader: &str, r: u64) -> &'static str {
    if leader.contains("人大") || leader.contains("政协") {
        "视察"
    } else {
        pick(&["督查", "调研"], r)
    }
}

/// Title of item `i` of column `c`.
pub fn title(site: &Site, c: usize, i: u64) -> String {
    if let Some(t) = crate::guide::special_title(site, c, i) {
        return t;
    }
    let col = &site.cols[c];
    let r = hs(site.seed, "title", &[c as u64, i]);
    let date = site.item_date(c, i);
    let topic = seasonal(pick(NEWS_TOPICS, r >> 3), date);
    let town = pick(TOWNS, r >> 11);
    let year = date.format("%Y").to_string();
    let n = (r >> 20) % 90 + 1;
    match col.sec {
        Sec::News => match (col.name.as_str(), r % 5) {
            ("通知公告", 0 | 1) => format!("关于做好{year}年{topic}工作的通知"),
            ("通知公告", 2) => format!("关于开展{topic}专项检查的公告"),
            ("通知公告", _) => {
                format!("耒阳市{topic}工作领导小组办公室工作通报（第{n}期）")
            }
            ("乡镇动态", _) => format!("{town}扎实推进{topic}"),
            ("部门动态", _) => format!("{}召开{topic}工作会议", pick(OFFICES, r >> 7)),
            (_, 0) => format!("{}到{town}调研{topic}工作", pick(LEADERS, r >> 7)),
            (_, 1) => format!("我市召开{topic}工作推进会"),
            (_, 2) => {
                let who = pick(LEADERS, r >> 7);
                format!("{who}{}{topic}工作", verb(who, r >> 31))
            }
            (_, 3) => format!("全市{topic}工作现场会在{town}召开"),
            _ => format!("耒阳：{topic}跑出“加速度”"),
        },
        Sec::Xxgk => match col.name.as_str() {
            "政府文件" => {
                format!("耒阳市人民政府办公室关于印发《耒阳市{topic}实施方案》的通知")
            }
            "政策解读" => format!("《耒阳市{topic}实施方案》政策解读"),
            "人事信息" => format!(
                "耒阳市人民政府关于{}等同志职务任免的通知",
                pick(&["张", "李", "刘", "王", "陈", "罗", "谢"], r >> 9)
            ),
            "规划计划" => format!("耒阳市{topic}“十三五”规划（{year}年度实施计划）"),
            "财政预决算" => format!("{}{year}年部门预算公开", pick(OFFICES, r >> 7)),
            "统计信息" => format!("{year}年{}月耒阳市主要经济指标", (r >> 13) % 12 + 1),
            _ => format!("{}{year}年政府信息公开工作年度报告", pick(OFFICES, r >> 7)),
        },
        Sec::Hdjl => match col.name.as_str() {
            "在线咨询" => format!(
                "关于{town}{}的咨询",
                pick(
                    &["道路维修", "低保申请", "学校划片", "房屋登记", "社保转移"],
                    r >> 9
                )
            ),
            _ => format!("关于《耒阳市{topic}办法（征求意见稿）》公开征求意见的公告"),
        },
        Sec::Service => service_title(site, c, i, r),
    }
}

fn service_title(site: &Site, c: usize, i: u64, r: u64) -> String {
    let col = &site.cols[c];
    let ind = col.ind.map(|k| &INDICATORS[k]);
    let topic = ind.map(|s| s.topic).unwrap_or("公共服务");
    let shown = site.dept_shown(col.dept);
    let key = ind.is_some_and(|s| s.id.starts_with("2."));
    let n = (r >> 20) % 40 + 1;
    let year = site.item_date(c, i).format("%Y").to_string();
    match col.ctype {
        Some(Ctype::Policy) if key => format!("{topic}工作相关文件选编（{year}年第{n}辑）"),
        Some(Ctype::Policy) => {
            // Subjects and laws come from the department's own services, so each column
            // reads like that department's file cabinet.
            let svcs = crate::vocab::catalogue(
                crate::vocab::dept(col.dept).slug,
                ind.map(|s| s.id).unwrap_or(""),
            );
            let svc = &svcs[((r >> 7) % svcs.len() as u64) as usize];
            let law = svc.basis.split(['；', ';']).find_map(|p| {
                let a = p.find('《')?;
                let b = p.find('》')?;
                Some(p[a..b + '》'.len_utf8()].to_string())
            });
            let name = svc.name;
            match r % 6 {
                0 => format!("关于印发《耒阳市{name}实施细则》的通知"),
                1 => law.unwrap_or_else(|| format!("《{}》", pick(LAWS, r >> 5))),
                2 => format!("{shown}关于进一步规范{name}工作的通知"),
                3 => format!("湖南省人民政府办公厅关于加强{topic}工作的实施意见（转发）"),
                4 => format!("关于调整{name}有关事项的通知（{year}年第{n}号）"),
                _ => format!("《{}》", pick(LAWS, r >> 5)),
            }
        }
        Some(Ctype::Utility) => {
            let d = site.item_date(c, i);
            let what = pick(&["停水", "停电", "停气"], r >> 4);
            format!(
                "{}月{}日{}部分区域{what}通知",
                chrono::Datelike::month(&d),
                chrono::Datelike::day(&d),
                pick(TOWNS, r >> 9)
            )
        }
        Some(Ctype::Convenience) if key => format!("{topic}服务宣传月活动安排（第{n}期）"),
        Some(Ctype::Convenience) => match r % 3 {
            0 => format!("{shown}业务大厅搬迁公告"),
            1 => format!("{year}年{topic}便民服务热线公布"),
            _ => format!("{topic}业务网上预约服务开通"),
        },
        Some(Ctype::Forms) => format!("{}下载", crate::guide::form_for_download(site, c, i)),
        Some(Ctype::Samples) => format!(
            "{}填写示范文本",
            crate::guide::form_for_download(site, c, i).trim_matches(['《', '》'])
        ),
        Some(Ctype::Faq) if key => format!("{topic}热点问答（第{n}期）"),
        Some(Ctype::Faq) => format!("{topic}常见问题解答（{n}）"),
        Some(Ctype::Guide) => crate::guide::guide_title(site, c, i),
        None => format!("{topic}信息"),
    }
}

/// Paragraphs of an ordinary article's body (escaped text).
pub fn body(site: &Site, c: usize, i: u64, date: NaiveDate) -> Vec<String> {
    let col = &site.cols[c];
    let r = hs(site.seed, "body", &[c as u64, i]);
    let topic = pick(NEWS_TOPICS, r >> 3);
    let town = pick(TOWNS, r >> 11);
    let md = date.format("%-m月%-d日").to_string();
    let mut v = Vec::new();
    match (col.sec, col.ctype) {
        (Sec::Service, Some(Ctype::Utility)) => {
            v.push(format!(
                "因{}，定于{md}8:00至18:00对{town}部分区域暂停供应，届时受影响的区域包括{}及周边。",
                pick(&["管网改造施工", "线路检修", "设备维护"], r >> 5),
                pick(crate::vocab::STREETS, r >> 17)
            ));
            v.push("请相关用户提前做好准备，如遇特殊情况将顺延。由此带来的不便，敬请谅解。".into());
        }
        (Sec::Service, Some(Ctype::Faq)) => {
            v.push(format!(
                "问：在{town}居住的群众办理有关业务，可以就近办理吗？"
            ));
            v.push("答：可以。群众可以到市政务服务中心对应窗口，也可以到所在乡镇（街道）便民服务中心办理。".into());
            v.push("问：材料不齐全怎么办？".into());
            v.push("答：窗口工作人员将一次性告知需要补正的全部内容。".into());
        }
        (Sec::Service, Some(Ctype::Policy)) => {
            v.push("各乡镇人民政府、街道办事处，市直有关单位：".into());
            v.push(format!("为进一步做好相关工作，现将有关事项通知如下。一、提高认识，加强领导。二、明确责任，狠抓落实。三、强化督查，确保实效。请结合{town}等地实际，认真贯彻执行。"));
            // A full date in the body (an earlier document it rests on) is not the
            // publication date: a reader must take the labelled one.
            let earlier = date - chrono::Duration::days((100 + (r >> 23) % 300) as i64);
            v.push(format!(
                "本通知依据{}印发的《耒阳市进一步优化政务服务实施意见》制定，自印发之日起施行。",
                earlier.format("%Y年%-m月%-d日")
            ));
        }
        (Sec::Xxgk, _) => {
            v.push("各乡镇人民政府、街道办事处，市直及驻耒有关单位：".into());
            v.push(format!(
                "《耒阳市{topic}实施方案》已经市人民政府同意，现印发给你们，请认真组织实施。"
            ));
        }
        _ => {
            v.push(format!(
                "{md}，{}深入{town}，就{topic}工作进行专题调研。",
                pick(LEADERS, r >> 7)
            ));
            v.push(format!(
                "调研组一行先后来到{}、{}等地，实地察看工作推进情况，听取有关情况汇报。",
                pick(TOWNS, r >> 23),
                pick(crate::vocab::STREETS, r >> 29)
            ));
            v.push(format!("会议强调，要以高度的政治责任感抓好{topic}各项工作，确保各项任务落到实处，为全市经济社会发展作出新的贡献。"));
        }
    }
    v
}
