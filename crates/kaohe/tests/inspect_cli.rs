//! `kaohe inspect` end to end: an HTML file, a GBK file, a plain-text file and a URL served on
//! loopback, in both output formats.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;

use assert_cmd::Command;
use predicates::str::contains;

fn dev_pages() -> Option<PathBuf> {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/dev-pages"
    ));
    if p.is_dir() {
        Some(p)
    } else {
        println!("跳过：找不到 {}", p.display());
        None
    }
}

const GUIDE_HTML: &str = "<html><head><meta charset=\"gbk\"><title>居住证办理指南_某县人民政府</title></head><body>\
<div class=\"crumb\">当前位置：首页 &gt; 政务服务 &gt; 办事指南</div><h1>居住证办理指南</h1>\
<table><tr><td>设定依据</td><td>《居住证暂行条例》第九条</td></tr>\
<tr><td>申请条件</td><td>在居住地居住半年以上，符合有合法稳定就业条件之一的</td></tr>\
<tr><td>办理材料</td><td>1.本人居民身份证原件及复印件；2.《居住证申领登记表》</td></tr>\
<tr><td>收费标准</td><td>不收费</td></tr><tr><td>办理地点</td><td>县政务服务中心2楼8号窗口</td></tr>\
<tr><td>办理时间</td><td>周一至周五 上午9:00-12:00</td></tr><tr><td>办理时限</td><td>15个工作日</td></tr>\
<tr><td>监督电话</td><td>0734-1234567</td></tr><tr><td>办理流程</td><td>申请→受理→审核→发证</td></tr></table>\
<p><a href=\"/files/juzhu.doc\">居住证申领登记表</a></p></body></html>";

#[test]
fn html_file_in_gbk_as_json() {
    let dir = std::env::temp_dir().join(format!("kaohe-inspect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("guide.html");
    std::fs::write(&path, gbk(GUIDE_HTML)).unwrap();
    let out = Command::cargo_bin("kaohe")
        .unwrap()
        .args([
            "inspect",
            path.to_str().unwrap(),
            "--format",
            "json",
            "--url",
            "http://x.gov.cn/bsfw/1.html",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "guide");
    assert_eq!(v["encoding"]["encoding"], "GBK");
    assert_eq!(
        v["column_path"],
        serde_json::json!(["政务服务", "办事指南"])
    );
    let el = &v["guide"]["elements"];
    assert_eq!(el["收费标准及依据"]["present"], true);
    assert_eq!(el["收费标准及依据"]["value"], "不收费");
    assert_eq!(el["办理时间"]["present"], true);
    // 监督电话 alone is not 联系电话; 办理时限 is not 办理时间 (the time above is).
    assert_eq!(el["联系电话"]["present"], false);
    assert_eq!(v["guide"]["forms"][0]["name"], "居住证申领登记表");
    assert_eq!(
        v["guide"]["forms"][0]["download"],
        "http://x.gov.cn/files/juzhu.doc"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn gbk(s: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(s).0.into_owned()
}

#[test]
fn text_file_and_html_file_as_text() {
    let Some(root) = dev_pages() else { return };
    Command::cargo_bin("kaohe")
        .unwrap()
        .args([
            "inspect",
            root.join("guide/cn-guide-12-yuanjiang-gov-dibao-fragment.txt")
                .to_str()
                .unwrap(),
        ])
        .assert()
        .success()
        .stdout(contains("类型：办事指南（依据：按办事指南要素标签读出要素"))
        .stdout(contains("有 申请条件"))
        .stdout(contains("缺 联系电话"))
        // Why, for each element: the layout it was read from, or that nothing was found.
        .stdout(contains("依据：页面上没有找到这一要素的标签或内容"));
    Command::cargo_bin("kaohe")
        .unwrap()
        .args([
            "inspect",
            root.join("article/cn-gov-article-01-fgw-zj-deqing-2016.html")
                .to_str()
                .unwrap(),
        ])
        .assert()
        .success()
        .stdout(contains("类型：文章"))
        .stdout(contains("发布日期：2016-11-22"));
}

#[test]
fn url_on_loopback() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (body, _, _) = encoding_rs::GBK.encode(
        "<html><head><title>通知公告</title></head><body><ul>\
         <li><a href=\"/a/1.html\">关于开展春季造林工作的通知</a><span>2017-03-05</span></li>\
         <li><a href=\"/a/2.html\">关于做好防汛准备工作的通知</a><span>２０１７年２月８日</span></li>\
         </ul></body></html>",
    );
    let body = body.into_owned();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf).unwrap();
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=GBK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(&body).unwrap();
    });
    Command::cargo_bin("kaohe")
        .unwrap()
        .args(["inspect", &format!("http://{addr}/tzgg/index.html")])
        .assert()
        .success()
        .stdout(contains("类型：栏目列表"))
        .stdout(contains("编码：GBK（依据：HTTP 响应头声明）"))
        .stdout(contains("最新 2017-03-05"))
        .stdout(contains("2017-02-08  关于做好防汛准备工作的通知"));
    server.join().unwrap();
}

#[test]
fn unreachable_url_and_missing_file_fail_in_chinese() {
    // A port nobody listens on: bind, learn the port, close.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Command::cargo_bin("kaohe")
        .unwrap()
        .args(["inspect", &format!("http://127.0.0.1:{port}/")])
        .assert()
        .code(2)
        .stderr(contains("无法获取"));
    Command::cargo_bin("kaohe")
        .unwrap()
        .args(["inspect", "/nonexistent/page.html"])
        .assert()
        .code(2)
        .stderr(contains("无法打开文件"));
}

/// A server that sends its headers and then one byte at a time, forever: `inspect` gives up at
/// its time budget (retries included) with a Chinese message, having asked once or twice —
/// it used to wait as long as the server kept dripping.
#[test]
fn a_dripping_server_ends_at_the_time_budget() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = requests.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut s) = conn else { return };
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let _ = s.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html>",
                );
                while s.write_all(b"x").is_ok() {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            });
        }
    });
    Command::cargo_bin("kaohe")
        .unwrap()
        .args([
            "inspect",
            &format!("http://{addr}/slow.html"),
            "--timeout",
            "1",
        ])
        .assert()
        .code(2)
        .stderr(contains("超时"))
        .stderr(contains("--timeout"));
    assert!(requests.load(std::sync::atomic::Ordering::SeqCst) <= 2);
    Command::cargo_bin("kaohe")
        .unwrap()
        .args(["inspect", &format!("http://{addr}/"), "--timeout", "0"])
        .assert()
        .code(2);
}
