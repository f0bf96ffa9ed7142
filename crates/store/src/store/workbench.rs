//! The workbench's rows: accounts, server-side sessions, departments' answers to findings and
//! background jobs. The store keeps them; the web crate decides who may do what.

use chrono::Utc;
use sqlx::Row;

use super::{Db, Store};
use crate::StoreError;
use crate::model::*;

macro_rules! user_from_row {
    ($row:expr) => {{
        let row = $row;
        User {
            id: row.try_get("id")?,
            login: row.try_get("login")?,
            display_name: row.try_get("display_name")?,
            role: Role::parse(&row.try_get::<String, _>("role")?)?,
            department: row.try_get("department")?,
            password_hash: row.try_get("password_hash")?,
            disabled: row.try_get("disabled")?,
            created_at: row.try_get("created_at")?,
        }
    }};
}

macro_rules! job_from_row {
    ($row:expr) => {{
        let row = $row;
        Job {
            id: row.try_get("id")?,
            seed_url: row.try_get("seed_url")?,
            options: row.try_get("options")?,
            state: JobState::parse(&row.try_get::<String, _>("state")?)?,
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
            crawl: row.try_get::<Option<i64>, _>("crawl_id")?.map(CrawlId),
            run: row.try_get::<Option<i64>, _>("run_id")?.map(RunId),
            progress: row.try_get("progress")?,
            message: row.try_get("message")?,
        }
    }};
}

macro_rules! user_select {
    () => {
        "SELECT id, login, display_name, role, department, password_hash, disabled, created_at \
         FROM users "
    };
}

macro_rules! job_select {
    () => {
        "SELECT id, seed_url, options, state, created_by, created_at, crawl_id, run_id, \
         progress, message FROM jobs "
    };
}

impl Store {
    // ---- accounts -------------------------------------------------------------------------

    /// Creates an account; a login already taken is [`StoreError::UserExists`].
    pub async fn create_user(&self, u: &NewUser) -> Result<i64, StoreError> {
        let now = Utc::now().to_rfc3339();
        on_db!(self, writer, |pool, pg| {
            let mut tx = begin_write!(pool, pg);
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE login = $1")
                .bind(&u.login)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(StoreError::UserExists(u.login.clone()));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (login, display_name, role, department, password_hash, \
                 disabled, created_at) VALUES ($1, $2, $3, $4, $5, FALSE, $6) RETURNING id",
            )
            .bind(&u.login)
            .bind(&u.display_name)
            .bind(u.role.as_str())
            .bind(u.department.as_deref())
            .bind(&u.password_hash)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn user_by_login(&self, login: &str) -> Result<Option<User>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            match sqlx::query(concat!(user_select!(), "WHERE login = $1"))
                .bind(login)
                .fetch_optional(pool)
                .await?
            {
                Some(row) => Ok(Some(user_from_row!(&row))),
                None => Ok(None),
            }
        })
    }

    /// Every account, in login order.
    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let rows = sqlx::query(concat!(user_select!(), "ORDER BY login"))
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(user_from_row!(row));
            }
            Ok(out)
        })
    }

    /// Replaces an account's password hash and ends its sessions.
    pub async fn set_password(&self, login: &str, hash: &str) -> Result<(), StoreError> {
        self.update_user(
            login,
            "UPDATE users SET password_hash = $2 WHERE login = $1",
            Some(hash),
        )
        .await
    }

    /// Disables (or re-enables) an account; either way its sessions end.
    pub async fn set_disabled(&self, login: &str, disabled: bool) -> Result<(), StoreError> {
        let sql = if disabled {
            "UPDATE users SET disabled = TRUE WHERE login = $1"
        } else {
            "UPDATE users SET disabled = FALSE WHERE login = $1"
        };
        self.update_user(login, sql, None).await
    }

    async fn update_user(
        &self,
        login: &str,
        sql: &'static str,
        value: Option<&str>,
    ) -> Result<(), StoreError> {
        on_db!(self, writer, |pool, pg| {
            let mut tx = begin_write!(pool, pg);
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE login = $1")
                .bind(login)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(id) = id else {
                return Err(StoreError::NoSuchUser(login.to_string()));
            };
            let mut q = sqlx::query(sql).bind(login);
            if let Some(v) = value {
                q = q.bind(v);
            }
            q.execute(&mut *tx).await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    // ---- sessions -------------------------------------------------------------------------

    /// Stores a session: the hash of its token, its CSRF secret, and when it ends (Unix s).
    pub async fn create_session(
        &self,
        token_hash: &str,
        user: i64,
        csrf: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let now = Utc::now().to_rfc3339();
        on_db!(self, writer, |pool, pg| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(user)
            .bind(csrf)
            .bind(&now)
            .bind(expires_at)
            .execute(pool)
            .await?;
            // Expired sessions of anyone go with each new login: the table stays small.
            sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
                .bind(Utc::now().timestamp())
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// The account and CSRF secret of a live session: not expired at `now` (Unix s), account
    /// not disabled.
    pub async fn session(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<(User, String)>, StoreError> {
        let sql = "SELECT u.id, u.login, u.display_name, u.role, u.department, u.password_hash, \
                   u.disabled, u.created_at, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id \
                   WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = FALSE";
        on_db!(self, reader, |pool, pg| {
            match sqlx::query(sql)
                .bind(token_hash)
                .bind(now)
                .fetch_optional(pool)
                .await?
            {
                Some(row) => {
                    let csrf: String = row.try_get("csrf")?;
                    Ok(Some((user_from_row!(&row), csrf)))
                }
                None => Ok(None),
            }
        })
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        on_db!(self, writer, |pool, pg| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    // ---- departments' answers -------------------------------------------------------------

    /// Appends a department's answer to a finding (allowed on a published run too: an appeal
    /// may come after publication; it changes no score by itself).
    pub async fn add_response(&self, run: RunId, r: &ResponseRow) -> Result<(), StoreError> {
        on_db!(self, writer, |pool, pg| {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM runs WHERE id = $1")
                .bind(run.0)
                .fetch_optional(pool)
                .await?;
            if exists.is_none() {
                return Err(StoreError::NoSuchRun(run));
            }
            sqlx::query(
                "INSERT INTO responses (run_id, finding_id, kind, department, by_whom, at, text) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(run.0)
            .bind(&r.finding)
            .bind(r.kind.as_str())
            .bind(&r.department)
            .bind(&r.by)
            .bind(&r.at)
            .bind(&r.text)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// A run's answers (of one finding when given), in the order given.
    pub async fn responses(
        &self,
        run: RunId,
        finding: Option<&str>,
    ) -> Result<Vec<ResponseRow>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let rows = sqlx::query(
                "SELECT finding_id, kind, department, by_whom, at, text FROM responses \
                 WHERE run_id = $1 AND ($2 IS NULL OR finding_id = $2) ORDER BY id",
            )
            .bind(run.0)
            .bind(finding)
            .fetch_all(pool)
            .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(ResponseRow {
                    finding: row.try_get("finding_id")?,
                    kind: ResponseKind::parse(&row.try_get::<String, _>("kind")?)?,
                    department: row.try_get("department")?,
                    by: row.try_get("by_whom")?,
                    at: row.try_get("at")?,
                    text: row.try_get("text")?,
                });
            }
            Ok(out)
        })
    }

    // ---- background jobs ------------------------------------------------------------------

    pub async fn create_job(
        &self,
        seed_url: &str,
        options: &str,
        created_by: &str,
    ) -> Result<i64, StoreError> {
        let now = Utc::now().to_rfc3339();
        on_db!(self, writer, |pool, pg| {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO jobs (seed_url, options, state, created_by, created_at) \
                 VALUES ($1, $2, 'queued', $3, $4) RETURNING id",
            )
            .bind(seed_url)
            .bind(options)
            .bind(created_by)
            .bind(&now)
            .fetch_one(pool)
            .await?;
            Ok(id)
        })
    }

    pub async fn job(&self, id: i64) -> Result<Option<Job>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            match sqlx::query(concat!(job_select!(), "WHERE id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await?
            {
                Some(row) => Ok(Some(job_from_row!(&row))),
                None => Ok(None),
            }
        })
    }

    /// Every job, newest first.
    pub async fn list_jobs(&self) -> Result<Vec<Job>, StoreError> {
        on_db!(self, reader, |pool, pg| {
            let rows = sqlx::query(concat!(job_select!(), "ORDER BY id DESC"))
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(job_from_row!(row));
            }
            Ok(out)
        })
    }

    /// Records a job's progress; `crawl` and `run` are kept when `None`.
    pub async fn update_job(
        &self,
        id: i64,
        state: JobState,
        progress: &str,
        message: &str,
        crawl: Option<CrawlId>,
        run: Option<RunId>,
    ) -> Result<(), StoreError> {
        on_db!(self, writer, |pool, pg| {
            sqlx::query(
                "UPDATE jobs SET state = $2, progress = $3, message = $4, \
                 crawl_id = COALESCE($5, crawl_id), run_id = COALESCE($6, run_id) WHERE id = $1",
            )
            .bind(id)
            .bind(state.as_str())
            .bind(progress)
            .bind(message)
            .bind(crawl.map(|c| c.0))
            .bind(run.map(|r| r.0))
            .execute(pool)
            .await?;
            Ok(())
        })
    }
}
