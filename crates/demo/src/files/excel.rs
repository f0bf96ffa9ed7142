//! A minimal but complete Excel 97-2003 workbook ([MS-XLS], BIFF8): the `Workbook` stream
//! of a one-sheet workbook whose column A holds the form's title and fields, one per row.
//! The caller wraps the stream in a compound file.
//!
//! What real readers need, and why it is here:
//! - the globals substream in the order Excel writes it — BOF, CODEPAGE (1200: UTF-16),
//!   WINDOW1, five FONT records (readers skip font index 4, so XFs may only name 0–3),
//!   the 15 style XFs plus the cell XF (index 15) cells use, the built-in Normal STYLE,
//!   BOUNDSHEET8 whose lbPlyPos is the absolute stream offset of the sheet's BOF, SST and
//!   its EXTSST index, EOF — the set Excel itself writes at the least;
//! - strings live once in the SST as XLUnicodeRichExtendedString with fHighByte = 1
//!   (Chinese), split over CONTINUE records when a record would pass 8,224 bytes (a
//!   string's header never splits; its characters continue after a fresh flags byte);
//! - cells are LABELSST (row, column, XF, SST index), as Excel 97+ writes them;
//! - the sheet substream has DIMENSION (used range) and WINDOW2 (the sheet is selected
//!   and shown), which Excel and LibreOffice expect before and after the cells;
//! - catdoc 0.95 (Debian 12's `xls2csv`) misreads any string holding a UTF-16 unit whose
//!   low byte is 0 or 1 (U+3000, 一, 最 …) and every SST string after it, whoever wrote
//!   the file; those strings go last in the SST so that it still prints the others.

/// Record types.
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CODEPAGE: u16 = 0x0042;
const WINDOW1: u16 = 0x003D;
const DATEMODE: u16 = 0x0022;
const FONT: u16 = 0x0031;
const XF: u16 = 0x00E0;
const STYLE: u16 = 0x0293;
const BOUNDSHEET8: u16 = 0x0085;
const SST: u16 = 0x00FC;
const CONTINUE: u16 = 0x003C;
const EXTSST: u16 = 0x00FF;
const DEFCOLWIDTH: u16 = 0x0055;
const COLINFO: u16 = 0x007D;
const DIMENSION: u16 = 0x0200;
const LABELSST: u16 = 0x00FD;
const WINDOW2: u16 = 0x023E;

/// The largest record body BIFF8 allows.
const MAX_BODY: usize = 8224;
/// The XF every cell uses: the first after the 15 style XFs.
const CELL_XF: u16 = 15;
/// Bounds that keep the stream well inside the single-FAT-sector compound file.
const MAX_ROWS: usize = 200;
const MAX_CHARS: usize = 120;

/// The `Workbook` stream: the title in A1, then one line per row.
pub fn workbook(title: &str, lines: &[String]) -> Vec<u8> {
    let rows: Vec<String> = std::iter::once(title)
        .chain(lines.iter().map(String::as_str))
        .take(MAX_ROWS)
        .map(|s| s.chars().take(MAX_CHARS).collect())
        .collect();
    // The SST holds each distinct string once; cells name it by index. Strings catdoc
    // 0.95 misreads go last (see `catdoc_safe`), so that it prints every other cell.
    let mut strings: Vec<&str> = Vec::new();
    for r in &rows {
        if !strings.contains(&r.as_str()) {
            strings.push(r);
        }
    }
    strings.sort_by_key(|s| !catdoc_safe(s));
    let cells: Vec<u32> = rows
        .iter()
        .map(|r| strings.iter().position(|s| s == r).unwrap_or(0) as u32)
        .collect();

    let mut out = Vec::with_capacity(4096);
    globals(&mut out, rows.len(), &strings);
    sheet(&mut out, &cells);
    out
}

/// Whether catdoc 0.95 (Debian 12's `xls2csv`) reads the string right. Its string reader
/// takes any UTF-16 unit whose low byte is 0 or 1 (unless its high byte is 4, Cyrillic)
/// for the flags byte that starts a CONTINUE record, so it drops U+3000 (ideographic
/// space), U+4E00 (一) and the like and loses its place in the SST for every later
/// string. No encoding of such a character avoids that; the order of the SST is ours.
fn catdoc_safe(s: &str) -> bool {
    s.encode_utf16().all(|u| u & 0xFF > 1 || u >> 8 == 4)
}

fn rec(out: &mut Vec<u8>, kind: u16, body: &[u8]) {
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(&(body.len() as u16).to_le_bytes());
    out.extend_from_slice(body);
}

/// BOF: BIFF8, the substream type (5 globals, 0x10 worksheet), Excel 97's build and year.
fn bof(dt: u16) -> Vec<u8> {
    let mut b = Vec::with_capacity(16);
    b.extend_from_slice(&0x0600u16.to_le_bytes());
    b.extend_from_slice(&dt.to_le_bytes());
    b.extend_from_slice(&0x0DBBu16.to_le_bytes());
    b.extend_from_slice(&0x07CCu16.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes()); // file history flags: none, as xlwt writes
    b.extend_from_slice(&0x0000_0006u32.to_le_bytes()); // lowest BIFF version: 8
    b
}

/// ShortXLUnicodeString (8-bit count) in UTF-16LE, for font and sheet names.
fn short_string(s: &str) -> Vec<u8> {
    let units: Vec<u16> = s.encode_utf16().take(255).collect();
    let mut b = vec![units.len() as u8, 1];
    for u in units {
        b.extend_from_slice(&u.to_le_bytes());
    }
    b
}

fn globals(out: &mut Vec<u8>, rows: usize, strings: &[&str]) {
    rec(out, BOF, &bof(0x0005));
    rec(out, CODEPAGE, &1200u16.to_le_bytes());
    // WINDOW1: position and size in twips, tabs shown, sheet 0 active and selected.
    let mut w1 = Vec::with_capacity(18);
    for v in [0u16, 0, 0x3000, 0x2000, 0x0038, 0, 0, 1, 0x0258] {
        w1.extend_from_slice(&v.to_le_bytes());
    }
    rec(out, WINDOW1, &w1);
    rec(out, DATEMODE, &0u16.to_le_bytes());
    // FONT: 10 pt 宋体 (GB2312 charset), normal weight, automatic colour.
    let mut font = Vec::with_capacity(24);
    for v in [200u16, 0, 0x7FFF, 400, 0] {
        font.extend_from_slice(&v.to_le_bytes());
    }
    font.extend_from_slice(&[0, 0, 134, 0]); // underline, family, charset GB2312, reserved
    font.extend_from_slice(&short_string("宋体"));
    for _ in 0..5 {
        rec(out, FONT, &font);
    }
    // XF: 15 style XFs (0 is Normal, 1–14 the built-in ones, with their attributes not
    // applied), then the cell XF, child of Normal. Bottom aligned, no border, no fill.
    for i in 0..16u16 {
        let (flags, used): (u16, u8) = match i {
            0 => (0xFFF5, 0x00),
            1..=14 => (0xFFF5, 0xF4),
            _ => (0x0001, 0x00),
        };
        let mut xf = Vec::with_capacity(20);
        xf.extend_from_slice(&0u16.to_le_bytes()); // font 0
        xf.extend_from_slice(&0u16.to_le_bytes()); // number format General
        xf.extend_from_slice(&flags.to_le_bytes()); // locked; style or cell; parent
        xf.extend_from_slice(&[0x20, 0, 0, used]);
        xf.extend_from_slice(&[0; 8]); // borders
        xf.extend_from_slice(&0x20C0u16.to_le_bytes()); // pattern colours 64/65 (automatic)
        rec(out, XF, &xf);
    }
    // STYLE: the built-in Normal style on XF 0.
    rec(out, STYLE, &[0x00, 0x80, 0x00, 0xFF]);
    // BOUNDSHEET8: lbPlyPos is patched once the sheet's offset is known.
    let ply_pos_at = out.len() + 4;
    let mut bs = vec![0, 0, 0, 0, 0, 0]; // offset, visible, worksheet
    bs.extend_from_slice(&short_string("申请表"));
    rec(out, BOUNDSHEET8, &bs);
    sst(out, rows, strings);
    rec(out, EOF, &[]);
    let sheet_at = out.len() as u32;
    out[ply_pos_at..ply_pos_at + 4].copy_from_slice(&sheet_at.to_le_bytes());
}

/// SST with CONTINUE records as needed, then EXTSST pointing at every eighth string.
fn sst(out: &mut Vec<u8>, total: usize, strings: &[&str]) {
    const DSST: usize = 8;
    let mut bodies: Vec<Vec<u8>> = vec![Vec::with_capacity(MAX_BODY)];
    bodies[0].extend_from_slice(&(total as u32).to_le_bytes());
    bodies[0].extend_from_slice(&(strings.len() as u32).to_le_bytes());
    // Where each bucket's first string starts: (record number, offset in its body).
    let mut buckets: Vec<(usize, usize)> = Vec::new();
    for (i, s) in strings.iter().enumerate() {
        let units: Vec<u16> = s.encode_utf16().collect();
        // The 3-byte header and the first character stay together.
        if bodies.last().map_or(0, Vec::len) + 5 > MAX_BODY {
            bodies.push(Vec::with_capacity(MAX_BODY));
        }
        let last = bodies.len() - 1;
        if i % DSST == 0 {
            buckets.push((last, bodies[last].len()));
        }
        let body = &mut bodies[last];
        body.extend_from_slice(&(units.len() as u16).to_le_bytes());
        body.push(1); // fHighByte: UTF-16LE
        for u in units {
            if bodies.last().map_or(0, Vec::len) + 2 > MAX_BODY {
                // A string continued: the CONTINUE repeats the flags byte.
                bodies.push(vec![1]);
            }
            if let Some(b) = bodies.last_mut() {
                b.extend_from_slice(&u.to_le_bytes());
            }
        }
    }
    let mut starts = Vec::with_capacity(bodies.len());
    for (n, body) in bodies.iter().enumerate() {
        starts.push(out.len());
        rec(out, if n == 0 { SST } else { CONTINUE }, body);
    }
    let mut ext = Vec::with_capacity(2 + 8 * buckets.len());
    ext.extend_from_slice(&(DSST as u16).to_le_bytes());
    for (n, at) in buckets {
        // ib: the string's stream offset; cbOffset: from its record's header.
        ext.extend_from_slice(&((starts[n] + 4 + at) as u32).to_le_bytes());
        ext.extend_from_slice(&((4 + at) as u16).to_le_bytes());
        ext.extend_from_slice(&0u16.to_le_bytes());
    }
    rec(out, EXTSST, &ext);
}

fn sheet(out: &mut Vec<u8>, cells: &[u32]) {
    rec(out, BOF, &bof(0x0010));
    rec(out, DEFCOLWIDTH, &8u16.to_le_bytes());
    // Column A wide enough for a form line: 60 characters (in 1/256 of a character).
    let mut ci = Vec::with_capacity(12);
    for v in [0u16, 0, 60 * 256, CELL_XF, 0, 0] {
        ci.extend_from_slice(&v.to_le_bytes());
    }
    rec(out, COLINFO, &ci);
    // DIMENSION: rows 0..n, column 0..1 (both ends exclusive).
    let mut dim = Vec::with_capacity(14);
    dim.extend_from_slice(&0u32.to_le_bytes());
    dim.extend_from_slice(&(cells.len() as u32).to_le_bytes());
    for v in [0u16, 1, 0] {
        dim.extend_from_slice(&v.to_le_bytes());
    }
    rec(out, DIMENSION, &dim);
    for (r, isst) in cells.iter().enumerate() {
        let mut b = Vec::with_capacity(10);
        for v in [r as u16, 0, CELL_XF] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(&isst.to_le_bytes());
        rec(out, LABELSST, &b);
    }
    // WINDOW2: gridlines, headers, zeros, outline symbols shown; selected; page break
    // view off; default header colour; 100 % zoom.
    let mut w2 = Vec::with_capacity(18);
    for v in [0x06B6u16, 0, 0, 0x0040, 0, 0, 0, 0, 0] {
        w2.extend_from_slice(&v.to_le_bytes());
    }
    rec(out, WINDOW2, &w2);
    rec(out, EOF, &[]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u16at(b: &[u8], at: usize) -> usize {
        usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
    }

    /// Reads the SST back the way [MS-XLS] readers do, across CONTINUE records.
    fn read_sst(w: &[u8]) -> Vec<String> {
        let mut at = 0;
        let mut recs: Vec<(usize, &[u8])> = Vec::new();
        while at + 4 <= w.len() {
            let (kind, len) = (u16at(w, at), u16at(w, at + 2));
            recs.push((kind, &w[at + 4..at + 4 + len]));
            at += 4 + len;
        }
        let i = recs.iter().position(|r| r.0 == usize::from(SST)).unwrap();
        let first = recs[i].1;
        let unique = u32::from_le_bytes(first[4..8].try_into().unwrap()) as usize;
        let mut parts = vec![&first[8..]];
        parts.extend(
            recs[i + 1..]
                .iter()
                .take_while(|r| r.0 == usize::from(CONTINUE))
                .map(|r| r.1),
        );
        let (mut p, mut pos) = (0, 0);
        let mut out = Vec::new();
        for _ in 0..unique {
            if pos == parts[p].len() {
                (p, pos) = (p + 1, 0);
            }
            let cch = u16at(parts[p], pos);
            assert_eq!(parts[p][pos + 2], 1, "fHighByte");
            pos += 3;
            let mut units = Vec::new();
            while units.len() < cch {
                if pos == parts[p].len() {
                    (p, pos) = (p + 1, 1);
                    assert_eq!(parts[p][0], 1, "a continued string's flags");
                }
                units.push(u16at(parts[p], pos) as u16);
                pos += 2;
            }
            out.push(String::from_utf16(&units).unwrap());
        }
        assert_eq!((p, pos), (parts.len() - 1, parts[p].len()));
        out
    }

    #[test]
    fn long_string_tables_continue_across_records() {
        let lines: Vec<String> = (0..150)
            .map(|i| format!("第{i}行：{}", "申请事项".repeat(40)))
            .collect();
        let w = workbook("标题", &lines);
        let strings = read_sst(&w);
        assert_eq!(strings.len(), 151);
        assert_eq!(strings[0], "标题");
        for (s, l) in strings[1..].iter().zip(&lines) {
            assert_eq!(*s, l.chars().take(MAX_CHARS).collect::<String>());
        }
        // No record passes the limit.
        let mut at = 0;
        let mut continues = 0;
        while at < w.len() {
            let len = u16at(&w, at + 2);
            assert!(len <= MAX_BODY);
            continues += usize::from(u16at(&w, at) == usize::from(CONTINUE));
            at += 4 + len;
        }
        assert!(continues >= 3, "{continues} CONTINUE records");
    }
}
