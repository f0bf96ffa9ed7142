//! Body hashing and compression. Bodies are content-addressed by the sha256 of the raw bytes,
//! so a page that did not change between crawls (or a shared attachment) is stored once.

use std::cell::RefCell;
use std::io::{Read, Write};

use sha2::{Digest, Sha256};

use crate::StoreError;
use crate::model::Codec;

/// zstd level 3: the library default; ~3-4x on HTML at a few hundred MB/s, so compression is
/// never the crawl's bottleneck.
const ZSTD_LEVEL: i32 = 3;

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

thread_local! {
    /// One zstd context per thread, reused: creating one costs more than compressing a
    /// typical page (it showed in the crawl's profile).
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
}

/// Compresses a raw body for the `bodies` table.
pub(crate) fn compress(raw: &[u8]) -> Result<(Codec, Vec<u8>), StoreError> {
    let data = COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        let z = match c.as_mut() {
            Some(z) => z,
            None => c.insert(zstd::bulk::Compressor::new(ZSTD_LEVEL)?),
        };
        z.compress(raw)
    });
    Ok((Codec::Zstd, data.map_err(StoreError::Codec)?))
}

/// Restores the raw bytes of a stored body. `raw_size` bounds the allocation so a damaged row
/// cannot make us allocate without limit.
pub(crate) fn decompress(codec: Codec, data: &[u8], raw_size: u64) -> Result<Vec<u8>, StoreError> {
    let cap = usize::try_from(raw_size)
        .map_err(|_| StoreError::Corrupt(format!("正文长度异常：{raw_size}")))?;
    let out = match codec {
        Codec::Identity => data.to_vec(),
        Codec::Zstd => zstd::bulk::decompress(data, cap).map_err(StoreError::Codec)?,
        Codec::Gzip => {
            let mut out = Vec::with_capacity(cap);
            flate2::read::GzDecoder::new(data)
                .take(raw_size.saturating_add(1))
                .read_to_end(&mut out)
                .map_err(StoreError::Codec)?;
            out
        }
    };
    if out.len() as u64 != raw_size {
        return Err(StoreError::Corrupt(format!(
            "正文解压后长度 {} 与记录的 {raw_size} 不符",
            out.len()
        )));
    }
    Ok(out)
}

/// gzip, for stores written by other tools or a future codec switch; kept tested.
#[allow(dead_code)]
pub(crate) fn gzip(raw: &[u8]) -> Result<Vec<u8>, StoreError> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(raw).map_err(StoreError::Codec)?;
    enc.finish().map_err(StoreError::Codec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_codec() {
        let raw = "<html>政务公开 政务公开 政务公开</html>"
            .repeat(50)
            .into_bytes();
        let (codec, z) = compress(&raw).unwrap();
        assert!(z.len() < raw.len());
        assert_eq!(decompress(codec, &z, raw.len() as u64).unwrap(), raw);
        let g = gzip(&raw).unwrap();
        assert_eq!(decompress(Codec::Gzip, &g, raw.len() as u64).unwrap(), raw);
        assert_eq!(
            decompress(Codec::Identity, &raw, raw.len() as u64).unwrap(),
            raw
        );
        assert!(decompress(codec, &z, raw.len() as u64 - 1).is_err());
    }

    #[test]
    fn sha256_is_hex_of_known_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
