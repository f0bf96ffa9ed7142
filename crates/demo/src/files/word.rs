//! A minimal but complete Word 97-2003 binary document ([MS-DOC], nFib 0x00C1): the
//! `WordDocument` stream (FIB, the text as one UTF-16LE piece, the formatting pages, one
//! section's properties) and the `1Table` stream (style sheet, section table, bin tables,
//! fonts, document properties, associated strings, piece table). The caller wraps both in a
//! compound file.
//!
//! What real readers need, and why it is here:
//! - the piece table (Clx → Pcdt → PlcPcd, one uncompressed piece) is how Word 97+,
//!   LibreOffice and antiword find the text; catdoc instead reads the legacy fcMin/fcMac
//!   pair in FibBase (reserved5/6 in [MS-DOC]), which Word still writes, so we do too;
//! - the style sheet, the CHPX/PAPX bin tables with their 512-byte FKP pages, the font
//!   table and the Dop are required by [MS-DOC] (their lcb MUST be non-zero) and are
//!   read by Word and LibreOffice before any text;
//! - antiword only handles a `WordDocument` stream of 4096 bytes or more in regular
//!   sectors, which the compound-file writer guarantees by padding.
//!
//! Layout of `WordDocument`: FIB at 0 (900 bytes), text at 0x400, then one CHPX FKP page,
//! the PAPX FKP pages, and the section's Sepx; cbMac is the end of the Sepx.

const FC_TEXT: usize = 0x400;
const PAGE: usize = 512;
/// Bounds that keep both streams inside the single-FAT-sector compound file.
const MAX_UNITS: usize = 12_000;
const MAX_PARAS: usize = 200;
const MAX_PARA_CHARS: usize = 500;
/// Paragraphs per PAPX FKP page: 4·25 + 13·24 bytes of arrays leave room for the properties.
const PARAS_PER_FKP: usize = 24;

/// FibRgFcLcb97 pair indices (each pair is fc u32, lcb u32).
const STSHF_ORIG: usize = 0;
const STSHF: usize = 1;
const PLCF_SED: usize = 6;
const PLCF_BTE_CHPX: usize = 12;
const PLCF_BTE_PAPX: usize = 13;
const STTBF_FFN: usize = 15;
const DOP: usize = 31;
const STTBF_ASSOC: usize = 32;
const CLX: usize = 33;
/// cbRgFcLcb for nFib 0x00C1.
const FC_LCB_COUNT: usize = 0x5D;

/// LIDs: Chinese (PRC) for East Asian text, US English for the rest.
const LID_ZH_CN: u16 = 0x0804;
const LID_EN_US: u16 = 0x0409;

// Sprms used (Word 97 opcodes, operand size from the spra bits).
const SPRM_C_F_BOLD: u16 = 0x0835; // 1-byte toggle
const SPRM_C_HPS: u16 = 0x4A43; // half-points
const SPRM_C_RG_FTC0: u16 = 0x4A4F; // ASCII font
const SPRM_C_RG_FTC1: u16 = 0x4A50; // East Asian font
const SPRM_C_RG_FTC2: u16 = 0x4A51; // other font
const SPRM_C_RG_LID0: u16 = 0x486D;
const SPRM_C_RG_LID1: u16 = 0x486E;
const SPRM_P_JC80: u16 = 0x2403; // paragraph justification (1 = centred)
const SPRM_S_XA_PAGE: u16 = 0xB01F;
const SPRM_S_YA_PAGE: u16 = 0xB020;
const SPRM_S_DXA_LEFT: u16 = 0xB021;
const SPRM_S_DXA_RIGHT: u16 = 0xB022;
const SPRM_S_DYA_TOP: u16 = 0x9023;
const SPRM_S_DYA_BOTTOM: u16 = 0x9024;

/// The two streams of a Word 97-2003 document.
pub(super) struct WordStreams {
    pub word: Vec<u8>,
    pub table: Vec<u8>,
}

/// The document whose paragraphs are `title` (bold, centred, 16 pt) then `lines` (12 pt 宋体).
pub(super) fn word97(title: &str, lines: &[String]) -> WordStreams {
    let paras = paragraphs(title, lines);
    let mut text: Vec<u16> = Vec::new();
    let mut para_ends = Vec::with_capacity(paras.len()); // CP after each paragraph mark
    for p in &paras {
        text.extend_from_slice(p);
        text.push(0x000D);
        para_ends.push(text.len());
    }
    let ccp = text.len();
    let fc_end = FC_TEXT + 2 * ccp;
    let fc_of = |cp: usize| (FC_TEXT + 2 * cp) as u32;

    // WordDocument: FIB placeholder, text, FKPs, Sepx.
    let mut word = vec![0u8; FC_TEXT];
    for u in &text {
        put16(&mut word, *u);
    }
    pad_to(&mut word, fc_end.div_ceil(PAGE) * PAGE);

    // Character runs: the title paragraph bold and larger, the rest as the Normal style.
    let title_end = para_ends.first().copied().unwrap_or(ccp);
    let mut title_chpx = Vec::new();
    sprm16(&mut title_chpx, SPRM_C_HPS, 32);
    sprm8(&mut title_chpx, SPRM_C_F_BOLD, 1);
    let mut runs: Vec<(u32, u32, &[u8])> = vec![(fc_of(0), fc_of(title_end), &title_chpx)];
    if title_end < ccp {
        runs.push((fc_of(title_end), fc_of(ccp), &[]));
    }
    let chpx_pn = word.len() / PAGE;
    word.extend_from_slice(&chpx_fkp(&runs));

    // Paragraphs: the title centred, every paragraph in the Normal style (istd 0).
    let mut title_papx = vec![0, 0];
    sprm8(&mut title_papx, SPRM_P_JC80, 1);
    let plain_papx: Vec<u8> = vec![0, 0];
    let mut papx_bte: Vec<(u32, u32)> = Vec::new(); // (first fc, page number)
    let mut start = 0;
    for chunk in para_ends.chunks(PARAS_PER_FKP) {
        let mut entries: Vec<(u32, u32, &[u8])> = Vec::with_capacity(chunk.len());
        for &end in chunk {
            let props: &[u8] = if start == 0 { &title_papx } else { &plain_papx };
            entries.push((fc_of(start), fc_of(end), props));
            start = end;
        }
        papx_bte.push((entries[0].0, (word.len() / PAGE) as u32));
        word.extend_from_slice(&papx_fkp(&entries));
    }

    // The one section: A4 with the usual Chinese Word margins.
    let fc_sepx = word.len();
    let mut sepx = Vec::new();
    sprm16(&mut sepx, SPRM_S_XA_PAGE, 11906);
    sprm16(&mut sepx, SPRM_S_YA_PAGE, 16838);
    sprm16(&mut sepx, SPRM_S_DXA_LEFT, 1800);
    sprm16(&mut sepx, SPRM_S_DXA_RIGHT, 1800);
    sprm16(&mut sepx, SPRM_S_DYA_TOP, 1440);
    sprm16(&mut sepx, SPRM_S_DYA_BOTTOM, 1440);
    put16(&mut word, sepx.len() as u16);
    word.extend_from_slice(&sepx);
    let cb_mac = word.len();

    // 1Table.
    let mut table = Vec::new();
    let mut fclcb = [(0u32, 0u32); FC_LCB_COUNT];
    let mut add = |table: &mut Vec<u8>, idx: usize, bytes: &[u8]| {
        fclcb[idx] = (table.len() as u32, bytes.len() as u32);
        table.extend_from_slice(bytes);
    };
    let stsh = stsh();
    add(&mut table, STSHF, &stsh);
    let mut sed = Vec::new();
    put32(&mut sed, 0);
    put32(&mut sed, ccp as u32);
    put16(&mut sed, 0); // fn
    put32(&mut sed, fc_sepx as u32);
    put16(&mut sed, 0); // fnMpr
    put32(&mut sed, u32::MAX); // fcMpr: none
    add(&mut table, PLCF_SED, &sed);
    let mut bte_chpx = Vec::new();
    put32(&mut bte_chpx, fc_of(0));
    put32(&mut bte_chpx, fc_end as u32);
    put32(&mut bte_chpx, chpx_pn as u32);
    add(&mut table, PLCF_BTE_CHPX, &bte_chpx);
    let mut bte_papx = Vec::new();
    for (fc, _) in &papx_bte {
        put32(&mut bte_papx, *fc);
    }
    put32(&mut bte_papx, fc_end as u32);
    for (_, pn) in &papx_bte {
        put32(&mut bte_papx, *pn);
    }
    add(&mut table, PLCF_BTE_PAPX, &bte_papx);
    add(&mut table, STTBF_FFN, &sttbf_ffn());
    add(&mut table, DOP, &dop());
    add(&mut table, STTBF_ASSOC, &sttbf_assoc());
    let mut clx = vec![0x02]; // Pcdt
    put32(&mut clx, 16); // PlcPcd: two CPs and one Pcd
    put32(&mut clx, 0);
    put32(&mut clx, ccp as u32);
    put16(&mut clx, 0); // Pcd flags
    put32(&mut clx, FC_TEXT as u32); // FcCompressed: fCompressed = 0, so UTF-16LE at fc
    put16(&mut clx, 0); // prm
    add(&mut table, CLX, &clx);
    fclcb[STSHF_ORIG] = fclcb[STSHF];

    let fib = fib(&FibValues {
        fc_end: fc_end as u32,
        cb_mac: cb_mac as u32,
        ccp_text: ccp as u32,
        chpx_pn: chpx_pn as u32,
        papx_pn: papx_bte.first().map_or(0, |b| b.1),
        papx_pages: papx_bte.len() as u32,
        fclcb: &fclcb,
    });
    word[..fib.len()].copy_from_slice(&fib);
    WordStreams { word, table }
}

/// The title and lines as UTF-16 paragraphs: control characters become spaces (a stray CR
/// or cell mark would change the structure) and the sizes are bounded.
fn paragraphs(title: &str, lines: &[String]) -> Vec<Vec<u16>> {
    let mut out = Vec::new();
    let mut total = 0;
    for p in std::iter::once(title).chain(lines.iter().map(String::as_str)) {
        let clean: String = p
            .chars()
            .take(MAX_PARA_CHARS)
            .map(|c| if u32::from(c) < 0x20 { ' ' } else { c })
            .collect();
        let units: Vec<u16> = clean.encode_utf16().collect();
        if out.len() == MAX_PARAS || total + units.len() + 1 > MAX_UNITS {
            break;
        }
        total += units.len() + 1;
        out.push(units);
    }
    out
}

struct FibValues<'a> {
    fc_end: u32,
    cb_mac: u32,
    ccp_text: u32,
    chpx_pn: u32,
    papx_pn: u32,
    papx_pages: u32,
    fclcb: &'a [(u32, u32); FC_LCB_COUNT],
}

/// The 900-byte Word 97 FIB: FibBase, FibRgW97, FibRgLw97, FibRgFcLcb97, cswNew = 0.
fn fib(v: &FibValues) -> Vec<u8> {
    let mut f = Vec::with_capacity(900);
    put16(&mut f, 0xA5EC); // wIdent
    put16(&mut f, 0x00C1); // nFib: Word 97
    put16(&mut f, 0); // unused
    put16(&mut f, LID_ZH_CN); // lid
    put16(&mut f, 0); // pnNext
    // fWhichTblStm (1Table), fExtChar (MUST be 1), fFarEast; not complex, not encrypted.
    put16(&mut f, 0x0200 | 0x1000 | 0x4000);
    put16(&mut f, 0x00BF); // nFibBack
    put32(&mut f, 0); // lKey
    f.push(0); // envr
    f.push(0); // fMac … fSpare0
    put16(&mut f, 0); // reserved3
    put16(&mut f, 0); // reserved4
    put32(&mut f, FC_TEXT as u32); // reserved5: the legacy fcMin
    put32(&mut f, v.fc_end); // reserved6: the legacy fcMac
    // FibRgW97: 13 reserved words, then lidFE (the language of the stored style names).
    put16(&mut f, 0x000E);
    for _ in 0..13 {
        put16(&mut f, 0);
    }
    put16(&mut f, LID_ZH_CN);
    // FibRgLw97.
    put16(&mut f, 0x0016);
    let lw: [u32; 22] = [
        v.cb_mac,
        0,
        0,
        v.ccp_text,
        0, // ccpFtn
        0, // ccpHdd
        0,
        0, // ccpAtn
        0, // ccpEdn
        0, // ccpTxbx
        0, // ccpHdrTxbx
        // The Word 97 bin-table hints (pnFbpChpFirst, pnChpFirst, cpnBteChp, and the
        // same for paragraphs and lists), as Word writes them.
        0xF_FFFF,
        v.chpx_pn,
        1,
        0xF_FFFF,
        v.papx_pn,
        v.papx_pages,
        0xF_FFFF,
        0,
        0,
        0,
        0,
    ];
    for x in lw {
        put32(&mut f, x);
    }
    put16(&mut f, FC_LCB_COUNT as u16);
    for (fc, lcb) in v.fclcb {
        put32(&mut f, *fc);
        put32(&mut f, *lcb);
    }
    put16(&mut f, 0); // cswNew: none for nFib 0x00C1
    debug_assert_eq!(f.len(), 900);
    f
}

/// A ChpxFkp page: crun+1 FCs, crun offsets (in words, 0 = no properties), Chpx records
/// packed from the end of the page, crun in the last byte.
fn chpx_fkp(runs: &[(u32, u32, &[u8])]) -> [u8; PAGE] {
    let mut page = [0u8; PAGE];
    let mut at = 0;
    for (start, _, _) in runs {
        page[at..at + 4].copy_from_slice(&start.to_le_bytes());
        at += 4;
    }
    let last = runs.last().map_or(0, |r| r.1);
    page[at..at + 4].copy_from_slice(&last.to_le_bytes());
    let rgb = at + 4;
    let mut top = PAGE - 1;
    for (i, (_, _, grpprl)) in runs.iter().enumerate() {
        if grpprl.is_empty() {
            continue;
        }
        let pos = (top - 1 - grpprl.len()) & !1;
        page[pos] = grpprl.len() as u8;
        page[pos + 1..pos + 1 + grpprl.len()].copy_from_slice(grpprl);
        page[rgb + i] = (pos / 2) as u8;
        top = pos;
    }
    page[PAGE - 1] = runs.len() as u8;
    page
}

/// A PapxFkp page: cpara+1 FCs, cpara BxPap (a word offset and a zero PHE), PapxInFkp
/// records (istd + sprms) packed from the end of the page and shared when identical,
/// cpara in the last byte.
fn papx_fkp(paras: &[(u32, u32, &[u8])]) -> [u8; PAGE] {
    let mut page = [0u8; PAGE];
    let mut at = 0;
    for (start, _, _) in paras {
        page[at..at + 4].copy_from_slice(&start.to_le_bytes());
        at += 4;
    }
    let last = paras.last().map_or(0, |p| p.1);
    page[at..at + 4].copy_from_slice(&last.to_le_bytes());
    let rgbx = at + 4;
    let mut top = PAGE - 1;
    let mut written: Vec<(&[u8], u8)> = Vec::new();
    for (i, (_, _, props)) in paras.iter().enumerate() {
        let b = match written.iter().find(|(p, _)| p == props) {
            Some((_, b)) => *b,
            None => {
                // cb counts words: an odd grpprl has cb = (len+1)/2, an even one cb = 0
                // followed by cb' = len/2.
                let rec: Vec<u8> = if props.len() % 2 == 1 {
                    std::iter::once(props.len().div_ceil(2) as u8)
                        .chain(props.iter().copied())
                        .collect()
                } else {
                    [0, (props.len() / 2) as u8]
                        .into_iter()
                        .chain(props.iter().copied())
                        .collect()
                };
                let pos = (top - rec.len()) & !1;
                page[pos..pos + rec.len()].copy_from_slice(&rec);
                top = pos;
                let b = (pos / 2) as u8;
                written.push((props, b));
                b
            }
        };
        page[rgbx + 13 * i] = b;
    }
    page[PAGE - 1] = paras.len() as u8;
    page
}

/// The style sheet: the 15 fixed slots, of which Normal (istd 0, paragraph style, 12 pt,
/// Times New Roman / 宋体, zh-CN) and Default Paragraph Font (istd 10) are defined.
fn stsh() -> Vec<u8> {
    let mut s = Vec::new();
    put16(&mut s, 18); // cbStshi: the Word 97 Stshi
    put16(&mut s, 15); // cstd
    put16(&mut s, 0x000A); // cbSTDBaseInFile: StdfBase only
    put16(&mut s, 1); // fStdStylenamesWritten
    put16(&mut s, 0x005B); // stiMaxWhenSaved
    put16(&mut s, 15); // istdMaxFixedWhenSaved
    put16(&mut s, 0); // nVerBuiltInNamesWhenSaved
    put16(&mut s, 0); // ftcAsci: Times New Roman
    put16(&mut s, 1); // ftcFE: 宋体
    put16(&mut s, 0); // ftcOther
    let mut normal_chp = Vec::new();
    sprm16(&mut normal_chp, SPRM_C_RG_FTC0, 0);
    sprm16(&mut normal_chp, SPRM_C_RG_FTC1, 1);
    sprm16(&mut normal_chp, SPRM_C_RG_FTC2, 0);
    sprm16(&mut normal_chp, SPRM_C_HPS, 24);
    sprm16(&mut normal_chp, SPRM_C_RG_LID0, LID_EN_US);
    sprm16(&mut normal_chp, SPRM_C_RG_LID1, LID_ZH_CN);
    for istd in 0..15u16 {
        let std = match istd {
            0 => std_entry(0, 1, 0, "Normal", Some(&[]), &normal_chp),
            10 => std_entry(65, 2, 10, "Default Paragraph Font", None, &[]),
            _ => Vec::new(),
        };
        put16(&mut s, std.len() as u16);
        s.extend_from_slice(&std);
    }
    s
}

/// One STD: StdfBase, the name as an Xstz, then the UPXs (paragraph then character for a
/// paragraph style, character only for a character style), each padded to even length.
fn std_entry(
    sti: u16,
    stk: u16,
    istd_next: u16,
    name: &str,
    papx: Option<&[u8]>,
    chpx: &[u8],
) -> Vec<u8> {
    let mut upx = Vec::new();
    if let Some(p) = papx {
        put16(&mut upx, (2 + p.len()) as u16);
        put16(&mut upx, 0); // istd of the UpxPapx
        upx.extend_from_slice(p);
        if p.len() % 2 == 1 {
            upx.push(0);
        }
    }
    put16(&mut upx, chpx.len() as u16);
    upx.extend_from_slice(chpx);
    if chpx.len() % 2 == 1 {
        upx.push(0);
    }
    let units: Vec<u16> = name.encode_utf16().collect();
    let size = 10 + 2 + 2 * units.len() + 2 + upx.len();
    let mut s = Vec::with_capacity(size);
    put16(&mut s, sti & 0x0FFF);
    put16(&mut s, (stk & 0xF) | (0x0FFF << 4)); // istdBase: none
    let cupx: u16 = if papx.is_some() { 2 } else { 1 };
    put16(&mut s, cupx | (istd_next << 4));
    put16(&mut s, size as u16); // bchUpe
    put16(&mut s, 0); // grfstd
    put16(&mut s, units.len() as u16);
    for u in units {
        put16(&mut s, u);
    }
    put16(&mut s, 0);
    s.extend_from_slice(&upx);
    s
}

/// The font table: Times New Roman (0) and 宋体 (1).
fn sttbf_ffn() -> Vec<u8> {
    let fonts: [(u8, u8, [u8; 10], &str); 2] = [
        // prq = variable pitch, TrueType, roman family; ANSI charset.
        (0x16, 0, [2, 2, 6, 3, 5, 4, 5, 2, 3, 4], "Times New Roman"),
        // prq = variable pitch, TrueType; GB2312 charset.
        (0x06, 134, [2, 1, 6, 0, 3, 1, 1, 1, 1, 1], "宋体"),
    ];
    let mut s = Vec::new();
    put16(&mut s, fonts.len() as u16);
    put16(&mut s, 0); // cbExtra
    for (flags, chs, panose, name) in fonts {
        let mut ffn = vec![flags];
        put16(&mut ffn, 400); // wWeight
        ffn.push(chs);
        ffn.push(0); // ixchSzAlt: no alternative name
        ffn.extend_from_slice(&panose);
        ffn.extend_from_slice(&[0; 24]); // FONTSIGNATURE
        for u in name.encode_utf16() {
            put16(&mut ffn, u);
        }
        put16(&mut ffn, 0);
        s.push(ffn.len() as u8);
        s.extend_from_slice(&ffn);
    }
    s
}

/// The Word 97 document properties (500 bytes): widow control, footnotes and endnotes
/// numbered from 1, a default tab stop of 420 twips (two Chinese characters).
fn dop() -> Vec<u8> {
    let mut d = vec![0u8; 500];
    d[0..2].copy_from_slice(&0x0002u16.to_le_bytes()); // fWidowControl
    d[2..4].copy_from_slice(&(1u16 << 2).to_le_bytes()); // nFtn = 1
    d[10..12].copy_from_slice(&420u16.to_le_bytes()); // dxaTab
    d[52..54].copy_from_slice(&(1u16 << 2).to_le_bytes()); // nEdn = 1
    d
}

/// SttbfAssoc: an extended (UTF-16) string table of the 18 associated strings, all empty.
fn sttbf_assoc() -> Vec<u8> {
    let mut s = Vec::new();
    put16(&mut s, 0xFFFF); // fExtend
    put16(&mut s, 0x0012); // cData
    put16(&mut s, 0); // cbExtra
    for _ in 0..0x12 {
        put16(&mut s, 0);
    }
    s
}

fn sprm8(out: &mut Vec<u8>, sprm: u16, v: u8) {
    put16(out, sprm);
    out.push(v);
}

fn sprm16(out: &mut Vec<u8>, sprm: u16, v: u16) {
    put16(out, sprm);
    put16(out, v);
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn pad_to(out: &mut Vec<u8>, len: usize) {
    if out.len() < len {
        out.resize(len, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(b: &[u8], at: usize) -> usize {
        u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
    }

    /// Oversized input is bounded (paragraph count, paragraph length, total text) and the
    /// paragraphs spread over several PAPX pages whose runs still cover the text exactly.
    #[test]
    fn long_forms_are_bounded_and_span_several_papx_pages() {
        let title = "申请表".repeat(400);
        let lines: Vec<String> = (0..300)
            .map(|i| format!("第{i}项：＿＿＿＿\r\x07"))
            .collect();
        let d = word97(&title, &lines);
        let ccp = u32_at(&d.word, 64 + 12);
        let text: Vec<u16> = (0..ccp)
            .map(|i| u16::from_le_bytes([d.word[FC_TEXT + 2 * i], d.word[FC_TEXT + 2 * i + 1]]))
            .collect();
        let text = String::from_utf16(&text).unwrap_or_default();
        let paras: Vec<&str> = text.trim_end_matches('\r').split('\r').collect();
        assert_eq!(paras.len(), MAX_PARAS);
        assert_eq!(paras[0].chars().count(), MAX_PARA_CHARS);
        assert_eq!(
            paras[1], "第0项：＿＿＿＿  ",
            "control characters become spaces"
        );
        assert!(ccp <= MAX_UNITS);
        // PlcBtePapx: one page per 24 paragraphs, contiguous runs ending at fcMac.
        let (fc, lcb) = (u32_at(&d.word, 154 + 8 * 13), u32_at(&d.word, 158 + 8 * 13));
        let n = (lcb - 4) / 8;
        assert_eq!(n, MAX_PARAS.div_ceil(PARAS_PER_FKP));
        let mut next = FC_TEXT;
        for k in 0..n {
            let pn = u32_at(&d.table, fc + 4 * (n + 1) + 4 * k);
            let page = &d.word[pn * PAGE..(pn + 1) * PAGE];
            for i in 0..page[PAGE - 1] as usize {
                assert_eq!(u32_at(page, 4 * i), next);
                next = u32_at(page, 4 * i + 4);
            }
        }
        assert_eq!(next, FC_TEXT + 2 * ccp);
        assert_eq!(u32_at(&d.word, 28), next, "the legacy fcMac");
        // Both streams fit the compound file's 126 data sectors without being cut.
        let sectors = |len: usize| len.max(4096).div_ceil(PAGE);
        assert!(sectors(d.word.len()) + sectors(d.table.len()) <= 126);
        assert!(u32_at(&d.word, 64) <= d.word.len(), "cbMac");
    }
}
