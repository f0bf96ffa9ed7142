//! Every path of the site, enumerated lazily (for `write`, tests and benchmarks).

use crate::guide;
use crate::render::{CALENDAR_PATH, REDIRECTS};
use crate::site::Site;
use crate::vocab::{Ctype, INDICATORS};

impl Site {
    /// Every path the site links to that answers (200, 301, 412 or a soft 404), in a stable
    /// order; links that answer 404 and calendar months other than the as-of month are left
    /// out. Lazy: at most one column's worth of state at a time.
    pub fn paths(&self) -> impl Iterator<Item = String> + '_ {
        let fixed = [
            "/index.html",
            "/robots.txt",
            "/skin/css/common.css",
            "/zjly/index.html",
            CALENDAR_PATH,
            "/e/search/index.php",
            "/admin/login.html",
        ];
        let fixed = fixed
            .into_iter()
            .map(String::from)
            .chain(REDIRECTS.iter().map(|(f, _)| f.to_string()));
        let nodes = self.nodes.iter().flat_map(|n| {
            let table = n
                .ind
                .filter(|&k| INDICATORS[k].id.starts_with('3') && n.dept.is_none())
                .map(|_| format!("{}sxslb.html", n.dir));
            std::iter::once(format!("{}index.html", n.dir)).chain(table)
        });
        let cols = (0..self.cols.len()).flat_map(move |c| {
            let lists = (0..self.pages_of(c)).map(move |p| self.list_path(c, p));
            let items = (0..self.cols[c].count).flat_map(move |i| {
                let mut v = vec![self.item_path(c, i)];
                match self.cols[c].ctype {
                    // A guide behind the firewall: its attachments are reached only through it.
                    Some(Ctype::Guide) if self.plan.walled == Some((c, i)) => {}
                    Some(Ctype::Guide) => {
                        let g = guide::build(self, c, i);
                        for f in g.forms {
                            if let (Some(h), None | Some(crate::plan::FormDefect::Soft404)) =
                                (f.href, f.defect)
                            {
                                v.push(h);
                            }
                        }
                    }
                    Some(Ctype::Forms | Ctype::Samples) => {
                        let id = self.item_id(c, i);
                        let ext = guide::ext_of(id, 0);
                        v.push(crate::files::attachment_path(
                            self.seed,
                            id,
                            0,
                            self.item_date(c, i),
                            ext,
                        ));
                    }
                    _ => {}
                }
                v
            });
            lists.chain(items)
        });
        fixed.chain(nodes).chain(cols)
    }
}
