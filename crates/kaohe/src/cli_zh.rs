//! Chinese for clap: help headings, the help and version flags, and parse errors.
//!
//! clap writes "Usage:", "Options:" and its errors in English. The people who run kaohe read
//! Chinese, so every command gets a Chinese help template and flags, applied recursively to
//! the whole command tree, and parse errors are re-worded here, in one place.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

const TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}\n";

/// Gives `cmd` and all its subcommands Chinese headings and help/version flags.
pub fn localize(cmd: Command) -> Command {
    let cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .next_help_heading("选项")
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助信息")
                .global(false),
        );
    let cmd = if cmd.get_version().is_some() {
        cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本号"),
        )
    } else {
        cmd
    };
    let cmd = cmd.mut_args(localize_arg);
    cmd.mut_subcommands(localize)
}

/// Puts an argument under a Chinese heading and writes its default and choices in Chinese
/// (clap's own "[default: …]" and "[possible values: …]" are English).
fn localize_arg(a: Arg) -> Arg {
    if matches!(a.get_id().as_str(), "help" | "version") {
        return a;
    }
    let heading = if a.is_positional() {
        "参数"
    } else {
        "选项"
    };
    // A flag (`--resume`) shows neither choices nor a default, and clap forbids hiding them.
    if !a.get_action().takes_values() {
        return a.help_heading(heading);
    }
    let mut extra = String::new();
    let choices: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !choices.is_empty() {
        extra.push_str(&format!("［可选：{}］", choices.join("、")));
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && !a.is_hide_default_value_set() {
        extra.push_str(&format!("［默认：{}］", defaults.join("、")));
    }
    let env = a.get_env().map(|e| e.to_string_lossy().into_owned());
    if let Some(env) = &env {
        extra.push_str(&format!("［环境变量：{env}］"));
    }
    let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
    a.help_heading(heading)
        .hide_env(true)
        .hide_possible_values(true)
        .hide_default_value(true)
        .help(format!("{help}{extra}"))
}

/// The validator's reason for an invalid value, in Chinese (clap's own range checks answer in
/// English: "0 is not in 1..=600").
fn why_invalid(e: &clap::Error) -> String {
    use std::error::Error as _;
    let Some(src) = e.source().map(|s| s.to_string()) else {
        return "。".to_string();
    };
    if let Some((_, range)) = src.split_once(" is not in ") {
        let range = range.replace("..=", " 到 ");
        return format!("：应在 {range} 之间。");
    }
    if src.is_ascii() {
        return "。".to_string();
    }
    format!("：{src}。")
}

/// `kaohe help [COMMAND …]` as `kaohe [COMMAND …] --help`: people type it, and clap's own
/// help subcommand would answer in English.
pub fn help_as_flag(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    if args.get(1).is_some_and(|a| a == "help") {
        args.remove(1);
        args.push("--help".into());
    }
    args
}

/// The words of the (sub)command the user was typing, e.g. `kaohe snapshot show`: the usage
/// hint of an error names that command's help, not a fixed example.
pub fn command_path(cmd: &Command, args: &[std::ffi::OsString]) -> String {
    let mut path = vec![cmd.get_name().to_string()];
    let mut cur = cmd;
    for a in args.iter().skip(1) {
        let Some(a) = a.to_str() else { break };
        match cur.find_subcommand(a) {
            Some(sub) => {
                path.push(sub.get_name().to_string());
                cur = sub;
            }
            None => break,
        }
    }
    path.join(" ")
}

/// A clap parse error in Chinese, with the help of the command being typed (`kaohe crawl`).
/// Help and version output, and a command group's list, pass through unchanged.
pub fn explain(e: &clap::Error, command: &str) -> Option<String> {
    let arg = || match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        _ => String::new(),
    };
    let value = || match e.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(s)) => s.clone(),
        _ => String::new(),
    };
    let valid = || match e.get(ContextKind::ValidValue) {
        Some(ContextValue::Strings(v)) => format!("可选值：{}。", v.join("、")),
        _ => String::new(),
    };
    let text = match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::InvalidSubcommand => {
            let name = match e.get(ContextKind::InvalidSubcommand) {
                Some(ContextValue::String(s)) => s.clone(),
                _ => arg(),
            };
            format!("没有「{name}」这个命令。")
        }
        ErrorKind::UnknownArgument => format!("不认识的选项或参数「{}」。", arg()),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{}。", arg()),
        ErrorKind::InvalidValue => format!("「{}」的值「{}」无效。{}", arg(), value(), valid()),
        ErrorKind::ValueValidation => {
            format!("「{}」的值「{}」无效{}", arg(), value(), why_invalid(e))
        }
        ErrorKind::ArgumentConflict => format!("选项「{}」不能与其他选项同时使用。", arg()),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("「{}」的值的个数不对。", arg())
        }
        ErrorKind::MissingSubcommand => "缺少子命令。".to_string(),
        _ => "命令行参数有误。".to_string(),
    };
    Some(format!("错误：{text}\n查看用法：{command} --help"))
}
