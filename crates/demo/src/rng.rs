//! Deterministic hashing: every choice the generator makes is `hash(seed, what, which)`, so a
//! page is a pure function of (seed, size, path) and never depends on generation order.

/// SplitMix64 finaliser: a cheap, well-mixed bijection on u64.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a of a string, so names can key a hash.
pub fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Hash of a seed, a string tag and numbers.
pub fn hs(seed: u64, tag: &str, keys: &[u64]) -> u64 {
    keys.iter()
        .fold(mix(seed ^ fnv(tag)), |acc, k| mix(acc ^ mix(*k)))
}

/// One element of a non-empty slice, chosen by a hash.
pub fn pick<T: Copy>(items: &[T], hash: u64) -> T {
    items[(hash % items.len() as u64) as usize]
}

/// A number in `0..n` (0 when n is 0).
pub fn below(hash: u64, n: u64) -> u64 {
    if n == 0 { 0 } else { hash % n }
}

/// FNV-1a of bytes (ETags).
pub fn fnv_bytes(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for x in b {
        h ^= u64::from(*x);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
