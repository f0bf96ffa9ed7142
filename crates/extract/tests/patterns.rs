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

/// A guide published through the 政务公开 article template: still a guide, and its index
/// block (索引号, 发布机构 …) is not read as any element (the publisher is not the place).
#[test]
fn a_guide_in_an_article_template() {
    let html = "<html><head><title>出租汽车驾驶员从业资格证核发</title></head><body>\
        <table class=\"docmeta\"><tr><td>索引号：</td><td>430481001/2017-68864</td><td>主题分类：</td><td>办理指南</td></tr>\
        <tr><td>发布机构：</td><td>市交通运输局</td><td>成文日期：</td><td>2017-06-14</td></tr>\
        <tr><td>文　　号：</td><td>耒交发〔2017〕3号</td><td>发布日期：</td><td>2017-06-21</td></tr></table>\
        <h3>服务事项</h3><p>出租汽车驾驶员从业资格证核发</p>\
        <h3>办理依据</h3><p>《出租汽车驾驶员从业资格管理规定》第十条</p>\
        <h3>申请条件</h3><p>取得相应准驾车型机动车驾驶证1年以上。</p>\
        <h3>所需材料</h3><p>（一）申请表 （二）机动车驾驶证及复印件</p></body></html>";
    let f = page(html);
    assert_eq!(f.kind, Kind::Guide);
    let g = f.guide.expect("a guide");
    for name in ["事项名称", "设定依据", "申请条件", "办理材料"] {
        assert!(g.element(name).unwrap().present, "{name}");
    }
    for name in ["办理地点", "办理时间", "联系电话"] {
        assert!(
            !g.element(name).unwrap().present,
            "{name}: {:?}",
            g.element(name)
        );
    }
    assert_eq!(
        f.published.map(|d| d.to_string()).as_deref(),
        Some("2017-06-21")
    );
}

fn text_page(text: &str) -> extract::PageFacts {
    let vocab = Vocabulary::bundled().unwrap();
    let url = url::Url::parse("http://www.example.gov.cn/zwgk/content_1.txt").unwrap();
    extract::page(
        &url,
        text.as_bytes(),
        Some("text/plain; charset=utf-8"),
        &vocab,
    )
}

/// A 政务公开 template lists its index one field a line (• 公开方式: / • 主动公开) before the
/// guide's title; the title names the service and is its item name.
#[test]
fn the_title_after_an_index_block_written_one_field_a_line() {
    let f = text_page(
        "• 索引号:\n• 000000/2022-00001\n• 组配分类:\n• 就业服务\n• 发布机构:\n• 县人力资源和社会保障局\n\
         • 公开方式:\n• 主动公开\n\n失业保险金申领办事指南\n\
         一、申请条件:参保满一年且非因本人意愿中断就业\n二、所需材料:身份证、解除劳动合同证明\n\
         三、办理程序:申请、审核、发放\n四、办理时间:工作日上午8:30-12:00\n",
    );
    let g = f.guide.expect("a guide");
    let name = g.element("事项名称").unwrap();
    assert!(name.present, "{name:?}");
    assert_eq!(name.value.as_deref(), Some("失业保险金申领办事指南"));
}

/// A heading may put the office before the genre and the service after it (…窗口业务办理服务
/// 指南(三) 设置户外广告审批), longer than a title usually is; a 归档时间 line above it is page
/// metadata, not the 办理时间 label.
#[test]
fn a_long_heading_with_the_genre_in_the_middle_names_the_service() {
    let f = text_page(
        "归档时间:2020-06-24\n\n\
         某某县政务服务中心 城市管理行政执法局窗口业务办理服务指南(三) 设置大型户外广告及在城市建筑物上悬挂宣传品审批\n\n\
         一、提交材料:\n1、申请表;\n2、广告效果方案。\n二、办理条件:\n1、广告内容健康合法;\n\
         三、办理程序:受理→审查→决定\n四、收费标准:无\n",
    );
    let g = f.guide.expect("a guide");
    let name = g.element("事项名称").unwrap();
    assert!(name.present, "{name:?}");
    assert!(
        name.value
            .as_deref()
            .unwrap_or("")
            .contains("设置大型户外广告"),
        "{name:?}"
    );
}

/// A table flattened into text with no separators: each label runs straight into its value
/// (受理地点某某县…, 受理时间工作日…), even after the previous value (办件类型承诺件咨询电话…).
#[test]
fn a_table_flattened_with_labels_glued_to_values() {
    let f = text_page(
        "建设项目选址意见书核发办事指南\n\
         子项名称建设项目选址意见书核发\n\
         受理地点某某县行政审批服务中心1楼西大厅综合受理窗口\n\
         受理时间工作日上午8:00-12:00，下午2:30-5:30\n\
         法定时限20个工作日承诺时限5个工作日\n\
         办件类型承诺件咨询电话0377-12345678\n\
         实施依据《中华人民共和国城乡规划法》第三十六条\n",
    );
    let g = f.guide.expect("a guide");
    for (name, value) in [
        ("办理地点", "某某县行政审批服务中心"),
        ("办理时间", "工作日上午8:00-12:00"),
        ("联系电话", "0377-1234"),
    ] {
        let e = g.element(name).unwrap();
        assert!(e.present, "{name}: {e:?}");
        assert!(
            e.value.as_deref().unwrap_or("").contains(value),
            "{name}: {e:?}"
        );
    }
}

/// One sentence starting with a label word is not a flattened table: nothing is cut out of
/// ordinary prose.
#[test]
fn prose_that_starts_with_label_words_is_not_a_glued_table() {
    let f = text_page(
        "关于做好年度审验工作的通知\n\
         申请材料齐全的单位应于三月底前到窗口办理审验手续。\n\
         各单位要认真组织，确保按时完成。\n",
    );
    assert!(f.guide.is_none(), "{:?}", f.guide);
}

/// Key-value rows with an empty field: the row after an empty 收费标准 (办件类型: 即办件, or
/// on the same line 是否收费 办件类型 承诺件) is another field, not the fee.
#[test]
fn an_empty_field_does_not_take_its_neighbours_value() {
    for text in [
        "河道采砂许可办事指南\n设定依据: 《某省河道采砂管理办法》第十三条\n办理条件: 符合年度采砂规划\n\
         收费依据:\n收费标准:\n办件类型: 即办件\n申报材料:\n河道采砂申请书\n",
        "出版物零售单位设立办事指南\n设定依据 《出版管理条例》第三十七条\n办理地点 县政务服务中心二楼12号窗口\n\
         办理时间 工作日上午9:00-12:00\n是否收费 办件类型 承诺件\n",
    ] {
        let f = text_page(text);
        let g = f.guide.expect("a guide");
        let fee = g.element("收费标准及依据").unwrap();
        assert!(!fee.present, "{fee:?}");
    }
    // A real fee value after the label is still the fee.
    let f = text_page(
        "河道采砂许可办事指南\n设定依据: 《某省河道采砂管理办法》第十三条\n办理条件: 符合年度采砂规划\n\
         收费标准: 不收费\n办件类型: 即办件\n",
    );
    assert!(f.guide.unwrap().element("收费标准及依据").unwrap().present);
}

/// A deadline under an 办理时间 label (婴儿出生1月内办理) is not opening hours; hours with
/// their times are.
#[test]
fn a_deadline_under_an_hours_label_is_not_hours() {
    let deadline = text_page(
        "出生医学证明办理指南\n所需资料:\n1、父母身份证\n2、住院病历\n办理地点:\n新生儿出生的医院\n\
         办理时间:\n婴儿出生1月内，因特殊情况最迟不得超过6个月\n",
    );
    let g = deadline.guide.expect("a guide");
    assert!(
        !g.element("办理时间").unwrap().present,
        "{:?}",
        g.element("办理时间")
    );
    let hours = text_page(
        "出生医学证明办理指南\n所需资料:\n1、父母身份证\n2、住院病历\n办理地点:\n新生儿出生的医院\n\
         办理时间:\n工作日上午8:00-12:00，下午14:30-17:30（出生1月内办理）\n",
    );
    assert!(hours.guide.unwrap().element("办理时间").unwrap().present);
}

/// A section whose only content is the page's own button (打印) or an image's residue (`![]()`:
/// the flow chart was a picture) is empty.
#[test]
fn a_section_holding_only_page_chrome_is_empty() {
    for tail in ["办理流程:\n打印\n", "办理流程:\n![]()\n"] {
        let f = text_page(&format!(
            "暂住登记办事指南\n一、受理部门:县公安局户政窗口\n二、办理条件:在本县居住三日以上\n\
             三、所需材料:身份证\n四、办理时间:工作日上午8:00-12:00\n{tail}"
        ));
        let g = f.guide.expect("a guide");
        assert!(
            !g.element("办理流程").unwrap().present,
            "{tail}: {:?}",
            g.element("办理流程")
        );
    }
}

/// Who may apply (服务对象, 补贴对象, 办证对象) is the conditions when it says who qualifies,
/// and not when it only names a kind of applicant; such a label never makes a page a guide.
#[test]
fn who_may_apply_is_the_conditions_only_when_it_says_who_qualifies() {
    let guide = |who: &str| {
        text_page(&format!(
            "创业补贴申领办事指南\n一、{who}\n二、所需材料:申请表原件一份、居民身份证原件\n\
             三、办理程序:申请、审核、公示、发放\n四、受理地点:县人社局一楼3号窗口\n"
        ))
        .guide
        .expect("a guide")
    };
    let qualifies = guide("补贴对象:毕业5年以内的高校毕业生、登记失业半年以上人员、持证残疾人");
    assert!(
        qualifies.element("申请条件").unwrap().present,
        "{:?}",
        qualifies.element("申请条件")
    );
    let kind_only = guide("服务对象:自然人、法人");
    assert!(
        !kind_only.element("申请条件").unwrap().present,
        "{:?}",
        kind_only.element("申请条件")
    );
    // A list of services, one cell a line: a cell ending in 对象 is not a label that makes it
    // a guide.
    let list = text_page(
        "退役军人事务局公共服务清单\n序号\n事项名称\n服务对象\n1\n优抚对象短期疗养办理\n\
         区退役军人事务局\n优抚对象\n符合条件的五至十级残疾军人、年老体弱复员军人等人员\n",
    );
    assert!(list.guide.is_none(), "{:?}", list.guide);
}

/// A title that names a service and the page's genre (…申领程序, …办理指南) opens the reading on
/// a page with no labels at all, only numbered steps; the fee and the documents said in
/// passing inside the steps are read. A guide to something other than a service is not.
#[test]
fn a_guide_title_over_numbered_steps_without_labels() {
    let f = text_page(
        "残疾证申领程序\n1、到县残联领取《残疾人证申请表》二份\n\
         2、持《评定表》到指定医院评定残疾类别和等级。\n\
         3、经评定后,持《评定表》及二寸照片五张、本人身份证,到县残联办理,由工作人员审核发证。\n\
         4、残疾人证的申领、核发、补发,一律免收工本费。\n",
    );
    let g = f.guide.expect("a guide");
    for e in ["事项名称", "办理材料", "收费标准及依据"] {
        assert!(g.element(e).unwrap().present, "{e}: {:?}", g.element(e));
    }
    assert_eq!(
        g.element("事项名称").unwrap().value.as_deref(),
        Some("残疾证申领程序")
    );
    let other = text_page(
        "政府信息公开指南\n1、申请人可通过信函、传真、网上提交申请。\n\
         2、行政机关收到申请后,在20个工作日内答复。\n3、提供政府信息,不收费。\n",
    );
    assert!(other.guide.is_none(), "{:?}", other.guide);
}

/// A fee or documents mentioned in passing on a guide whose labels do not name them.
#[test]
fn documents_and_fee_said_in_passing_are_read_only_when_said() {
    let f = text_page(
        "出生医学证明办理指南\n一、办理程序\n1、由婴儿的家属携带《孕产妇保健手册》、婴儿父母的户口本、\
         身份证在妇幼保健机构办理。\n2、审核后当场发证。\n二、注意事项\n\
         每证收取证书工本费4元。\n",
    );
    let g = f.guide.expect("a guide");
    assert!(g.element("办理材料").unwrap().present);
    assert!(g.element("收费标准及依据").unwrap().present);
    let quiet = text_page(
        "出生医学证明办理指南\n一、办理程序\n1、由婴儿的家属到妇幼保健机构申请。\n\
         2、审核后当场发证。\n二、办理时间:工作日上午8:00-12:00\n",
    );
    let g = quiet.guide.expect("a guide");
    assert!(!g.element("办理材料").unwrap().present);
    assert!(!g.element("收费标准及依据").unwrap().present);
}

/// A table flattened one cell a line under its heading (序号, 提交材料名称, 原件份数, then the
/// rows) is that section's content: its column names do not open sections of their own, and
/// the sentence introducing it (申请人把下列申请材料送交办理窗口:) names no place.
#[test]
fn a_table_flattened_one_cell_a_line_stays_in_its_section() {
    let f = text_page(
        "测绘资质审批服务指南\n一、设立依据\n《中华人民共和国测绘法》第五章\n\
         二、办理条件\n具有企业或者事业单位法人资格\n三、申办材料\n\
         申请人把下列申请材料(文件、物品)送交办理窗口:\n序号 |\n提交材料名称 |\n原件份数 |\n\
         1 |\n经办人身份证明 |\n1 |\n2 |\n测绘资质证书 |\n1 |\n",
    );
    let g = f.guide.expect("a guide");
    let m = g.element("办理材料").unwrap();
    assert!(m.present, "{m:?}");
    assert!(
        m.value.as_deref().unwrap_or("").contains("测绘资质证书"),
        "{m:?}"
    );
    assert!(
        !g.element("办理地点").unwrap().present,
        "{:?}",
        g.element("办理地点")
    );
}

/// 注意事项 ends with 事项 but is not the item's name; a heading may quote the certificate it
/// is about (…婴儿《出生医学证明》办理程序).
#[test]
fn notes_are_not_the_item_name_and_a_heading_may_quote_a_certificate() {
    let f = text_page(
        "出生医学证明办理指南\n一、在本市医疗机构出生的婴儿《出生医学证明》办理程序\n\
         1、由婴儿的家属携带户口本、身份证在妇幼保健机构办理。\n2、审核后当场发证。\n\
         二、注意事项\n1、先起好宝宝的名字。\n三、收费标准:不收费\n",
    );
    let g = f.guide.expect("a guide");
    let name = g.element("事项名称").unwrap();
    assert_eq!(
        name.value.as_deref(),
        Some("出生医学证明办理指南"),
        "{name:?}"
    );
    assert!(
        g.element("办理流程").unwrap().present,
        "{:?}",
        g.element("办理流程")
    );
}

/// In a list of fields, an empty one (`- 办理地址:`) ends where its sibling starts: the
/// unlabelled sections after the list (a tabbed page whose tab titles were lost) are read from
/// their content, not taken as the address.
#[test]
fn an_empty_field_in_a_list_does_not_take_the_lines_after_the_list() {
    let f = text_page(
        "生育证办理\n- 所属机构: 卫计局\n- 办理地址:\n- 办理期限: 10个工作日\n\
         - 咨询电话:0739-3661157\n\
         结婚证、夫妻双方居民身份证、2寸免冠近照2张、离婚协议书复印件。\n\
         (一)村级登记。办理登记的夫妻在村(居)民委员会填写生育服务登记表,即完成生育服务登记。\
         村专干负责将登记情况上报所在乡镇(街道)。 (二)乡级发证。群众需要领取生育服务证的,\
         对符合规定条件的,乡镇(街道)免费发放;对不符合条件的,书面告知不予发放的理由。 \
         (三)证件送达。生育服务证由村专干送达,申请人也可直接从乡镇(街道)领取。\n\
         不收费\n湖南省生育服务登记和生育证管理办法(湘卫指导发〔2016〕1号)\n",
    );
    let g = f.guide.expect("a guide");
    assert!(
        !g.element("办理地点").unwrap().present,
        "{:?}",
        g.element("办理地点")
    );
    assert!(
        g.element("办理流程").unwrap().present,
        "{:?}",
        g.element("办理流程")
    );
}

/// On a table flattened with labels glued to values, a label leading its line and running
/// into a word (实施依据一、《…》) is cut there too, and the last value keeps its digits.
#[test]
fn a_glued_label_leading_its_line_is_cut_and_the_last_number_kept() {
    let f = text_page(
        "建设项目选址意见书核发办事指南\n受理地点社旗县行政审批服务中心1楼西大厅\n\
         受理时间工作日上午8:00-12:00\n办件类型承诺件咨询电话0377-67985978,67932926\n\
         实施依据一、《中华人民共和国城乡规划法》第三十六条:按照国家规定需要批准的建设项目。\n",
    );
    let g = f.guide.expect("a guide");
    let basis = g.element("设定依据").unwrap();
    assert!(basis.present, "{basis:?}");
    let phone = g.element("联系电话").unwrap();
    assert!(
        phone.value.as_deref().unwrap_or("").ends_with("67932926"),
        "{phone:?}"
    );
}

/// A notice that issues a guide (关于印发《…办事指南》的通知) carries it as its body; a long
/// heading ending with an element's head word (…应当具备的条件) heads that element when its
/// content agrees. An ordinary notice is still no guide.
#[test]
fn a_notice_issuing_a_guide_is_read_as_one() {
    let f = text_page(
        "市行政审批服务局关于印发《社会组织登记办事指南(试行)》的通知\n\
         各县区行政审批服务局:现将《社会组织登记办事指南(试行)》印发给你们,请参照执行。\n\
         一、市级民办非企业登记办事指南\n(一)主要法规\n1.民办非企业单位登记管理暂行条例\n\
         2.民办非企业单位登记暂行办法\n(二)申请民办非企业单位应当具备的条件\n\
         1.经业务主管单位审查同意;\n2.有规范的名称、必要的组织机构;\n3.有与其业务活动相适应的从业人员;\n",
    );
    let g = f.guide.expect("a guide");
    assert!(
        g.element("设定依据").unwrap().present,
        "{:?}",
        g.element("设定依据")
    );
    assert!(
        g.element("申请条件").unwrap().present,
        "{:?}",
        g.element("申请条件")
    );
    let notice = text_page(
        "关于调整社会组织登记窗口办公时间的通知\n一、办理地点:市民服务中心二楼\n\
         二、办理时间:工作日上午9:00-12:00\n三、咨询电话:0915-3212345\n",
    );
    assert!(notice.guide.is_none(), "{:?}", notice.guide);
}

/// A page that tells how to write guides — a blank 格式范本 with XXXX for every value, a
/// 格式规范表 listing the fields as 必填 — carries every label and describes no service.
#[test]
fn a_template_for_writing_guides_is_no_guide() {
    let blank = text_page(
        "“办事指南”格式范本\n申办条件:XXXX //对申请条件的详细描述\n申请材料:XXXX\n\
         办理地址:德州市XX区(县)XX街XX号XX座XX层XX室\n办理电话:XXXX\n\
         办理时间:周X至周X 上午XX:XX-下午XX:XX\n办理程序:XXXX //对办理程序的详细描述\n",
    );
    assert!(blank.guide.is_none(), "{:?}", blank.guide);
    let spec = text_page(
        "公共服务、办事指南格式规范表(格式五)\n1 | 事务名称 | 必填\n2 | 申报条件 | 办事类必填\n\
         3 | 办理流程 | 办事类必填\n4 | 收费标准 | 必填\n5 | 办理地点 | 必填\n6 | 咨询电话 | 必填\n",
    );
    assert!(spec.guide.is_none(), "{:?}", spec.guide);
}

/// The same blanks on a page whose title does not say template: each blank value is a
/// placeholder, so the element it stands for is absent.
#[test]
fn a_value_of_template_blanks_is_a_placeholder() {
    let f = text_page(
        "居住证办理办事指南\n一、申请条件:在本县居住半年以上\n二、申请材料:身份证、照片\n\
         三、办理地址:XX市XX区XX街XX号\n四、办理时间:工作日上午8:00-12:00\n",
    );
    let g = f.guide.expect("a guide");
    assert!(
        !g.element("办理地点").unwrap().present,
        "{:?}",
        g.element("办理地点")
    );
    assert!(g.element("申请条件").unwrap().present);
}

/// On a run-on page, a line that starts with a label glued to its numbered value and runs on
/// into the next label (申请材料1、…报告书 ?办理程序?1 受理…) is cut at both: the materials do
/// not stay in the section before them.
#[test]
fn a_leading_label_glued_to_its_value_is_cut_with_the_rest() {
    let f = text_page(
        "生产建设项目水土保持方案审批\n- ?事项名称?\n\
         生产建设项目水土保持方案审批 ?事项类别?行政许可类 办事依据2《中华人民共和国水土保持法》第二十五条\n\
         ?受理机构?省水利厅 ?决定机构?? 办理条件1、符合《开发建设项目水土保持方案编报审批管理规定》的要求\n\
         2、申报材料规范、齐全\n\
         申请材料1、 申请人提交的方案申请批复文件 2、 水土保持方案报告书 ?办理程序?1 ? ? 受理 ? 1个工作日 ? 水利厅审核\n\
         2 ? ? 审核 ? 11个工作日 ? 水利厅审核\n",
    );
    let g = f.guide.expect("a guide");
    let m = g.element("办理材料").unwrap();
    assert!(m.present, "{m:?}");
    assert!(m.value.as_deref().unwrap_or("").contains("报告书"), "{m:?}");
    let c = g.element("申请条件").unwrap();
    assert!(
        !c.value.as_deref().unwrap_or("").contains("报告书"),
        "{c:?}"
    );
}

/// A two-column table whose keys are bare head words (条件, 依据) is a guide's field table: a
/// head word in a key cell counts as a label when its value has the element's shape, and a
/// sentence introducing the list of documents (并提交以下证明、凭证:) says the materials.
/// A contact table with the same layout (地址, 电话, 时间) is not a guide.
#[test]
fn a_field_table_with_bare_head_words_is_a_guide() {
    let f = text_page(
        "事项内容 | 机动车驾驶证换证 |\n\
         法律依据 | 《中华人民共和国道路交通安全法实施条例》 |\n\
         条件 | 一、机动车驾驶人应当于驾驶证有效期满前九十日内，向核发地车辆管理所申请换证。申请时应当填写申请表，并提交以下证明、凭证：(一)身份证明；(二)机动车驾驶证 |\n",
    );
    let g = f.guide.expect("a guide");
    for name in ["设定依据", "申请条件", "办理材料"] {
        let e = g.element(name).unwrap();
        assert!(e.present, "{name}: {e:?}");
    }
    let f = text_page(
        "联系我们 |\n\
         地址 | 某某县人民路1号县政府大院 |\n\
         电话 | 0734-1234567 |\n\
         时间 | 工作日上午8:00-12:00 |\n",
    );
    assert!(f.guide.is_none(), "{:?}", f.guide);
}

/// A title made of a service and one section of its guide (…审批所需要件及具体时限) is a
/// guide page: the service is the item name, the section heads the text under the title, and
/// a time limit in it is not opening hours. A title whose head names no service
/// (关于调整所需材料的说明) is no guide.
#[test]
fn a_title_naming_a_service_and_a_section_is_a_guide() {
    let f = text_page(
        "道路挖掘审批所需要件及具体时限\n\
         (1)临时挖掘城市道路的申请(2)拟挖掘城市道路位置平面图(3)规划部门批准签发的文件，具体时限20个工作日。\n",
    );
    let g = f.guide.expect("a guide");
    let name = g.element("事项名称").unwrap();
    assert_eq!(name.value.as_deref(), Some("道路挖掘审批"), "{name:?}");
    assert!(g.element("办理材料").unwrap().present);
    assert!(!g.element("办理时间").unwrap().present);
    let f = text_page("关于调整所需材料的说明\n近期我们收到群众来信，现说明如下。\n");
    assert!(f.guide.is_none(), "{:?}", f.guide);
}

/// One element under its own label and the conditions under a weak label its value bears out
/// (救助范围: …人均收入低于…的家庭) make a guide; a weak label whose value says nothing of who
/// qualifies (服务对象: 自然人、法人), or a contact field (地址: …), does not.
#[test]
fn a_weak_label_borne_out_by_its_value_counts_beside_a_label() {
    let f = text_page(
        "救助范围:国家对共同生活的家庭成员人均收入低于当地最低生活保障标准的家庭,给予最低生活保障。\n\
         办事流程:\n\
         (一)由共同生活的家庭成员向户籍所在地的乡镇人民政府提出书面申请;\n\
         (二)乡镇人民政府对申请人的家庭收入状况进行调查核实,提出初审意见;\n",
    );
    let g = f.guide.expect("a guide");
    assert!(g.element("申请条件").unwrap().present);
    assert!(g.element("办理流程").unwrap().present);
    for text in [
        "服务对象:自然人、法人\n办事流程:\n(一)提出书面申请;\n(二)调查核实,提出初审意见;\n",
        "联系我们\n地址:某某县未来大道77号\n维护电话:0370-1234567\n",
    ] {
        let f = text_page(text);
        assert!(f.guide.is_none(), "{text}: {:?}", f.guide);
    }
}

/// A guide table saved without some of its labels: the values float as lines of their own
/// under a word that looks like a label but is not one of theirs (权责清单 ends like 材料清单).
/// Each line is read alone by its shape, an address and office hours among them, so a page
/// with one labelled field and two recognised ones is a guide.
#[test]
fn values_whose_labels_were_lost_are_read_line_by_line() {
    let f = text_page(
        "事项类型 | 行政许可 |\n\
         是否收费\n|\n此项不收费\n|\n\
         权责清单\n|\n\
         湖南省某某市某某县西渡镇蒸阳大道261号\n\
         法定工作日,上午9:00—12:00,下午13:30—17:30\n",
    );
    let g = f.guide.expect("a guide");
    assert_eq!(f.kind, Kind::Guide);
    assert!(g.element("收费标准及依据").unwrap().present);
    for name in ["办理地点", "办理时间"] {
        let e = g.element(name).unwrap();
        assert!(e.present, "{name}: {e:?}");
        assert!(e.confidence < extract::guide::DOUBTFUL, "{name}: {e:?}");
    }
    assert!(f.kind_why.contains("按内容识别出要素"), "{}", f.kind_why);
}

/// In a run-on line a label joined to a second name by 及 (办公时间及地址) is one composite
/// label, and a value that is only a row of tab names between icon residue (乘车路线? ?在线申报)
/// is no value: neither the hours nor the place is read from it. A place split by icons is
/// still a place.
#[test]
fn a_composite_label_over_a_row_of_icon_tabs_gives_nothing() {
    let f = text_page(
        "水土保持方案审批办事指南\n\
         ?设定依据?《中华人民共和国水土保持法》第二十五条 ?申请材料?申请书、方案报告书 ?咨询渠道?0351-1234567 ?办公时间及地址?? 乘车路线? ?在线申报?? ?状态查询?? ?\n",
    );
    let g = f.guide.expect("a guide");
    for name in ["办理时间", "办理地点"] {
        let e = g.element(name).unwrap();
        assert!(!e.present, "{name}: {e:?}");
    }
    assert!(g.element("联系电话").unwrap().present);
    let f = text_page(
        "水土保持方案审批办事指南\n设定依据:《中华人民共和国水土保持法》第二十五条\n申请材料:申请书\n\
         办理地点:县政务中心?一楼?大厅\n",
    );
    let place = f.guide.expect("a guide");
    let place = place.element("办理地点").unwrap();
    assert!(place.present, "{place:?}");
}

/// A short line where a bold label and its value were saved without a space
/// (办理地点新生儿出生的医院) is cut on any page; a heading that only starts with a label
/// word (办理时间说明) is not.
#[test]
fn a_short_line_of_a_label_glued_to_its_value_is_cut() {
    let f = text_page(
        "出生医学证明如何办理\n\
         办理出生医学证明所需资料\n1、出生医学证明首次签发申请表;\n2、父母居民身份证原件;\n\
         办理地点新生儿出生的医院\n要在住院分娩后及时填写申请表。\n",
    );
    let g = f.guide.expect("a guide");
    let place = g.element("办理地点").unwrap();
    assert!(place.present, "{place:?}");
    assert_eq!(place.value.as_deref(), Some("新生儿出生的医院"));
    let f = text_page(
        "出生医学证明如何办理\n\
         办理出生医学证明所需资料\n1、出生医学证明首次签发申请表;\n2、父母居民身份证原件;\n\
         办理时间说明\n请提前预约。\n",
    );
    let g = f.guide.expect("a guide");
    let hours = g.element("办理时间").unwrap();
    assert!(!hours.present, "{hours:?}");
}

/// A contact block under exact labels (办公地址, 办公时间, 联系电话) is on every 联系我们 page and
/// in many articles: without a guide title it does not make a guide, however many of its
/// labels are the rubric's. The same block beside what only a guide states does.
#[test]
fn a_contact_block_alone_is_no_guide() {
    let contact = "办公地址：某某县人民路1号县政府大院\n\
                   办公时间：工作日上午8:00-12:00，下午14:30-17:30\n\
                   联系电话：0734-1234567\n";
    let f = text_page(&format!("联系我们\n{contact}邮编：421800\n"));
    assert!(f.guide.is_none(), "{:?}", f.guide);
    let f = text_page(&format!(
        "联系我们\n{contact}申请材料：身份证、户口簿、近期免冠照片两张\n"
    ));
    let g = f.guide.expect("a guide");
    assert!(g.element("办理材料").unwrap().present);
}
