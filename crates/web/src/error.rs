//! Every way a request can fail, mapped once to a status code and a Chinese page.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::layout;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No session: pages send the browser to the login form.
    #[error("请先登录")]
    LoginRequired { next: String },
    /// Logged in, but the role or the department does not allow it.
    #[error("{0}")]
    Forbidden(String),
    #[error("登录失败次数过多，请 {0} 分钟后再试（或请管理员用 kaohe user passwd 重设口令）")]
    TooManyAttempts(u64),
    #[error("表单已过期或来源不明（CSRF 校验未通过）：请回到上一页刷新后重新提交")]
    Csrf,
    #[error("评估 {0} 不存在：请从“评估”页选择")]
    NoSuchRun(i64),
    #[error("评估中没有这个问题：它可能来自另一次评估，请从问题列表进入")]
    NoSuchFinding,
    #[error("找不到指标体系 {0}：请用 kaohe serve --rubric 文件 提供它")]
    NoRubric(String),
    #[error("{0}")]
    BadInput(String),
    #[error("找不到该页面")]
    NotFound,
    #[error("无法监听 {addr}：{why}（端口可能已被占用，可用 --addr 换一个）")]
    Bind { addr: String, why: String },
    #[error("{0}")]
    Store(#[from] store::StoreError),
    #[error("{0}")]
    Run(#[from] assess::run::RunError),
    #[error("{0}")]
    Report(#[from] report::ReportError),
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::LoginRequired { .. } => StatusCode::UNAUTHORIZED,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NoSuchRun(_) | WebError::NoSuchFinding | WebError::NotFound => {
                StatusCode::NOT_FOUND
            }
            WebError::BadInput(_) => StatusCode::BAD_REQUEST,
            WebError::Run(assess::run::RunError::NoSuchRun(_)) => StatusCode::NOT_FOUND,
            WebError::Run(assess::run::RunError::Store(store::StoreError::RunPublished(_)))
            | WebError::Store(store::StoreError::RunPublished(_))
            | WebError::Run(assess::run::RunError::DuplicateFinding(_)) => StatusCode::CONFLICT,
            WebError::Run(assess::run::RunError::Score(_)) => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::LoginRequired { next } = &self {
            let to = format!("/login?next={}", layout::encode(next));
            return Redirect::to(&to).into_response();
        }
        let status = self.status();
        let body = layout::error_page(status, &self.to_string());
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response()
    }
}
