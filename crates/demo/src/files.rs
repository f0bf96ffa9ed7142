//! Attachments with real bytes: a Word 97-2003 document (a compound file — OLE2/CFB — with
//! `WordDocument` and `1Table` streams, built in `word`) for .doc, an Excel 97-2003
//! workbook (a compound file with a BIFF8 `Workbook` stream, built in `excel`) for .xls,
//! a zip package for .docx, a PDF with CJK text. Minimal but genuinely of the type their
//! extension says: a checker that sniffs magic bytes or opens the container finds what it
//! expects, and Word/Excel, LibreOffice, antiword, catdoc, xlrd and poppler show the
//! form's text.

use chrono::NaiveDate;

mod excel;
mod word;

use crate::rng::hs;

/// `/d/file/p/2017/12-19/3fa2c91b4d2a0.doc`: hash, article id (hex) and attachment number.
pub fn attachment_path(seed: u64, id: u64, k: u32, date: NaiveDate, ext: &str) -> String {
    format!(
        "/d/file/p/{}/{}{:x}{k}.{ext}",
        date.format("%Y/%m-%d"),
        name_hash(seed, id, k),
        id
    )
}

fn name_hash(seed: u64, id: u64, k: u32) -> String {
    format!("{:08x}", hs(seed, "att", &[id, u64::from(k)]) & 0xffff_ffff)
}

/// Parses an attachment path into (article id, attachment number, extension, date text).
pub fn parse_attachment(seed: u64, path: &str) -> Option<(u64, u32, String, String)> {
    let rest = path.strip_prefix("/d/file/p/")?;
    let mut parts = rest.split('/');
    let (y, md, file) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (stem, ext) = file.rsplit_once('.')?;
    if stem.len() < 10 || !stem.is_ascii() {
        return None;
    }
    let (hash, tail) = stem.split_at(8);
    let (idhex, k) = tail.split_at(tail.len() - 1);
    let k: u32 = k.parse().ok()?;
    let id = u64::from_str_radix(idhex, 16).ok()?;
    (name_hash(seed, id, k) == hash).then(|| (id, k, ext.to_string(), format!("{y}/{md}")))
}

/// MIME type by extension.
pub fn content_type(ext: &str) -> &'static str {
    match ext {
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The bytes of a file of this type whose visible text is `title` and `lines`.
pub fn file_bytes(ext: &str, title: &str, lines: &[String]) -> Vec<u8> {
    match ext {
        "doc" => {
            let doc = word::word97(title, lines);
            cfb(&[("WordDocument", &doc.word), ("1Table", &doc.table)])
        }
        "xls" => cfb(&[("Workbook", &excel::workbook(title, lines))]),
        "docx" => docx(title, lines),
        _ => pdf(title, lines),
    }
}

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FREESECT: u32 = 0xFFFF_FFFF;
const FATSECT: u32 = 0xFFFF_FFFD;
const NOSTREAM: u32 = 0xFFFF_FFFF;
const SECTOR: usize = 512;
/// One FAT sector maps 128 sectors: itself, the directory, and at most 126 of data.
const DATA_SECTORS: usize = 126;

/// A version-3 compound file holding the given streams at the root (one to three, so the
/// directory is one sector). Each stream is padded to at least 4096 bytes so that it lives
/// in regular sectors (no mini stream needed — and antiword reads a `WordDocument` stream
/// only from regular sectors); data past the 126 sectors one FAT sector maps is cut (the
/// generators bound their sizes well below that).
fn cfb(streams: &[(&str, &[u8])]) -> Vec<u8> {
    debug_assert!((1..=3).contains(&streams.len()));
    let streams = &streams[..streams.len().min(3)];
    let mut datas: Vec<Vec<u8>> = Vec::with_capacity(streams.len());
    let mut used = 0;
    for (_, d) in streams {
        let mut d = d.to_vec();
        if d.len() < 4096 {
            d.resize(4096, 0);
        }
        d.truncate(DATA_SECTORS.saturating_sub(used) * SECTOR);
        used += d.len().div_ceil(SECTOR);
        datas.push(d);
    }
    let mut out = Vec::with_capacity(SECTOR * (3 + used));
    // Header.
    out.extend_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    out.extend_from_slice(&[0; 16]);
    out.extend_from_slice(&0x003Eu16.to_le_bytes());
    out.extend_from_slice(&0x0003u16.to_le_bytes());
    out.extend_from_slice(&0xFFFEu16.to_le_bytes());
    out.extend_from_slice(&9u16.to_le_bytes());
    out.extend_from_slice(&6u16.to_le_bytes());
    out.extend_from_slice(&[0; 6]);
    out.extend_from_slice(&0u32.to_le_bytes()); // directory sectors (0 in v3)
    out.extend_from_slice(&1u32.to_le_bytes()); // FAT sectors
    out.extend_from_slice(&1u32.to_le_bytes()); // first directory sector
    out.extend_from_slice(&0u32.to_le_bytes()); // transaction signature
    out.extend_from_slice(&4096u32.to_le_bytes()); // mini stream cutoff
    out.extend_from_slice(&ENDOFCHAIN.to_le_bytes()); // first mini FAT sector
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&ENDOFCHAIN.to_le_bytes()); // first DIFAT sector
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes()); // DIFAT[0]: the FAT is sector 0
    for _ in 1..109 {
        out.extend_from_slice(&FREESECT.to_le_bytes());
    }
    debug_assert_eq!(out.len(), SECTOR);
    // Sector 0: FAT. Sector 1: directory. The streams follow one another from sector 2.
    let mut fat = vec![FREESECT; 128];
    fat[0] = FATSECT;
    fat[1] = ENDOFCHAIN;
    let mut starts = Vec::with_capacity(datas.len());
    let mut next = 2;
    for d in &datas {
        let n = d.len().div_ceil(SECTOR);
        starts.push(if n == 0 { ENDOFCHAIN } else { next as u32 });
        for (s, link) in fat.iter_mut().enumerate().skip(next).take(n) {
            *link = if s + 1 == next + n {
                ENDOFCHAIN
            } else {
                (s + 1) as u32
            };
        }
        next += n;
    }
    for v in fat {
        out.extend_from_slice(&v.to_le_bytes());
    }
    // Directory: the root, then the streams as a red-black tree ordered by (name length,
    // upper-cased name), built balanced with the middle entry as the root's child.
    let mut order: Vec<usize> = (0..streams.len()).collect();
    order.sort_by_key(|&i| {
        let name = streams[i].0;
        (name.encode_utf16().count(), name.to_uppercase())
    });
    let mut links = vec![(NOSTREAM, NOSTREAM, 1u8); streams.len()];
    let child = tree(&order, 0, &mut links);
    let root_links = (NOSTREAM, NOSTREAM, 1);
    out.extend_from_slice(&dir_entry(
        "Root Entry",
        5,
        child,
        root_links,
        ENDOFCHAIN,
        0,
    ));
    for (i, (name, _)) in streams.iter().enumerate() {
        let size = datas[i].len() as u64;
        out.extend_from_slice(&dir_entry(name, 2, NOSTREAM, links[i], starts[i], size));
    }
    for _ in streams.len() + 1..4 {
        let unused = (NOSTREAM, NOSTREAM, 0);
        out.extend_from_slice(&dir_entry("", 0, NOSTREAM, unused, 0, 0));
    }
    for d in datas {
        let padded = d.len().div_ceil(SECTOR) * SECTOR;
        out.extend_from_slice(&d);
        out.resize(out.len() + padded - d.len(), 0);
    }
    out
}

/// Links the sorted entries (stream indices) into a balanced binary tree and returns its
/// root's directory id (stream index + 1). Nodes on an incomplete last level are red, all
/// others black, so every path down has the same number of black nodes.
fn tree(sorted: &[usize], depth: u32, links: &mut [(u32, u32, u8)]) -> u32 {
    let Some(&node) = sorted.get(sorted.len() / 2) else {
        return NOSTREAM;
    };
    let mid = sorted.len() / 2;
    let left = tree(&sorted[..mid], depth + 1, links);
    let right = tree(&sorted[mid + 1..], depth + 1, links);
    // Levels 0..full are complete; a deeper node is on the incomplete last level.
    let full = (links.len() as u32 + 1).ilog2();
    let colour = if depth >= full { 0 } else { 1 };
    links[node] = (left, right, colour);
    node as u32 + 1
}

fn dir_entry(
    name: &str,
    kind: u8,
    child: u32,
    (left, right, colour): (u32, u32, u8),
    start: u32,
    size: u64,
) -> [u8; 128] {
    let mut e = [0u8; 128];
    let units: Vec<u16> = name.encode_utf16().collect();
    for (i, u) in units.iter().take(31).enumerate() {
        e[i * 2..i * 2 + 2].copy_from_slice(&u.to_le_bytes());
    }
    let len: u16 = if name.is_empty() {
        0
    } else {
        ((units.len().min(31) + 1) * 2) as u16
    };
    e[64..66].copy_from_slice(&len.to_le_bytes());
    e[66] = kind;
    e[67] = colour; // 0 red, 1 black
    e[68..72].copy_from_slice(&left.to_le_bytes());
    e[72..76].copy_from_slice(&right.to_le_bytes());
    e[76..80].copy_from_slice(&child.to_le_bytes());
    e[116..120].copy_from_slice(&start.to_le_bytes());
    e[120..128].copy_from_slice(&size.to_le_bytes());
    e
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn xml_esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A zip (stored entries) holding a minimal WordprocessingML package.
fn docx(title: &str, lines: &[String]) -> Vec<u8> {
    let ct = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let mut body = String::new();
    for l in std::iter::once(title.to_string()).chain(lines.iter().cloned()) {
        body.push_str(&format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            xml_esc(&l)
        ));
    }
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let files: [(&str, &[u8]); 3] = [
        ("[Content_Types].xml", ct.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("word/document.xml", doc.as_bytes()),
    ];
    let mut out = Vec::new();
    let mut central = Vec::new();
    // 2017-12-01 00:00 in DOS format, fixed so that bytes are deterministic.
    let (dtime, ddate): (u16, u16) = (0, ((2017 - 1980) << 9) | (12 << 5) | 1);
    for (name, data) in files {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let mut h = Vec::new();
        h.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        h.extend_from_slice(&20u16.to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(&dtime.to_le_bytes());
        h.extend_from_slice(&ddate.to_le_bytes());
        h.extend_from_slice(&crc.to_le_bytes());
        h.extend_from_slice(&(data.len() as u32).to_le_bytes());
        h.extend_from_slice(&(data.len() as u32).to_le_bytes());
        h.extend_from_slice(&(name.len() as u16).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(data);
        let mut c = Vec::new();
        c.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        c.extend_from_slice(&20u16.to_le_bytes());
        c.extend_from_slice(&20u16.to_le_bytes());
        c.extend_from_slice(&0u16.to_le_bytes());
        c.extend_from_slice(&0u16.to_le_bytes());
        c.extend_from_slice(&dtime.to_le_bytes());
        c.extend_from_slice(&ddate.to_le_bytes());
        c.extend_from_slice(&crc.to_le_bytes());
        c.extend_from_slice(&(data.len() as u32).to_le_bytes());
        c.extend_from_slice(&(data.len() as u32).to_le_bytes());
        c.extend_from_slice(&(name.len() as u16).to_le_bytes());
        c.extend_from_slice(&[0; 12]);
        c.extend_from_slice(&offset.to_le_bytes());
        c.extend_from_slice(name.as_bytes());
        central.extend_from_slice(&c);
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&3u16.to_le_bytes());
    out.extend_from_slice(&3u16.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A one-page PDF 1.4 with the text set in the standard CJK font STSong-Light (not embedded;
/// every reader substitutes a Song face), so Chinese shows without shipping a font. Poppler
/// (pdftotext, evince) loads the UniGB-UCS2-H CMap from the poppler-data package; without
/// it, it drops the font ("Missing language pack for 'Adobe-GB1'") and shows no text.
fn pdf(title: &str, lines: &[String]) -> Vec<u8> {
    let hex = |s: &str| {
        s.encode_utf16()
            .map(|u| format!("{u:04X}"))
            .collect::<String>()
    };
    let mut content = format!("BT /F1 18 Tf 72 770 Td <{}> Tj ET\n", hex(title));
    for (n, l) in lines.iter().take(40).enumerate() {
        content.push_str(&format!(
            "BT /F1 11 Tf 72 {} Td <{}> Tj ET\n",
            740 - 18 * n as i64,
            hex(&l.chars().take(45).collect::<String>())
        ));
    }
    // UniGB-UCS2-H codes are UCS-2, so the ToUnicode map is the identity over the code
    // pages the text uses: extraction then needs no CID-to-Unicode table of the reader's.
    let mut high: Vec<u16> = std::iter::once(title)
        .chain(lines.iter().take(40).map(String::as_str))
        .flat_map(str::encode_utf16)
        .map(|u| u >> 8)
        .collect();
    high.sort_unstable();
    high.dedup();
    let mut to_unicode = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in high.chunks(100) {
        to_unicode.push_str(&format!("{} beginbfrange\n", chunk.len()));
        for h in chunk {
            to_unicode.push_str(&format!("<{h:02X}00> <{h:02X}FF> <{h:02X}00>\n"));
        }
        to_unicode.push_str("endbfrange\n");
    }
    to_unicode
        .push_str("endcmap\nCMapName currentdict /CMapResource defineresource pop\nend\nend\n");
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] /ToUnicode 8 0 R >>".to_string(),
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>".to_string(),
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>".to_string(),
        format!("<< /Length {} >>\nstream\n{to_unicode}endstream", to_unicode.len()),
    ];
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}
