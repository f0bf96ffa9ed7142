//! Writing the site as static files (`kaohe demo-site write DIR`).

use std::io;
use std::path::{Path, PathBuf};

use crate::site::Site;

/// What `write_static` wrote.
#[derive(Clone, Debug, Default)]
pub struct WriteSummary {
    pub files: usize,
    pub bytes: u64,
    /// Paths whose answer is not a file (redirects, the challenge): left out.
    pub skipped: Vec<String>,
}

/// Writes every path of the site under `dir` (the behaviours static files cannot have are
/// listed in the manifest with `in_static_files: false`), plus `truth.json` beside `dir`'s
/// pages as `_kaohe_truth.json`.
pub fn write_static(site: &Site, dir: &Path) -> io::Result<WriteSummary> {
    let mut sum = WriteSummary::default();
    std::fs::create_dir_all(dir)?;
    for p in site.paths() {
        // A static copy cannot challenge: it holds the page behind the firewall.
        let cookie = crate::render::challenge_cookie(site.seed);
        let Some(resp) = site.respond(
            &p,
            crate::render::Visit {
                cookie: Some(&cookie),
            },
        ) else {
            continue;
        };
        if resp.status != 200 {
            sum.skipped.push(p);
            continue;
        }
        let rel = p.split('?').next().unwrap_or("").trim_start_matches('/');
        if rel.is_empty() || rel.contains("..") {
            continue;
        }
        let target: PathBuf = dir.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, &resp.body)?;
        sum.files += 1;
        sum.bytes += resp.body.len() as u64;
    }
    let truth = serde_json::to_vec_pretty(&site.truth()).map_err(io::Error::other)?;
    std::fs::write(dir.join("_kaohe_truth.json"), truth)?;
    Ok(sum)
}
