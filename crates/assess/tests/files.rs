//! Site profiles and decisions files: what they override, and a clear Chinese message (with
//! the entry or line to fix) for every broken one — never a panic.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use assess::{Decisions, Profile};
use rubric::{Action, Origin};

fn rubric() -> rubric::Rubric {
    rubric::bundled(rubric::BUNDLED_ID).unwrap()
}

#[test]
fn a_profile_is_checked_against_the_rubric() {
    let r = rubric();
    let ok = Profile::parse(
        "p.toml",
        "[portal]\nname = \"x\"\n[[columns]]\npath = \"公共服务 > 教育\"\nindicator = \"1.1\"\ntype = \"policy\"\ndepartment = \"市教育局\"\n[[items]]\nindicator = \"2.3\"\nitem = \"工商登记指南\"\ndepartment = \"食药工质局\"\n",
        &r,
    )
    .unwrap();
    assert_eq!(ok.columns[0].indicator.as_deref(), Some("1.1"));
    for (text, says) in [
        (
            "[[columns]]\nindicator = \"1.1\"\n",
            "既没有 path 也没有 url_prefix",
        ),
        (
            "[[columns]]\npath = \"a\"\nindicator = \"9.9\"\n",
            "indicator = \"9.9\" 不在指标体系",
        ),
        (
            "[[columns]]\npath = \"a\"\ntype = \"news\"\n",
            "type = \"news\" 不是子栏目类型：可用 policy",
        ),
        (
            "[[columns]]\npath = \"a\"\ndepartment = \"外星局\"\n",
            "department = \"外星局\" 不在单位名录中",
        ),
        (
            "[[columns]]\npath = \"a\"\ncolour = \"red\"\n",
            "不认识的字段「colour」",
        ),
        ("[[columns]\npath = \"a\"\n", "第 1 行"),
        (
            "[[items]]\nindicator = \"2.3\"\nitem = \"x\"\ndepartment = \"外星局\"\n",
            "[[items]] 的 department",
        ),
    ] {
        let e = Profile::parse("p.toml", text, &r).unwrap_err().to_string();
        assert!(e.starts_with("站点配置 p.toml："), "{e}");
        assert!(e.contains(says), "{text:?}: {e}");
    }
    let missing = Profile::load(std::path::Path::new("/nonexistent/p.toml"), &r).unwrap_err();
    assert!(missing.to_string().contains("文件不存在"), "{missing}");
}

#[test]
fn decisions_are_checked_and_become_decisions_and_manual_findings() {
    let r = rubric();
    let d = Decisions::parse(
        "d.toml",
        "[[decisions]]\nfinding = \"f1\"\naction = \"reassign\"\ndepartment = \"卫计局\"\nreason = \"由卫计局维护\"\nby = \"张三\"\nat = \"2017-12-21\"\n\n[[manual]]\nrule = \"3/non_cooperation\"\ndepartment = \"残联\"\nreason = \"未配合梳理\"\nby = \"张三\"\nat = \"2017-12-21\"\n",
        &r,
    )
    .unwrap();
    assert_eq!(d.decisions[0].action, Action::Reassign);
    // Department names are made canonical.
    assert_eq!(
        d.decisions[0].department.as_deref(),
        Some("卫生和计划生育局")
    );
    let m = &d.manual[0];
    assert_eq!(m.rule, "3/non_cooperation");
    assert!(matches!(&m.origin, Origin::Assessor { name, .. } if name == "张三"));
    // A manual deduction counts in the score: the whole key-areas section loses 22.
    let s = rubric::score(&r, &d.manual, &[]).unwrap();
    assert_eq!(s.total, rubric::Points::new(78));

    for (text, says) in [
        (
            "[[decisions]]\nfinding = \"f\"\naction = \"delete\"\nby = \"a\"\nat = \"t\"\n",
            "action = \"delete\" 无法识别",
        ),
        (
            "[[decisions]]\nfinding = \"f\"\naction = \"dismiss\"\nby = \"a\"\nat = \"t\"\n",
            "撤销须写明理由",
        ),
        (
            "[[decisions]]\nfinding = \"f\"\naction = \"reassign\"\nby = \"a\"\nat = \"t\"\n",
            "请写明改记到哪个单位",
        ),
        (
            "[[decisions]]\nfinding = \"f\"\naction = \"confirm\"\nby = \"\"\nat = \"t\"\n",
            "没有写 by",
        ),
        (
            "[[manual]]\nrule = \"1.1/freshness\"\ndepartment = \"教育局\"\nreason = \"r\"\nby = \"a\"\nat = \"t\"\n",
            "不是人工评判规则",
        ),
        (
            "[[manual]]\nrule = \"1.1/accuracy\"\ndepartment = \"教育局\"\nreason = \"\"\nby = \"a\"\nat = \"t\"\n",
            "人工扣分须写明理由",
        ),
        (
            "[[manual]]\nrule = \"9/x\"\ndepartment = \"教育局\"\nreason = \"r\"\nby = \"a\"\nat = \"t\"\n",
            "不在指标体系中",
        ),
        (
            "[[decisions]]\nfinding = \"f\"\naction = \"adjust\"\nreason = \"r\"\nby = \"a\"\nat = \"t\"\n",
            "调整扣分却没有写 deduction",
        ),
        (
            "[[decisions]]\nfinding = \"f\"\naction = \"adjust\"\ndeduction = -1\nreason = \"r\"\nby = \"a\"\nat = \"t\"\n",
            "不小于 0",
        ),
        ("decisions = 3\n", "取值类型不对"),
    ] {
        let e = Decisions::parse("d.toml", text, &r)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("评审决定文件 d.toml："), "{e}");
        assert!(e.contains(says), "{text:?}: {e}");
    }
}
