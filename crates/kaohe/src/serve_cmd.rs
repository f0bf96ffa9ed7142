//! `kaohe serve` (the workbench) and `kaohe user` (its accounts).

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use crate::run_cmd::DbArg;
use crawl::store::{NewUser, Role, Store};

#[derive(Args)]
pub struct ServeArgs {
    /// 快照库：SQLite 文件路径，或 postgres:// 地址
    #[arg(
        long,
        value_name = "PATH|postgres://…",
        env = "KAOHE_DB",
        default_value = "kaohe.sqlite"
    )]
    db: String,
    /// 监听地址（默认只供本机访问；内网使用请写 0.0.0.0:8080 并置于 HTTPS 反向代理之后）
    #[arg(long, value_name = "地址:端口", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// 会话 Cookie 加 Secure 标记（经 HTTPS 访问时应加上）
    #[arg(long)]
    secure_cookie: bool,
    /// 预警提前的天数
    #[arg(long, value_name = "天数", default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=365))]
    warn_days: i64,
    /// 从网页开始的抓取可访问内网地址（门户部署在内网时）
    #[arg(long)]
    allow_private: bool,
    /// 另外的指标体系文件（评估用的不是内置指标体系时）
    #[arg(long, value_name = "FILE")]
    rubric: Vec<std::path::PathBuf>,
}

pub fn serve(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")?;
    rt.block_on(async {
        let store = Store::open(&a.db).await?;
        if store.list_users().await?.is_empty() {
            eprintln!(
                "提示：还没有账号。请先建立管理员账号：kaohe user add 登录名 --role admin --db {}",
                store::redact(&a.db)
            );
        }
        let mut extra = Vec::new();
        for f in &a.rubric {
            extra.push(crate::rubric_cmd::resolve(&f.display().to_string())?);
        }
        let config = web::Config {
            secure_cookie: a.secure_cookie,
            warn_days: a.warn_days,
            allow_private: a.allow_private,
            ..web::Config::default()
        };
        if !a.addr.ip().is_loopback() && !a.secure_cookie {
            eprintln!(
                "提示：正在监听 {}，但未加 --secure-cookie：口令和会话会以明文在网络上传输。请置于 HTTPS 反向代理之后并加 --secure-cookie。",
                a.addr
            );
        }
        let listener = web::bind(a.addr).await?;
        let bound = listener.local_addr().unwrap_or(a.addr);
        println!(
            "考核工作台：http://{bound}/ （快照库 {}；按 Ctrl-C 停止）",
            store::redact(&a.db)
        );
        let state = web::AppState::new(store.clone(), extra, config);
        web::serve(state, listener).await?;
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}

#[derive(Subcommand)]
pub enum UserCmd {
    /// 建立账号（口令从终端输入，或由标准输入读一行）
    Add(AddArgs),
    /// 修改账号口令（该账号已登录的会话随之失效）
    Passwd(LoginArg),
    /// 列出账号
    List(DbArg),
    /// 停用账号（立即退出登录）；加 --enable 重新启用
    Disable(DisableArgs),
}

#[derive(Args)]
pub struct LoginArg {
    /// 登录名
    #[arg(value_name = "登录名")]
    login: String,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args)]
pub struct AddArgs {
    #[command(flatten)]
    who: LoginArg,
    /// 角色：admin（管理员）、assessor（评估人员）、department（部门用户）、viewer（只读）
    #[arg(long, value_name = "角色", value_parser = ["admin", "assessor", "department", "viewer"])]
    role: String,
    /// 部门用户所属单位（指标体系单位名录中的名称或简称）
    #[arg(long, value_name = "单位")]
    department: Option<String>,
    /// 显示的姓名（默认同登录名）
    #[arg(long, value_name = "姓名")]
    name: Option<String>,
    /// 单位名称按此指标体系核对（默认内置指标体系）
    #[arg(long, value_name = "编号|FILE")]
    rubric: Option<String>,
}

#[derive(Args)]
pub struct DisableArgs {
    #[command(flatten)]
    who: LoginArg,
    /// 重新启用
    #[arg(long)]
    enable: bool,
}

pub fn user(cmd: UserCmd) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")?;
    rt.block_on(async {
        match cmd {
            UserCmd::Add(a) => add(a).await,
            UserCmd::Passwd(a) => {
                let store = Store::open_existing(&a.db.db).await?;
                if store.user_by_login(&a.login).await?.is_none() {
                    bail!("账号 {} 不存在：请用 kaohe user list 查看已有账号", a.login);
                }
                let hash = web::hash_password(&read_password(&a.login)?)?;
                store.set_password(&a.login, &hash).await?;
                println!("已修改账号 {} 的口令；其已登录的会话已失效。", a.login);
                Ok(ExitCode::SUCCESS)
            }
            UserCmd::List(a) => {
                let store = Store::open_existing(&a.db).await?;
                let users = store.list_users().await?;
                if users.is_empty() {
                    println!("还没有账号（用 kaohe user add 建立）。");
                }
                for u in users {
                    println!(
                        "{}  {}  {}{}{}",
                        u.login,
                        u.display_name,
                        u.role.label_zh(),
                        u.department.map(|d| format!("（{d}）")).unwrap_or_default(),
                        if u.disabled { "  已停用" } else { "" }
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            UserCmd::Disable(a) => {
                let store = Store::open_existing(&a.who.db.db).await?;
                store.set_disabled(&a.who.login, !a.enable).await?;
                if a.enable {
                    println!("已重新启用账号 {}。", a.who.login);
                } else {
                    println!("已停用账号 {}，其已登录的会话已失效。", a.who.login);
                }
                Ok(ExitCode::SUCCESS)
            }
        }
    })
}

async fn add(a: AddArgs) -> anyhow::Result<ExitCode> {
    let role = Role::parse(&a.role).map_err(|_| anyhow::anyhow!("未知角色 {}", a.role))?;
    let login = a.who.login.trim().to_string();
    if login.is_empty() || login.chars().count() > 64 || login.chars().any(char::is_whitespace) {
        bail!(
            "登录名「{}」无法使用：不能为空、不能含空格，最多 64 个字符",
            a.who.login
        );
    }
    let department = match (role, a.department) {
        (Role::Department, None) => {
            bail!("部门用户须用 --department 指定所属单位，如 --department 教育局")
        }
        (Role::Department, Some(d)) => {
            let rubric =
                crate::rubric_cmd::resolve(a.rubric.as_deref().unwrap_or(rubric::BUNDLED_ID))?;
            match rubric.department(&d) {
                Some(x) => Some(x.name.clone()),
                None => bail!(
                    "单位「{d}」不在指标体系「{}」的单位名录中：请用 kaohe rubric show 查看单位名称",
                    rubric.title
                ),
            }
        }
        (_, Some(_)) => bail!("只有部门用户（--role department）需要 --department"),
        (_, None) => None,
    };
    let store = Store::open(&a.who.db.db).await?;
    if store.user_by_login(&login).await?.is_some() {
        bail!("账号 {login} 已存在：请换一个登录名，或用 kaohe user passwd 修改其口令");
    }
    let hash = web::hash_password(&read_password(&login)?)?;
    store
        .create_user(&NewUser {
            display_name: a.name.unwrap_or_else(|| login.clone()),
            login: login.clone(),
            role,
            department,
            password_hash: hash,
        })
        .await?;
    println!("已建立账号 {login}（{}）。", role.label_zh());
    Ok(ExitCode::SUCCESS)
}

/// The password: typed twice at a terminal without echo, or one line from standard input
/// (for scripts: `echo … | kaohe user add …`).
fn read_password(login: &str) -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let p =
            rpassword::prompt_password(format!("账号 {login} 的口令：")).context("无法读取口令")?;
        let again = rpassword::prompt_password("再输入一次：").context("无法读取口令")?;
        if p != again {
            bail!("两次输入的口令不一致，未作修改");
        }
        p
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("无法从标准输入读取口令")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    if password.chars().count() < 8 {
        bail!("口令至少 8 个字符，未作修改");
    }
    Ok(password)
}
