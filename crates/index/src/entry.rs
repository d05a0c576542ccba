//! One index entry — (bucket, tag, data classes) — and its packed forms: a
//! `u128` that sorts in index order, and the 15-byte on-disk record.

/// Bits of the bucket number kept in every entry.
pub const BUCKET_BITS: u32 = 24;
/// Bytes of the keyed PRF output kept as the tag.
pub const TAG_LEN: usize = 8;
/// Bytes of one on-disk record: 3 bucket (big-endian), 8 tag, 4 classes (little-endian).
pub const RECORD_LEN: usize = 15;
/// Bytes of a record that make up its sort key (bucket and tag).
pub(crate) const KEY_LEN: usize = 11;

/// A bitset of the data classes present in one person's record; bit `i`
/// stands for the breach's `i`-th data class (the breach metadata names them).
pub type ClassSet = u32;

/// The position of one identifier in the index: its bucket (leading bits of an
/// unkeyed hash) and its tag (leading bytes of the keyed PRF output).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    bucket: u32,
    tag: [u8; TAG_LEN],
}

impl Key {
    /// A key, or `None` when `bucket` does not fit in [`BUCKET_BITS`].
    pub fn new(bucket: u32, tag: [u8; TAG_LEN]) -> Option<Key> {
        (bucket >> BUCKET_BITS == 0).then_some(Key { bucket, tag })
    }

    /// A key from a bucket number that may carry higher bits: only the low
    /// [`BUCKET_BITS`] are kept.
    pub fn masked(bucket: u32, tag: [u8; TAG_LEN]) -> Key {
        Key {
            bucket: bucket & ((1 << BUCKET_BITS) - 1),
            tag,
        }
    }

    pub fn bucket(&self) -> u32 {
        self.bucket
    }

    pub fn tag(&self) -> &[u8; TAG_LEN] {
        &self.tag
    }

    /// The 11 bytes that order records on disk.
    pub(crate) fn sort_bytes(&self) -> [u8; KEY_LEN] {
        let mut out = [0u8; KEY_LEN];
        out[..3].copy_from_slice(&self.bucket.to_be_bytes()[1..]);
        out[3..].copy_from_slice(&self.tag);
        out
    }
}

/// One exposure: a key and the data classes of that person's record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: Key,
    pub classes: ClassSet,
}

impl Entry {
    /// Packs into a `u128` whose integer order is (bucket, tag, classes),
    /// with a counting group in the low byte (see [`crate::Group`]).
    pub(crate) fn pack(&self, group: Group) -> u128 {
        (u128::from(self.key.bucket) << 104)
            | (u128::from(u64::from_be_bytes(self.key.tag)) << 40)
            | (u128::from(self.classes) << 8)
            | u128::from(group)
    }

    pub(crate) fn unpack(packed: u128) -> Entry {
        Entry {
            key: Key {
                bucket: (packed >> 104) as u32 & ((1 << BUCKET_BITS) - 1),
                tag: ((packed >> 40) as u64).to_be_bytes(),
            },
            classes: (packed >> 8) as u32,
        }
    }

    pub(crate) fn to_record(self) -> [u8; RECORD_LEN] {
        let mut out = [0u8; RECORD_LEN];
        out[..KEY_LEN].copy_from_slice(&self.key.sort_bytes());
        out[KEY_LEN..].copy_from_slice(&self.classes.to_le_bytes());
        out
    }

    /// Decodes a record; `record` must be [`RECORD_LEN`] bytes long.
    pub(crate) fn from_record(record: &[u8; RECORD_LEN]) -> Entry {
        let bucket = u32::from_be_bytes([0, record[0], record[1], record[2]]);
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&record[3..KEY_LEN]);
        let classes = u32::from_le_bytes([record[11], record[12], record[13], record[14]]);
        Entry {
            key: Key { bucket, tag },
            classes,
        }
    }
}

/// The key part of a packed entry, for finding duplicates.
pub(crate) fn packed_key(packed: u128) -> u128 {
    packed >> 40
}

/// The classes part of a packed entry, in place.
pub(crate) fn packed_classes(packed: u128) -> u128 {
    packed & (u128::from(u32::MAX) << 8)
}

/// The counting group of a packed entry.
pub(crate) fn packed_group(packed: u128) -> Group {
    packed as u8
}

/// A counting group: a build counts its distinct keys per group (say, per
/// country calling code), so statistics count people, not rows. Entries with
/// the same key belong to the same group; [`UNCOUNTED`] is not counted.
pub type Group = u8;

/// The group of entries a build does not count (already known, say).
pub const UNCOUNTED: Group = u8::MAX;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_order_is_bucket_then_tag() {
        let a = Entry {
            key: Key::new(1, [0xff; 8]).unwrap(),
            classes: u32::MAX,
        };
        let b = Entry {
            key: Key::new(2, [0; 8]).unwrap(),
            classes: 0,
        };
        assert!(a.pack(UNCOUNTED) < b.pack(0));
        assert!(a.key.sort_bytes() < b.key.sort_bytes());
        assert_eq!(Entry::unpack(a.pack(7)), a);
        assert_eq!(packed_group(a.pack(7)), 7);
        assert_eq!(packed_key(a.pack(7)), packed_key(a.pack(9)));
        assert_eq!(Entry::from_record(&b.to_record()), b);
    }

    #[test]
    fn key_rejects_wide_bucket() {
        assert!(Key::new(1 << 24, [0; 8]).is_none());
        assert!(Key::new((1 << 24) - 1, [0; 8]).is_some());
    }
}
