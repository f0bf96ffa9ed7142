//! Patterns of real pages the reader must generalise to, each on a small page built from the
//! pattern (not copied from any one site): a publication date written by an inline script,
//! a guide in an article template, a run-on guide, a Traditional copy.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use extract::{Kind, Vocabulary};

fn page(html: &str) -> extract::PageFacts {
    let vocab = Vocabulary::bundled().unwrap();
    let url = url::Url::parse("http://www.example.gov.cn/tzgg/content_12345.html").unwrap();
    extract::page(
        &url,
        html.as_bytes(),
        Some("text/html; charset=utf-8"),
        &vocab,
    )
}

/// TRS-style articles print 发布时间： and then let a script write the date; the date in the
/// body text is another date and must not be taken for the publication date.
#[test]
fn a_date_written_by_script_beside_its_label() {
    let body = "本局于2016年3月1日起实施新的办理流程。".repeat(20);
    let html = format!(
        "<html><head><title>关于调整办事窗口时间的通知</title></head><body>\
         <div class=\"nav\"><a href=\"/\">首页</a> &gt; <a href=\"/tzgg/\">通知公告</a></div>\
         <h1>关于调整办事窗口时间的通知</h1>\
         <div class=\"info\">发布时间：<script>var pubdata='2017年11月24日'; document.write(pubdata);</script> 来源：县政府办</div>\
         <div class=\"content\"><p>{body}</p></div></body></html>"
    );
    let f = page(&html);
    assert_eq!(f.kind, Kind::Article);
    assert_eq!(
        f.published.map(|d| d.to_string()).as_deref(),
        Some("2017-11-24")
    );
}

/// A script that writes something else (a counter, an ad) adds no date.
#[test]
fn other_scripts_add_nothing() {
    let html = "<html><body><p>访问量：<script>document.write('12345')</script></p>\
                <script>var d='2015-01-01';</script></body></html>";
    let f = page(html);
    let text = f.title.unwrap_or_default();
    assert!(!text.contains("2015"));
    assert_eq!(f.published, None);
}

/// A whole guide in one paragraph, numbered, no colons: every element is read.
#[test]
fn a_run_on_guide_in_an_article_template() {
    let html = "<html><head><title>最低生活保障金给付办事指南</title></head><body>\
        <div>索引号：000/2017-001 发布机构：县民政局 发布日期：2017-06-01</div>\
        <p>一、事项名称 最低生活保障金给付 二、办理依据 《社会救助暂行办法》第九条 三、受理单位及办理地点 县政务服务中心一楼民政窗口 \
        四、办理条件 共同生活的家庭成员人均收入低于当地最低生活保障标准 五、申请材料 1、户口簿 2、身份证 3、收入证明 \
        六、基本流程 申请、受理、审核、公示、审批 七、收费依据及标准 不收费 八、办理时间 工作日上午8:00-12:00，下午14:30-17:30 \
        九、咨询方式 电话咨询：0734-1234567</p></body></html>";
    let f = page(html);
    let g = f.guide.expect("a guide");
    for name in [
        "事项名称",
        "设定依据",
        "申请条件",
        "办理材料",
        "收费标准及依据",
        "办理时间",
        "联系电话",
        "办理流程",
    ] {
        assert!(
            g.element(name).unwrap().present,
            "{name}: {:?}",
            g.element(name)
        );
    }
}

/// A Traditional copy of a guide is read like the Simplified original.
#[test]
fn a_traditional_copy_is_read() {
    let html = "<html><head><title>居住證辦理指南</title></head><body>\
        <p>一、辦理依據：《居住證暫行條例》</p><p>二、申請條件：在本市居住半年以上</p>\
        <p>三、辦理材料：身份證、居住證明、照片</p><p>四、收費標準：不收費</p>\
        <p>五、聯繫電話：0734-7654321</p><p>六、辦理流程：申請、受理、審核、發證</p></body></html>";
    let f = page(html);
    let g = f.guide.expect("a guide");
    for name in [
        "设定依据",
        "申请条件",
        "办理材料",
        "收费标准及依据",
        "联系电话",
        "办理流程",
    ] {
        assert!(g.element(name).unwrap().present, "{name}");
    }
}
