//! A small WordprocessingML writer: paragraphs, a bordered table, page setup, in the smallest
//! package Word, WPS and LibreOffice all open ([Content_Types].xml, the relationships, the
//! document and its styles). Written by hand rather than with a DOCX crate: a notice needs
//! only these, and every byte of text goes through `text::xml` here.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

use crate::text::xml;

/// Paragraph looks the notices use.
#[derive(Clone, Copy)]
pub enum Para {
    Title,
    Body,
    /// Right-aligned (the issuer and date at the foot).
    Right,
    /// A heading within the notice.
    Heading,
    /// Smaller grey text.
    Note,
}

/// A document being written.
#[derive(Default)]
pub struct Doc {
    body: String,
}

/// A4 in twentieths of a point, with 2.5 cm margins: 11906 × 16838, 1418 each side.
const PAGE_W: u32 = 11_906;
const PAGE_H: u32 = 16_838;
const MARGIN: u32 = 1_418;
/// The text block's width, shared out among a table's columns.
pub const TEXT_W: u32 = PAGE_W - 2 * MARGIN;

impl Doc {
    pub fn para(&mut self, style: Para, text: &str) {
        let (ppr, rpr) = match style {
            Para::Title => (
                "<w:jc w:val=\"center\"/><w:spacing w:after=\"240\"/>",
                "<w:b/><w:sz w:val=\"36\"/>",
            ),
            Para::Body => (
                "<w:spacing w:after=\"120\" w:line=\"360\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"480\"/>",
                "",
            ),
            Para::Right => ("<w:jc w:val=\"right\"/>", ""),
            Para::Heading => ("<w:spacing w:before=\"240\" w:after=\"120\"/>", "<w:b/>"),
            Para::Note => (
                "<w:spacing w:before=\"120\"/>",
                "<w:color w:val=\"666666\"/><w:sz w:val=\"18\"/>",
            ),
        };
        self.body.push_str(&format!("<w:p><w:pPr>{ppr}</w:pPr>"));
        // A line break inside the text becomes one in the paragraph.
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.body.push_str("<w:r><w:br/></w:r>");
            }
            self.body.push_str(&format!(
                "<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                xml(line)
            ));
        }
        self.body.push_str("</w:p>");
    }

    /// A table with a header row; `widths` are shares of the text width (they need not add
    /// up to anything).
    pub fn table(&mut self, widths: &[u32], header: &[&str], rows: &[Vec<String>]) {
        let sum: u32 = widths.iter().sum::<u32>().max(1);
        let cols: Vec<u32> = widths.iter().map(|w| TEXT_W * w / sum).collect();
        self.body.push_str(
            "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblLayout w:type=\"fixed\"/><w:tblBorders>\
             <w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             </w:tblBorders><w:tblCellMar><w:left w:w=\"80\" w:type=\"dxa\"/><w:right w:w=\"80\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>",
        );
        for w in &cols {
            self.body.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
        }
        self.body.push_str("</w:tblGrid>");
        let header: Vec<String> = header.iter().map(|s| s.to_string()).collect();
        self.row(&cols, &header, true);
        for r in rows {
            self.row(&cols, r, false);
        }
        self.body.push_str("</w:tbl>");
    }

    fn row(&mut self, cols: &[u32], cells: &[String], header: bool) {
        self.body.push_str(if header {
            "<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"
        } else {
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        });
        for (w, text) in cols.iter().zip(cells) {
            let shade = if header {
                "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E7E6E6\"/>"
            } else {
                ""
            };
            let rpr = if header {
                "<w:b/><w:sz w:val=\"20\"/>"
            } else {
                "<w:sz w:val=\"20\"/>"
            };
            self.body.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/>{shade}</w:tcPr><w:p><w:pPr><w:spacing w:after=\"0\"/></w:pPr>"
            ));
            for (i, line) in text.split('\n').enumerate() {
                if i > 0 {
                    self.body.push_str("<w:r><w:br/></w:r>");
                }
                self.body.push_str(&format!(
                    "<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                    xml(line)
                ));
            }
            self.body.push_str("</w:p></w:tc>");
        }
        self.body.push_str("</w:tr>");
    }

    /// The .docx file's bytes.
    pub fn finish(self, title: &str) -> Result<Vec<u8>, zip::result::ZipError> {
        let document = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
             <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
             xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>{}\
             <w:sectPr><w:pgSz w:w=\"{PAGE_W}\" w:h=\"{PAGE_H}\"/>\
             <w:pgMar w:top=\"{MARGIN}\" w:right=\"{MARGIN}\" w:bottom=\"{MARGIN}\" w:left=\"{MARGIN}\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/>\
             </w:sectPr></w:body></w:document>",
            self.body
        );
        let core = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
             <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:creator>kaohe</dc:creator></cp:coreProperties>",
            xml(title)
        );
        let parts: [(&str, &str); 6] = [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("word/_rels/document.xml.rels", DOCUMENT_RELS),
            ("word/document.xml", &document),
            ("word/styles.xml", STYLES),
            ("docProps/core.xml", &core),
        ];
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in parts {
            zip.start_file(name, opts)?;
            zip.write_all(body.as_bytes())?;
        }
        Ok(zip.finish()?.into_inner())
    }
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
</Relationships>";

/// Default fonts: 宋体 for Chinese (what the office's Word has; LibreOffice substitutes its
/// own CJK font), 12 pt body text.
const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr>\
<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"宋体\" w:cs=\"Times New Roman\"/>\
<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/>\
</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style>\
</w:styles>";
