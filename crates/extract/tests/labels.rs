//! Labels that name a whole element are never split into parts.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use url::Url;

#[test]
fn a_fee_heading_whose_value_cites_a_pricing_document_keeps_its_value() {
    // 收费标准及依据 is one element (the fee and its basis): split at 及 into 收费标准 + 依据,
    // the pricing document's number (湘价费〔2012〕131号) sent the value to 设定依据 and the
    // fee was read as missing — a false deduction on every guide written this way.
    let html = "<html><body><h1>临时占用城市道路审批</h1>
<p><strong>一、事项名称</strong></p><p>临时占用城市道路审批</p>
<p><strong>二、设定依据</strong></p><p>《城市道路管理条例》第三十一条</p>
<p><strong>三、申请条件</strong></p><p>因特殊情况需要临时占用城市道路的单位和个人。</p>
<p><strong>四、收费标准及依据</strong></p><p>按占用面积收取占道费（湘价费〔2012〕131号）</p>
<p><strong>五、办理地点</strong></p><p>市政务服务中心三楼城管窗口（35号）</p>
<p><strong>六、联系电话</strong></p><p>0734-4319319</p></body></html>";
    let rubric = rubric::bundled(rubric::BUNDLED_ID).unwrap();
    let vocab = extract::Vocabulary::from_rubric(&rubric);
    let url = Url::parse("http://www.example.gov.cn/bszn/t1.html").unwrap();
    let g = extract::page_html(&url, html, &vocab).guide.unwrap();
    let fee = g.element("收费标准及依据").unwrap();
    assert!(fee.present, "{fee:?}");
    assert!(fee.value.as_deref().unwrap().contains("湘价费"));
    let basis = g.element("设定依据").unwrap();
    assert_eq!(
        basis.value.as_deref(),
        Some("《城市道路管理条例》第三十一条")
    );
}
