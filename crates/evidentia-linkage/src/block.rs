//! Blocking: only records that share a blocking key are compared, so that a million records never
//! means half a trillion pairs.
//!
//! Every record gets up to [`SLOTS`] keys, each of one kind:
//!
//! 0. family-name key + birth year: the common case, robust to given-name forms and diminutives;
//! 1. given-name group (or key) + first two letters of the family-name key + birth year: family
//!    names with typos or unusual transliterations;
//! 2. given-name group + family-name key, no date: records without a birth date; a record whose
//!    family-name field is itself a known given name also gets the crosswise key (slot 3), so that
//!    swapped given and family names meet their straight twins;
//! 3. full birth date (day and month in sorted order, so that swapped dates meet) + first letter of
//!    the family-name key: the given name may be in a form no group lists, the family name garbled;
//! 4. family-name key alone: records with neither a birth date nor a given name in a known group
//!    (an age instead of a date, a diminutive shared by several names); the cap keeps common
//!    family names out.
//!
//! A block with more records than [`crate::Parameters::block_cap`] is not compared within: such a
//! key carries too little information to be worth the quadratic work, and other keys of the same
//! records still apply.

use crate::record::Prepared;

/// Key slots per record.
pub const SLOTS: usize = 6;

/// The kind of each slot: slots 2 and 3 are the straight and crosswise versions of one kind.
pub const SLOT_KIND: [u8; SLOTS] = [0, 1, 2, 2, 3, 4];

/// No key in this slot.
pub const NONE: u64 = 0;

/// FNV-1a: stable across runs and platforms, so that blocks (and so results) are deterministic.
struct Fnv(u64);

impl Fnv {
    fn new(kind: u8) -> Fnv {
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
        h.bytes(&[kind, 0xff]);
        h
    }
    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(self) -> u64 {
        if self.0 == NONE { 1 } else { self.0 }
    }
}

fn given_token(p: &Prepared) -> Option<Vec<u8>> {
    if let Some(&g) = p.given.groups.first() {
        let mut v = b"g".to_vec();
        v.extend_from_slice(&g.to_le_bytes());
        Some(v)
    } else {
        p.given.keys.first().map(|k| {
            let mut v = b"k".to_vec();
            v.extend_from_slice(k.as_bytes());
            v
        })
    }
}

fn first_byte(words: &[Box<str>]) -> Option<u8> {
    words.first().and_then(|w| w.as_bytes().first().copied())
}

/// The blocking keys of a record.
pub(crate) fn keys(p: &Prepared) -> [u64; SLOTS] {
    let mut out = [NONE; SLOTS];
    let family = p.family.keys.first();
    let year = p.birth.map(|d| d.year);
    if let (Some(family), Some(year)) = (family, year) {
        let mut h = Fnv::new(0);
        h.bytes(family.as_bytes());
        h.bytes(&year.to_le_bytes());
        out[0] = h.finish();
    }
    let given = given_token(p);
    if let (Some(given), Some(family), Some(year)) = (&given, family, year) {
        let mut h = Fnv::new(1);
        h.bytes(given);
        h.bytes(family.as_bytes().get(..2).unwrap_or(family.as_bytes()));
        h.bytes(&year.to_le_bytes());
        out[1] = h.finish();
    }
    if let (Some(given), Some(family)) = (&given, family) {
        let mut h = Fnv::new(2);
        h.bytes(given);
        h.bytes(family.as_bytes());
        out[2] = h.finish();
    }
    // Crosswise: the family-name field holds a given name, the given-name field a family name.
    if let (Some(&group), Some(family)) = (p.family.groups.first(), p.given_as_family().first()) {
        let mut h = Fnv::new(2);
        h.bytes(b"g");
        h.bytes(&group.to_le_bytes());
        h.bytes(family.as_bytes());
        out[3] = h.finish();
    }
    if let Some(date) = p.birth
        && let (Some(m), Some(d)) = (date.month, date.day)
        && let Some(initial) = first_byte(&p.family.keys)
    {
        let mut h = Fnv::new(3);
        h.bytes(&date.year.to_le_bytes());
        h.bytes(&[m.min(d), m.max(d), initial]);
        out[4] = h.finish();
    }
    if let (Some(family), Some(initial)) = (family, first_byte(&p.given.keys)) {
        let mut h = Fnv::new(4);
        h.bytes(family.as_bytes());
        h.bytes(&[initial]);
        out[5] = h.finish();
    }
    out
}
