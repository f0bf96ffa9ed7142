//! What a user sees when a store does not open: the target with its password masked, and the
//! cause in Chinese where it is one of the usual ones. The driver's own (English) text is kept
//! for anything else, so no cause is hidden.

use std::io::ErrorKind;

/// `target` fit to print: the password of a `postgres://user:password@host/db` URL and the
/// value of every secret-bearing query parameter (`?password=…`, `sslpassword`, `token` …)
/// become `***`. Anything else is returned as it is.
pub fn redact(target: &str) -> String {
    let mut out = String::with_capacity(target.len());
    let mut at = 0;
    for (start, end) in secrets(target) {
        out.push_str(&target[at..start]);
        out.push_str("***");
        at = end;
    }
    out.push_str(&target[at..]);
    out
}

/// Masks in any text (a driver's error message, say) the secrets `target` carries. A secret
/// of one or two characters is left alone: masking it would mangle the whole message.
pub fn redact_in(text: &str, target: &str) -> String {
    let mut found: Vec<&str> = secrets(target)
        .into_iter()
        .map(|(a, b)| &target[a..b])
        .filter(|s| s.chars().count() >= 3)
        .collect();
    found.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = text.to_string();
    for s in found {
        out = out.replace(s, "***");
    }
    out
}

/// Query parameters whose value is a secret (libpq's names and the usual ones).
const SECRET_PARAMS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "sslpassword",
    "secret",
    "token",
    "access_token",
    "api_key",
    "apikey",
];

/// Where the secrets of a store URL are: byte ranges into it, in order.
fn secrets(target: &str) -> Vec<(usize, usize)> {
    let Some(scheme_end) = target.find("://") else {
        return Vec::new();
    };
    let base = scheme_end + 3;
    let rest = &target[base..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let mut out = Vec::new();
    if let Some(at) = authority.rfind('@')
        && let Some(colon) = authority[..at].find(':')
        && colon + 1 < at
    {
        out.push((base + colon + 1, base + at));
    }
    if let Some(q) = rest.find('?') {
        let mut pos = base + q + 1;
        let query_end = target.find('#').unwrap_or(target.len());
        for pair in target[pos..query_end].split(['&', ';']) {
            if let Some((k, v)) = pair.split_once('=')
                && !v.is_empty()
                && SECRET_PARAMS.contains(&k.to_ascii_lowercase().as_str())
            {
                let start = pos + k.len() + 1;
                out.push((start, start + v.len()));
            }
            pos += pair.len() + 1;
        }
    }
    out
}

/// The cause of a failed open, in Chinese with what to do where we know it.
pub(crate) fn reason(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            match code.as_ref() {
                "3D000" => {
                    return "数据库不存在：请先创建（如 createdb 库名），或检查地址中的库名".into();
                }
                "28P01" => return "用户名或密码错误：请检查地址中的用户名和密码".into(),
                "28000" => {
                    return "服务器拒绝了该用户的连接：请检查用户名，或服务器的 pg_hba.conf".into();
                }
                _ => {}
            }
            // SQLite's extended result codes keep the primary code in the low byte.
            match code.parse::<i32>().map(|c| c & 0xff) {
                Ok(14) => "无法打开数据库文件：目录不存在，或没有读写权限".into(),
                Ok(26) => "这不是 SQLite 数据库文件（或文件已损坏）".into(),
                Ok(8) => "数据库文件只读：请检查文件权限".into(),
                _ => db.message().to_string(),
            }
        }
        sqlx::Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => {
                "连接被拒绝：该地址和端口上没有运行数据库服务器（PostgreSQL 是否已启动？）".into()
            }
            ErrorKind::TimedOut => "连接超时：数据库服务器没有响应".into(),
            ErrorKind::NotFound => "找不到数据库服务器：请检查主机名".into(),
            _ => format!("网络错误：{io}"),
        },
        sqlx::Error::PoolTimedOut => "连接数据库超时".into(),
        sqlx::Error::Configuration(c) => format!("数据库地址有误：{c}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_masked_and_nothing_else_changes() {
        assert_eq!(
            redact("postgres://kaohe:s3cret@db.local:5432/kaohe?sslmode=disable"),
            "postgres://kaohe:***@db.local:5432/kaohe?sslmode=disable"
        );
        assert_eq!(
            redact("postgresql://u:p@ss:w@h/db"),
            "postgresql://u:***@h/db",
            "a password with @ in it"
        );
        assert_eq!(
            redact("postgres://kaohe@db/kaohe?sslmode=disable&password=hunter2&application_name=k"),
            "postgres://kaohe@db/kaohe?sslmode=disable&password=***&application_name=k",
            "a password in the query string"
        );
        assert_eq!(
            redact("postgres://u:pw@db/k?PASSWORD=pw2"),
            "postgres://u:***@db/k?PASSWORD=***"
        );
        assert_eq!(
            super::redact_in(
                "error: password=hunter2 rejected",
                "postgres://h/d?password=hunter2"
            ),
            "error: password=*** rejected"
        );
        for kept in [
            "postgres://postgres@127.0.0.1:5432/test",
            "postgres://h/db",
            "/tmp/kaohe.sqlite",
            "sqlite:k.sqlite",
            "",
        ] {
            assert_eq!(redact(kept), kept);
        }
    }
}
