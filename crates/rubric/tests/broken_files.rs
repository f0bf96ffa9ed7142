//! A broken rubric file gets precise Chinese errors: line, column, what is wrong, the fix.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

const GOOD: &str = include_str!("../../../rubrics/leiyang-2017.toml");

/// Replaces the first `from` after the line containing `anchor` by `to`; returns the new text
/// and the 1-based line where the change landed.
fn break_at(anchor: &str, from: &str, to: &str) -> (String, usize) {
    let start = GOOD
        .find(anchor)
        .unwrap_or_else(|| panic!("anchor {anchor:?} not in rubric"));
    let at = start
        + GOOD[start..]
            .find(from)
            .unwrap_or_else(|| panic!("{from:?} after anchor"));
    let mut text = GOOD.to_string();
    text.replace_range(at..at + from.len(), to);
    let line = GOOD[..at].matches('\n').count() + 1;
    (text, line)
}

fn errors(text: &str) -> Vec<rubric::LoadError> {
    match rubric::parse("bad.toml", text) {
        Ok(_) => panic!("a broken file was accepted"),
        Err(e) => e.0,
    }
}

#[test]
fn indicators_that_do_not_add_up_to_their_section() {
    let (text, _) = break_at("id = \"1.2\"", "points = 4", "points = 5");
    let errs = errors(&text);
    let e = errs
        .iter()
        .find(|e| e.message.contains("各指标分值之和"))
        .expect("sum error");
    assert!(e.message.contains("48") && e.message.contains("49"), "{e}");
    assert!(e.hint.contains("points"), "{e}");
    // Points at the section's own `points = 48` line.
    let line = GOOD[..GOOD.find("points = 48").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert_eq!(e.line, line);
    assert_eq!(e.file, "bad.toml");
}

#[test]
fn sections_that_do_not_add_up_to_the_total() {
    let (text, line) = break_at("[rubric]", "total = 100", "total = 90");
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].line, line);
    assert!(errs[0].message.contains("90") && errs[0].message.contains("100"));
}

#[test]
fn an_unknown_rule_kind() {
    let (text, line) = break_at("id = \"forms\"", "forms_downloadable", "forms_download");
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    let e = &errs[0];
    assert_eq!((e.line, e.column), (line, 8));
    assert!(
        e.message.contains("未知的规则类型「forms_download」"),
        "{e}"
    );
    assert!(e.hint.contains("forms_downloadable"), "{e}");
}

#[test]
fn a_parameter_the_kind_does_not_take() {
    let (text, line) = break_at(
        "kind = \"forms_downloadable\"",
        "deduction = 1",
        "deduction = 1\ncount = \"per_item\"",
    );
    let errs = errors(&text);
    let e = &errs[0];
    assert_eq!(e.line, line + 1);
    assert!(
        e.message.contains("forms_downloadable 不接受参数 count"),
        "{e}"
    );
}

#[test]
fn an_unknown_parameter() {
    let (text, line) = break_at("id = \"accuracy\"", "prompt =", "promt =");
    let errs = errors(&text);
    let e = &errs[0];
    assert_eq!(e.line, line);
    assert!(e.message.contains("未知的参数「promt」"), "{e}");
    assert!(e.hint.contains("prompt"), "{e}");
}

#[test]
fn an_unknown_department_with_a_suggestion() {
    let (text, line) = break_at("id = \"1.4\"", "[\"人社局\"]", "[\"人设局\"]");
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    let e = &errs[0];
    assert_eq!(e.line, line);
    assert!(e.message.contains("未知的考核单位「人设局」"), "{e}");
    assert!(e.hint.contains("[[departments]]"), "{e}");
}

#[test]
fn a_duplicate_id() {
    let (text, line) = break_at("name = \"教育服务\"", "id = \"1.2\"", "id = \"1.1\"");
    let errs = errors(&text);
    let e = errs
        .iter()
        .find(|e| e.message.contains("重复"))
        .expect("duplicate error");
    assert_eq!(e.line, line);
    assert!(e.message.contains("「1.1」"), "{e}");
}

#[test]
fn a_bad_duration() {
    let (text, line) = break_at("id = \"key_service\"", "\"1个月\"", "\"one month\"");
    let errs = errors(&text);
    let e = &errs[0];
    assert_eq!(e.line, line);
    assert!(e.message.contains("无法识别的期限「one month」"), "{e}");
    assert!(e.hint.contains("6个月"), "{e}");
}

#[test]
fn a_toml_syntax_error() {
    let (text, line) = break_at("id = \"1.3\"", "name = \"社保服务\"", "name = \"社保服务");
    let errs = errors(&text);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].line, line);
    assert!(errs[0].message.starts_with("TOML 语法错误"), "{}", errs[0]);
}

#[test]
fn a_missing_field() {
    let (text, line) = break_at("id = \"1.5\"", "points = 4\n", "");
    let errs = errors(&text);
    assert!(
        errs[0].message.contains("缺少必填参数「points」"),
        "{}",
        errs[0]
    );
    // The table that lacks it starts a few lines above the removed line.
    assert!(
        errs[0].line <= line && errs[0].line + 4 >= line,
        "{}",
        errs[0]
    );
}

#[test]
fn several_mistakes_are_all_reported_in_file_order() {
    let (text, _) = break_at("id = \"1.4\"", "[\"人社局\"]", "[\"人设局\"]");
    let text = text.replacen("\"1个月\"", "\"一个月\"", 1);
    let errs = errors(&text);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(errs[0].line < errs[1].line);
    let shown = rubric::LoadErrors(errs).to_string();
    assert!(
        shown.contains("bad.toml:") && shown.contains("修改建议"),
        "{shown}"
    );
}

#[test]
fn garbage_never_panics() {
    for text in [
        "",
        "\u{0}",
        "[rubric",
        "[[sections]]\npoints = \"x\"",
        "rubric = 1",
        "[rubric]\nid=\"\"\ntitle=\"\"\ntotal=-1",
    ] {
        assert!(rubric::parse("x.toml", text).is_err());
    }
}

#[test]
fn a_file_that_is_not_utf8_says_so() {
    let dir = std::env::temp_dir().join(format!("kaohe-rubric-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("gbk.toml");
    std::fs::write(&path, b"[rubric]\nid = \"\xbd\xcc\xd3\xfd\"\n").unwrap();
    let err = rubric::load_file(&path).unwrap_err();
    assert!(err.0[0].message.contains("UTF-8"), "{err}");
    assert_eq!(err.0[0].line, 2);
    let missing = rubric::load_file(&dir.join("none.toml")).unwrap_err();
    std::fs::remove_dir_all(&dir).ok();
    assert!(missing.0[0].message.contains("文件不存在"), "{missing}");
}

#[test]
fn an_unknown_or_repeated_element_role() {
    let (text, line) = break_at("name = \"办理材料\"", "\"materials\"", "\"material\"");
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].line, line);
    assert!(
        errs[0].message.contains("role「material」不认识"),
        "{}",
        errs[0]
    );
    assert!(errs[0].hint.contains("materials"), "{}", errs[0]);

    let (text, line) = break_at("name = \"办理流程\"", "\"process\"", "\"materials\"");
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].line, line);
    assert!(errs[0].message.contains("被两个要素使用"), "{}", errs[0]);
}

#[test]
fn every_bundled_element_has_its_role() {
    let r = rubric::parse("good.toml", GOOD).unwrap();
    let roles: Vec<_> = r.elements.iter().filter_map(|e| e.role).collect();
    assert_eq!(roles, rubric::ElementRole::ALL.to_vec());
}

#[test]
fn a_value_of_the_wrong_type_is_said_in_chinese() {
    let (text, line) = break_at("[rubric]", "id = \"leiyang-2017\"", "id = 2017");
    let errs = errors(&text);
    let e = errs.iter().find(|e| e.line == line).expect("type error");
    assert!(
        e.message.contains("应为文字（要加引号），写的是整数 2017"),
        "{e}"
    );
    assert!(!e.message.contains("invalid type"), "English leaked: {e}");
}

/// An empty look-alike or weak ending would be contained in, and end, every label: it is
/// dropped, so the element keeps being read by its labels.
#[test]
fn empty_traps_and_weak_endings_are_dropped() {
    let (text, _) = break_at(
        "name = \"申请条件\"",
        "weak = [\"对象\"",
        "weak = [\" \", \"对象\"",
    );
    let text = text.replacen("not = [\"监督电话\"", "not = [\"\", \"监督电话\"", 1);
    let r = rubric::parse("edited.toml", &text).unwrap();
    let cond = r.element("申请条件").unwrap();
    assert_eq!(cond.weak.first().map(String::as_str), Some("对象"));
    let phone = r.element("联系电话").unwrap();
    assert!(phone.not.iter().all(|n| !n.is_empty()), "{:?}", phone.not);
}
