//! Which link a form named in a guide's materials is matched to.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use url::Url;

fn forms_of(html: &str) -> Vec<(String, Option<String>)> {
    let rubric = rubric::bundled(rubric::BUNDLED_ID).unwrap();
    let vocab = extract::Vocabulary::from_rubric(&rubric);
    let url = Url::parse("http://www.example.gov.cn/bszn/t1.html").unwrap();
    let facts = extract::page_html(&url, html, &vocab);
    facts
        .guide
        .unwrap()
        .forms
        .into_iter()
        .map(|f| (f.name, f.download.map(|u| u.path().to_string())))
        .collect()
}

const GUIDE: &str = "<html><body>
<div class=nav><a href=\"/zzrz/index.html\">资格认定</a><a href=\"/jyfw/\">教育服务</a></div>
<h1>教师资格认定办事指南</h1>
<table>
<tr><td>事项名称</td><td>教师资格认定</td></tr>
<tr><td>设定依据</td><td>《教师资格条例》第十三条</td></tr>
<tr><td>申请条件</td><td>具备国家规定的学历，普通话水平达到二级乙等以上。</td></tr>
<tr><td>办理材料</td><td>1.《教师资格认定申请表》 2.身份证原件及复印件</td></tr>
<tr><td>办理地点</td><td>市政务服务中心二楼教育局窗口</td></tr>
<tr><td>联系电话</td><td>0734-4321234</td></tr>
</table>
FILE
</body></html>";

#[test]
fn a_menu_link_whose_text_is_part_of_the_form_name_is_not_its_download() {
    let forms = forms_of(&GUIDE.replace("FILE", ""));
    assert_eq!(forms, [("教师资格认定申请表".to_string(), None)]);
}

#[test]
fn the_file_link_is_the_download() {
    let forms = forms_of(&GUIDE.replace(
        "FILE",
        "<p>附件下载：<a href=\"/d/file/abc.xls\">教师资格认定申请表.xls</a></p>",
    ));
    assert_eq!(
        forms,
        [(
            "教师资格认定申请表".to_string(),
            Some("/d/file/abc.xls".to_string())
        )]
    );
}
