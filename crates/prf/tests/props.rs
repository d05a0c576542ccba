//! Property tests: no panics on arbitrary input, determinism of tags for one key and
//! independence across keys.

use std::sync::OnceLock;

use lekradar_prf::{bucket, PrfError, ServerKey, BUCKET_BITS, ELEMENT_LEN, MAX_INPUT_LEN};
use proptest::prelude::*;

fn keys() -> &'static (ServerKey, ServerKey) {
    static KEYS: OnceLock<(ServerKey, ServerKey)> = OnceLock::new();
    KEYS.get_or_init(|| (ServerKey::generate(), ServerKey::generate()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn blind_evaluate_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
        let (k, _) = keys();
        match k.blind_evaluate(&bytes) {
            Ok((ev, proof)) => {
                prop_assert_eq!(bytes.len(), ELEMENT_LEN);
                prop_assert_eq!(ev.len(), 32);
                prop_assert_eq!(proof.len(), 64);
            }
            Err(PrfError::BlindedElementLength { len }) => prop_assert_ne!(len, ELEMENT_LEN),
            Err(PrfError::InvalidBlindedElement) => prop_assert_eq!(bytes.len(), ELEMENT_LEN),
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    #[test]
    fn blind_evaluate_32_byte_inputs(bytes in proptest::array::uniform32(any::<u8>())) {
        // Most random 32-byte strings are not valid encodings; none may panic.
        let (k, _) = keys();
        let _ = k.blind_evaluate(&bytes);
    }

    #[test]
    fn evaluate_and_bucket_never_panic(input in proptest::collection::vec(any::<u8>(), 0..300)) {
        let (k, _) = keys();
        let out = k.evaluate(&input).unwrap();
        prop_assert_eq!(&out[..8], &k.tag(&input).unwrap()[..]);
        prop_assert!(bucket(&input) < 1 << BUCKET_BITS);
    }

    #[test]
    fn tag_deterministic_per_key_and_differs_across_keys(input in proptest::collection::vec(any::<u8>(), 0..64)) {
        let (k1, k2) = keys();
        prop_assert_eq!(k1.tag(&input).unwrap(), k1.tag(&input).unwrap());
        prop_assert_ne!(k1.tag(&input).unwrap(), k2.tag(&input).unwrap());
    }

    #[test]
    fn distinct_inputs_distinct_tags(a in proptest::collection::vec(any::<u8>(), 0..32),
                                     b in proptest::collection::vec(any::<u8>(), 0..32)) {
        prop_assume!(a != b);
        let (k, _) = keys();
        prop_assert_ne!(k.tag(&a).unwrap(), k.tag(&b).unwrap());
    }
}

#[test]
fn input_length_limit() {
    let (k, _) = keys();
    assert!(k.evaluate(&vec![7u8; MAX_INPUT_LEN]).is_ok());
    assert_eq!(
        k.evaluate(&vec![7u8; MAX_INPUT_LEN + 1]),
        Err(PrfError::InputTooLong {
            len: MAX_INPUT_LEN + 1
        })
    );
    assert!(k.tag(&vec![0u8; 1 << 20]).is_err());
    let _ = bucket(&vec![0u8; 1 << 20]);
}

#[test]
fn special_blinded_elements_rejected() {
    let (k, _) = keys();
    // Identity element encoding.
    assert_eq!(
        k.blind_evaluate(&[0u8; 32]),
        Err(PrfError::InvalidBlindedElement)
    );
    // Non-canonical / invalid encodings.
    assert_eq!(
        k.blind_evaluate(&[0xffu8; 32]),
        Err(PrfError::InvalidBlindedElement)
    );
    // Right element, wrong length (trailing byte must not be ignored).
    let mut long = k.public_key().to_vec();
    assert!(k.blind_evaluate(&long).is_ok());
    long.push(0);
    assert_eq!(
        k.blind_evaluate(&long),
        Err(PrfError::BlindedElementLength { len: 33 })
    );
}
