//! The scoring engine on the bundled rubric: every rule kind, the semantics in DESIGN.md,
//! and the properties that must hold for any findings.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use proptest::prelude::*;
use rubric::{Action, Decision, Finding, Origin, Points, Rubric, Scores, Status};

fn leiyang() -> Rubric {
    rubric::bundled(rubric::BUNDLED_ID).unwrap()
}

fn finding(id: &str, rule: &str, dept: &str, subject: &str) -> Finding {
    Finding {
        id: id.into(),
        rule: rule.into(),
        department: dept.into(),
        subject: subject.into(),
        message: String::new(),
        status: Status::Deducted,
        origin: Origin::Machine,
        confidence: 1.0,
        evidence: vec![],
    }
}

fn indicator<'a>(s: &'a Scores, id: &str) -> &'a rubric::IndicatorScore {
    s.sections
        .iter()
        .flat_map(|x| &x.indicators)
        .find(|i| i.id == id)
        .unwrap()
}

fn dept<'a>(s: &'a Scores, name: &str) -> &'a rubric::DepartmentScore {
    s.departments.iter().find(|d| d.name == name).unwrap()
}

fn p(n: i64) -> Points {
    Points::new(n)
}

#[test]
fn no_findings_is_full_marks() {
    let s = rubric::score(&leiyang(), &[], &[]).unwrap();
    assert_eq!(s.total, p(100));
    assert!(s.departments.iter().all(|d| d.lost == Points::ZERO));
}

#[test]
fn column_freshness_costs_two_per_stale_column() {
    let r = leiyang();
    let f = [
        finding("a", "1.3/freshness", "人社局", "政策法规"),
        finding("b", "1.3/freshness", "民政局", "办事指南"),
    ];
    let s = rubric::score(&r, &f, &[]).unwrap();
    assert_eq!(indicator(&s, "1.3").score, p(0));
    assert_eq!(s.total, p(96));
    assert_eq!(dept(&s, "人社局").lost, p(2));
    assert_eq!(dept(&s, "民政局").lost, p(2));
}

#[test]
fn guide_elements_per_item_counts_each_missing_element_and_floors_at_zero() {
    let r = leiyang();
    let f: Vec<Finding> = (0..6)
        .map(|i| {
            finding(
                &format!("e{i}"),
                "1.1/elements",
                "教育局",
                if i % 2 == 0 {
                    "办理时间"
                } else {
                    "联系电话"
                },
            )
        })
        .collect();
    let s = rubric::score(&r, &f, &[]).unwrap();
    let ind = indicator(&s, "1.1");
    assert_eq!(ind.deducted, p(6));
    assert_eq!(ind.score, p(0), "扣完为止");
    assert_eq!(s.total, p(96));
    assert_eq!(dept(&s, "教育局").deducted, p(6));
    assert_eq!(dept(&s, "教育局").lost, p(4));
}

#[test]
fn guide_elements_per_class_counts_a_class_once() {
    let text = include_str!("../../../rubrics/leiyang-2017.toml")
        .replace("count = \"per_item\"", "count = \"per_class\"");
    let r = rubric::parse("national.toml", &text).unwrap();
    let f = [
        finding("a", "1.1/elements", "教育局", "办理时间"),
        finding("b", "1.1/elements", "教育局", "办理时间"),
        finding("c", "1.1/elements", "教育局", "联系电话"),
    ];
    let s = rubric::score(&r, &f, &[]).unwrap();
    assert_eq!(indicator(&s, "1.1").deducted, p(2));
    assert_eq!(indicator(&s, "1.1").charges.len(), 2);
}

#[test]
fn forms_required_content_item_table_and_manual_rules_each_deduct_their_amount() {
    let r = leiyang();
    let f = [
        finding("f", "1.8/forms", "公安局", "《居民身份证申领登记表》"),
        finding("c1", "2.1/content", "公安局", "收费标准"),
        finding("c2", "2.1/content", "公安局", "办理时间"),
        finding("m", "2.1/monthly", "公安局", "居住证办理"),
        finding("t", "3.1/item_table", "公安局", "临时身份证办理"),
        finding("x", "3.1/policy_change", "公安局", "收费标准"),
    ];
    let s = rubric::score(&r, &f, &[]).unwrap();
    assert_eq!(indicator(&s, "1.8").score, p(3));
    assert_eq!(indicator(&s, "2.1").score, p(4));
    assert_eq!(indicator(&s, "3.1").score, p(1));
    assert_eq!(s.total, p(100 - 1 - 6 - 3));
    assert_eq!(dept(&s, "公安局").lost, p(10));
    assert_eq!(dept(&s, "公安局").findings, 6);
}

#[test]
fn non_cooperation_takes_the_whole_section_once() {
    let r = leiyang();
    let manual = |id: &str| Finding {
        origin: Origin::Assessor {
            name: "张三".into(),
            reason: "未提交事项梳理表，拒不配合".into(),
        },
        ..finding(id, "3/non_cooperation", "残联", "事项梳理")
    };
    let s = rubric::score(&r, &[manual("n1"), manual("n2")], &[]).unwrap();
    let sec = &s.sections[2];
    assert_eq!(sec.score, p(0));
    assert_eq!(sec.section_lost, p(22));
    assert_eq!(sec.section_deductions.len(), 1, "once per department");
    assert_eq!(s.total, p(78));
    assert_eq!(dept(&s, "残联").lost, p(22));
    // Indicator scores are untouched: the rule acts on the section.
    assert!(sec.indicators.iter().all(|i| i.score == i.points));
}

#[test]
fn section_rule_after_indicator_losses_never_goes_below_zero() {
    let r = leiyang();
    let f = [
        finding("a", "3.1/freshness", "公安局", "政策法规"),
        finding("n", "3/non_cooperation", "民政局", "事项梳理"),
    ];
    let s = rubric::score(&r, &f, &[]).unwrap();
    assert_eq!(s.sections[2].score, p(0));
    assert_eq!(s.sections[2].section_lost, p(18));
    assert_eq!(dept(&s, "公安局").lost + dept(&s, "民政局").lost, p(22));
    assert_eq!(s.total, p(78));
}

#[test]
fn unverified_costs_nothing_until_confirmed_and_dismissed_costs_nothing() {
    let r = leiyang();
    let mut u = finding("u", "1.2/freshness", "卫生和计划生育局", "便民信息");
    u.status = Status::Unverified;
    let d = finding("d", "1.2/elements", "卫计局", "办理时间");
    let s = rubric::score(&r, &[u.clone(), d.clone()], &[]).unwrap();
    assert_eq!(indicator(&s, "1.2").score, p(3));
    assert_eq!(indicator(&s, "1.2").unverified, ["u"]);

    let decide = |f: &str, action| Decision {
        finding: f.into(),
        action,
        by: "李四".into(),
        at: "2017-12-20T10:00:00+08:00".into(),
        reason: "人工核实".into(),
        department: None,
        deduction: None,
    };
    let s = rubric::score(
        &r,
        &[u.clone(), d.clone()],
        &[decide("u", Action::Confirm), decide("d", Action::Dismiss)],
    )
    .unwrap();
    assert_eq!(indicator(&s, "1.2").score, p(2));
    assert_eq!(indicator(&s, "1.2").dismissed, ["d"]);
    // The last decision is the one in force.
    let s = rubric::score(
        &r,
        &[u, d],
        &[decide("d", Action::Dismiss), decide("d", Action::Confirm)],
    )
    .unwrap();
    assert_eq!(indicator(&s, "1.2").score, p(3));
}

#[test]
fn needs_review_costs_nothing_until_confirmed_and_reassign_moves_the_charge() {
    let r = leiyang();
    let mut n = finding("n", "1.3/freshness", "人社局", "法规文件");
    n.status = Status::NeedsReview;
    let s = rubric::score(&r, std::slice::from_ref(&n), &[]).unwrap();
    assert_eq!(indicator(&s, "1.3").score, p(4));
    assert_eq!(indicator(&s, "1.3").needs_review, ["n"]);

    let decide = |action, department: Option<&str>| Decision {
        finding: "n".into(),
        action,
        by: "李四".into(),
        at: "2017-12-20T10:00:00+08:00".into(),
        reason: "该栏目由民政局维护".into(),
        department: department.map(Into::into),
        deduction: None,
    };
    // Reassigning alone does not make it count.
    let s = rubric::score(
        &r,
        std::slice::from_ref(&n),
        &[decide(Action::Reassign, Some("民政局"))],
    )
    .unwrap();
    assert_eq!(indicator(&s, "1.3").score, p(4));
    // Confirmed and reassigned: charged to the new department.
    let s = rubric::score(
        &r,
        std::slice::from_ref(&n),
        &[
            decide(Action::Reassign, Some("民政局")),
            decide(Action::Confirm, None),
        ],
    )
    .unwrap();
    assert_eq!(indicator(&s, "1.3").score, p(2));
    assert_eq!(dept(&s, "民政局").lost, p(2));
    assert_eq!(dept(&s, "人社局").lost, p(0));
    // A reassignment to nobody is refused, in Chinese.
    let err = rubric::score(&r, &[n], &[decide(Action::Reassign, None)]).unwrap_err();
    assert!(err.to_string().contains("没有写明改记到哪个单位"));
}

#[test]
fn findings_that_do_not_fit_the_rubric_are_refused_in_chinese() {
    let r = leiyang();
    let err = rubric::score(&r, &[finding("a", "9.9/x", "教育局", "")], &[]).unwrap_err();
    assert!(
        err.to_string().contains("规则 9.9/x 不在本指标体系中"),
        "{err}"
    );
    let err = rubric::score(&r, &[finding("a", "1.1/forms", "外星局", "")], &[]).unwrap_err();
    assert!(
        err.to_string().contains("不在本指标体系的单位名录中"),
        "{err}"
    );
    let err = rubric::score(&r, &[finding("a", "1.1/forms", "公安局", "")], &[]).unwrap_err();
    assert!(
        err.to_string().contains("不是「教育服务」的考核单位"),
        "{err}"
    );
}

#[test]
fn department_shares_add_up_exactly_when_an_indicator_is_exhausted() {
    let r = leiyang();
    // 1.8 has 4 points; three departments are charged 1+1+1+1+1 = 5.
    let f = [
        finding("a", "1.8/forms", "公安局", "1"),
        finding("b", "1.8/forms", "公安局", "2"),
        finding("c", "1.8/forms", "司法局", "3"),
        finding("d", "1.8/forms", "财政局", "4"),
        finding("e", "1.8/forms", "财政局", "5"),
    ];
    let s = rubric::score(&r, &f, &[]).unwrap();
    let lost: Points = s.departments.iter().map(|d| d.lost).sum();
    assert_eq!(lost, p(4));
    assert_eq!(s.max - s.total, lost);
    // 4 × 2/5 = 1.6 each for 公安局 and 财政局, 0.8 for 司法局.
    assert_eq!(dept(&s, "公安局").lost, Points::from_hundredths(160));
    assert_eq!(dept(&s, "司法局").lost, Points::from_hundredths(80));
}

#[test]
fn scores_serialise_identically_run_after_run() {
    let r = leiyang();
    let f = [
        finding("a", "1.1/forms", "教育局", "x"),
        finding("b", "3/non_cooperation", "房产局", "y"),
    ];
    let one = serde_json::to_string(&rubric::score(&r, &f, &[]).unwrap()).unwrap();
    let two = serde_json::to_string(&rubric::score(&r, &f, &[]).unwrap()).unwrap();
    assert_eq!(one, two);
    assert!(one.contains("\"total\":77"), "{one}");
}

// ----- properties ------------------------------------------------------------------------------

/// Every (rule id, a responsible department) pair of the bundled rubric.
fn targets() -> Vec<(String, String)> {
    let r = leiyang();
    let mut out = Vec::new();
    for s in &r.sections {
        for rule in &s.rules {
            for i in &s.indicators {
                for d in &i.departments {
                    out.push((rule.id.clone(), d.clone()));
                }
            }
        }
        for i in &s.indicators {
            for rule in &i.rules {
                for d in &i.departments {
                    out.push((rule.id.clone(), d.clone()));
                }
            }
        }
    }
    out
}

fn arb_findings() -> impl Strategy<Value = Vec<Finding>> {
    let n = targets().len();
    prop::collection::vec((0..n, 0u8..4, any::<bool>(), any::<bool>()), 0..40).prop_map(|picks| {
        let t = targets();
        picks
            .into_iter()
            .enumerate()
            .map(|(k, (i, subject, unverified, manual))| {
                let (rule, dept) = &t[i];
                let mut f = finding(&format!("f{k}"), rule, dept, &format!("s{subject}"));
                if unverified {
                    f.status = Status::Unverified;
                }
                if manual {
                    f.origin = Origin::Assessor {
                        name: "a".into(),
                        reason: "r".into(),
                    };
                }
                f
            })
            .collect()
    })
}

fn check_parts(s: &Scores) {
    let mut total = Points::ZERO;
    for sec in &s.sections {
        let mut sum = Points::ZERO;
        for i in &sec.indicators {
            assert!(
                i.score >= Points::ZERO && i.score <= i.points,
                "{} out of range",
                i.id
            );
            sum += i.score;
        }
        assert!(sec.score >= Points::ZERO && sec.score <= sec.points);
        assert_eq!(sec.score, sum - sec.section_lost);
        total += sec.score;
    }
    assert_eq!(s.total, total);
    let lost: Points = s.departments.iter().map(|d| d.lost).sum();
    assert_eq!(
        s.max - s.total,
        lost,
        "department shares add up to the points lost"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_score_is_within_bounds_and_totals_are_sums(f in arb_findings()) {
        let s = rubric::score(&leiyang(), &f, &[]).unwrap();
        check_parts(&s);
    }

    #[test]
    fn adding_a_finding_never_raises_a_score(f in arb_findings(), extra in arb_findings()) {
        let r = leiyang();
        let before = rubric::score(&r, &f, &[]).unwrap();
        let mut more = f.clone();
        more.extend(extra.into_iter().map(|mut x| { x.id = format!("extra-{}", x.id); x }));
        let after = rubric::score(&r, &more, &[]).unwrap();
        prop_assert!(after.total <= before.total);
        for (a, b) in after.sections.iter().zip(&before.sections) {
            prop_assert!(a.score <= b.score);
            for (x, y) in a.indicators.iter().zip(&b.indicators) {
                prop_assert!(x.score <= y.score, "{} rose", x.id);
            }
        }
    }

    #[test]
    fn the_order_of_findings_does_not_matter(f in arb_findings(), seed in any::<u64>()) {
        let r = leiyang();
        let mut shuffled = f.clone();
        // A deterministic shuffle driven by the generated seed.
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let a = serde_json::to_string(&rubric::score(&r, &f, &[]).unwrap()).unwrap();
        let b = serde_json::to_string(&rubric::score(&r, &shuffled, &[]).unwrap()).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn dismissing_a_finding_never_lowers_a_score(f in arb_findings(), pick in any::<prop::sample::Index>()) {
        prop_assume!(!f.is_empty());
        let r = leiyang();
        let victim = &f[pick.index(f.len())];
        let d = Decision { finding: victim.id.clone(), action: Action::Dismiss, by: "a".into(), at: "t".into(), reason: "r".into(), department: None, deduction: None };
        let before = rubric::score(&r, &f, &[]).unwrap();
        let after = rubric::score(&r, &f, &[d]).unwrap();
        prop_assert!(after.total >= before.total);
        check_parts(&after);
    }
}

#[test]
fn an_adjusted_finding_counts_with_the_assessors_amount() {
    let r = leiyang();
    let mut n = finding("n", "1.3/freshness", "人社局", "法规文件");
    n.status = Status::NeedsReview;
    let adjust = |amount: Option<Points>| Decision {
        finding: "n".into(),
        action: Action::Adjust,
        by: "李四".into(),
        at: "2017-12-20T10:00:00+08:00".into(),
        reason: "栏目有更新但不及时，酌情扣分".into(),
        department: None,
        deduction: amount,
    };
    // A needs-review finding adjusted to 0.5 counts, at 0.5 rather than the rule's amount.
    let s = rubric::score(
        &r,
        std::slice::from_ref(&n),
        &[adjust(Some(Points::from_hundredths(50)))],
    )
    .unwrap();
    assert_eq!(indicator(&s, "1.3").deducted, Points::from_hundredths(50));
    assert_eq!(
        indicator(&s, "1.3").charges[0].deduction,
        Points::from_hundredths(50)
    );
    // An adjustment without an amount is refused, in words that say what to add.
    let e = rubric::score(&r, std::slice::from_ref(&n), &[adjust(None)]).unwrap_err();
    assert!(e.to_string().contains("deduction"), "{e}");
}
