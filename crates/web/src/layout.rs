//! The page shell and the pieces every screen shares. maud escapes every value it is given;
//! nothing here builds HTML from strings.

use axum::http::StatusCode;
use maud::{DOCTYPE, Markup, html};
use rubric::Points;

use crate::auth::Viewer;

/// Percent-encodes a query value (a finding id holds `/`, `#`, spaces and Chinese).
pub fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The link to one finding of a run.
pub fn finding_href(run: i64, finding: &str) -> String {
    format!("/runs/{run}/finding?id={}", encode(finding))
}

/// Points as the seed writes them, with a sign for a deduction.
pub fn minus(p: Points) -> String {
    if p == Points::ZERO {
        "0".into()
    } else {
        format!("−{p}")
    }
}

/// A full page: header with the account and the run's navigation, then `body`.
pub fn page(title: &str, viewer: Option<&Viewer>, run: Option<i64>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 考核工作台" }
                link rel="stylesheet" href="/assets/app.css";
            }
            body {
                header.top {
                    a.brand href="/" { "考核工作台" }
                    @if let Some(run) = run {
                        nav {
                            a href={ "/runs/" (run) } { "总览" }
                            a href={ "/runs/" (run) "/findings" } { "问题" }
                            a href={ "/runs/" (run) "/warnings" } { "预警" }
                            a href={ "/runs/" (run) "/items" } { "事项梳理表" }
                            @if viewer.is_some_and(|v| crate::access::scope(v).is_none()) {
                                a href={ "/runs/" (run) "/audit" } { "审计记录" }
                            }
                        }
                    }
                    nav { a href="/runs" { "评估列表" } }
                    @if let Some(v) = viewer {
                        div.account {
                            span { (v.name()) " · " (v.role_zh())
                                @if let Some(d) = &v.user.department { " · " (d) } }
                            form method="post" action="/logout" {
                                (csrf(v))
                                button type="submit" { "退出" }
                            }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// The hidden CSRF field every form carries.
pub fn csrf(v: &Viewer) -> Markup {
    html! { input type="hidden" name="_csrf" value=(v.csrf); }
}

pub fn login_page(next: &str, error: Option<&str>) -> Markup {
    page(
        "登录",
        None,
        None,
        html! {
            section.login {
                h1 { "登录考核工作台" }
                @if let Some(e) = error { p.error { (e) } }
                form method="post" action="/login" {
                    input type="hidden" name="next" value=(next);
                    label { "登录名" input name="login" autocomplete="username" required; }
                    label { "口令" input name="password" type="password" autocomplete="current-password" required; }
                    button type="submit" { "登录" }
                }
                p.hint { "账号由管理员用 kaohe user add 建立。" }
            }
        },
    )
}

pub fn error_page(status: StatusCode, message: &str) -> String {
    page(
        "出错了",
        None,
        None,
        html! {
            section.error-page {
                h1 { (status.as_u16()) }
                p.error { (message) }
                p { a href="/" { "回到首页" } }
            }
        },
    )
    .into_string()
}

/// A status as a small coloured label.
pub fn status_tag(status: rubric::Status) -> Markup {
    let class = match status {
        rubric::Status::Deducted => "tag deducted",
        rubric::Status::NeedsReview => "tag review",
        rubric::Status::Unverified => "tag unverified",
    };
    html! { span class=(class) { (status.label_zh()) } }
}
