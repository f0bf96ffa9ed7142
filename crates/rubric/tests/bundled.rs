//! The bundled 2017 Leiyang rubric is the seed, faithfully.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use rubric::{Points, RuleKind, Scope};

fn leiyang() -> rubric::Rubric {
    rubric::bundled(rubric::BUNDLED_ID).expect("bundled rubric loads")
}

#[test]
fn has_three_sections_of_48_30_22_and_20_indicators_summing_to_100() {
    let r = leiyang();
    let points: Vec<Points> = r.sections.iter().map(|s| s.points).collect();
    assert_eq!(points, [Points::new(48), Points::new(30), Points::new(22)]);
    assert_eq!(r.indicators().count(), 20);
    let sum: Points = r.indicators().map(|i| i.points).sum();
    assert_eq!(sum, Points::new(100));
    assert_eq!(r.total, Points::new(100));
    let names: Vec<&str> = r.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["民生领域服务", "重点办事服务项", "重点领域服务"]);
    assert!(
        r.sections[0]
            .indicators
            .iter()
            .all(|i| i.points == Points::new(4))
    );
}

#[test]
fn departments_are_the_seeds_with_one_name_each() {
    let r = leiyang();
    let depts = |id: &str| r.indicator(id).unwrap().departments.clone();
    assert_eq!(depts("1.1"), ["教育局"]);
    assert_eq!(depts("1.3"), ["人社局", "民政局"]);
    // 卫计局 in the seed is 卫生和计划生育局.
    assert_eq!(
        depts("1.8"),
        [
            "公安局",
            "教育局",
            "卫生和计划生育局",
            "司法局",
            "房产局",
            "商粮局",
            "财政局",
            "住建局",
            "交通运输和旅游局",
            "食药工质监管理局"
        ]
    );
    assert_eq!(
        depts("1.10"),
        ["食药工质监管理局", "公安局", "国税局", "地税局", "统计局"]
    );
    assert_eq!(depts("2.3"), ["人社局", "食药工质监管理局", "地税局"]);
    assert_eq!(depts("3.3"), ["残联"]);
    assert_eq!(r.department("卫计局").unwrap().name, "卫生和计划生育局");
    assert_eq!(r.department("耒阳市教育局").unwrap().name, "教育局");
    assert!(r.department("不存在局").is_none());
}

#[test]
fn keeps_the_original_chinese_text_with_merged_cells_inherited() {
    let r = leiyang();
    let medical = r.indicator("1.2").unwrap();
    assert!(medical.explanation.contains("衡办发【2014】24号"));
    assert!(medical.scoring.contains("缺少一个要素扣1分"));
    let disabled = r.indicator("3.3").unwrap();
    assert!(disabled.explanation.contains("残疾人证办理"));
    assert!(disabled.scoring.contains("完全不配合电政办工作人员"));
    assert!(
        r.indicator("2.2")
            .unwrap()
            .scoring
            .starts_with("政策、入学流程")
    );
}

#[test]
fn the_twelve_livelihood_columns_share_one_rule_set() {
    let r = leiyang();
    for ind in &r.sections[0].indicators {
        let ids: Vec<&str> = ind
            .rules
            .iter()
            .map(|x| x.id.split('/').nth(1).unwrap())
            .collect();
        assert_eq!(
            ids,
            ["freshness", "elements", "forms", "accuracy"],
            "{}",
            ind.name
        );
        match &ind.rules[0].kind {
            RuleKind::ColumnFreshness {
                default_within,
                windows,
            } => {
                assert_eq!(default_within.to_string(), "1年");
                assert_eq!(windows[0].column_types, ["policy", "utility_notice"]);
                assert_eq!(windows[0].within.to_string(), "6个月");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(ind.rules[0].deduction, Points::new(2));
        match &ind.rules[1].kind {
            RuleKind::GuideElements { elements, .. } => assert_eq!(elements.len(), 9),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn key_items_and_key_areas_have_their_rules() {
    let r = leiyang();
    let content = r.rule("2.1/content").unwrap();
    assert_eq!(content.deduction, Points::new(2));
    match &content.kind {
        RuleKind::RequiredContent { items } => {
            assert_eq!(items.len(), 9);
            // An item that names a guide element inherits its labels and traps.
            let hours = items.iter().find(|i| i.name == "办理时间").unwrap();
            assert!(hours.labels.contains(&"工作时间".to_string()));
            assert!(hours.not.contains(&"办理时限".to_string()));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(
        r.rule("2.2/monthly").unwrap().kind,
        RuleKind::ColumnFreshness { .. }
    ));
    let section = r.rule("3/non_cooperation").unwrap();
    assert_eq!(section.scope, Scope::Section);
    assert_eq!(section.deduction, Points::new(22));
    assert!(section.once);
    assert_eq!(r.rule("3.5/freshness").unwrap().deduction, Points::new(4));
    assert!(
        matches!(r.rule("3.1/item_table").unwrap().kind, RuleKind::ItemTable { ref entries, .. } if entries.len() == 4)
    );
    assert!(matches!(
        r.rule("3.4/policy_change").unwrap().kind,
        RuleKind::Manual { .. }
    ));
}

#[test]
fn element_vocabulary_holds_the_traps() {
    let r = leiyang();
    let hours = r.element("办理时间").unwrap();
    assert!(hours.not.iter().any(|n| n == "办理时限"));
    let phone = r.element("联系电话").unwrap();
    assert!(phone.not.iter().any(|n| n == "监督电话"));
    let cond = r.element("申请条件").unwrap();
    assert!(cond.weak.iter().any(|n| n == "对象"));
    assert!(r.placeholders.values.iter().any(|v| v == "其他材料"));
    assert!(
        !r.placeholders
            .values
            .iter()
            .any(|v| v == "不收费" || v == "免费")
    );
}
