//! The private check's messages against their known answers (`kat.json`,
//! written by `examples/kat.rs`; the browser client is held to the same
//! bytes by `crates/web/js/test/kat.mjs`): the PRF input, bucket and prefix
//! of each identifier; the request, blinded with the recorded scalar; the
//! server's evaluated element; the answer decoded and encoded again byte for
//! byte; the client's finalized output (its proof verified) and what its
//! search finds.

use lekradar_normalize::{normalize, Region};
use lekradar_prf::{client, OprfMode, ServerKey};
use lekradar_private::{
    from_hex, search, BucketMessage, CheckAnswer, CheckRequest, Evaluation, Prefix, PrivateBreach,
    WireError,
};
use serde_json::Value;

#[path = "support/fixed_rng.rs"]
mod fixed_rng;
use fixed_rng::FixedRng;

fn kat() -> Value {
    serde_json::from_str(include_str!("kat.json")).unwrap()
}

fn hex(v: &Value) -> Vec<u8> {
    from_hex(v.as_str().unwrap()).unwrap()
}

#[test]
fn every_known_answer_holds() {
    let kat = kat();
    let breaches: Vec<PrivateBreach> = serde_json::from_value(kat["breaches"].clone()).unwrap();
    let cases = kat["cases"].as_array().unwrap();
    assert!(cases.len() >= 4);
    let mut found_somewhere = 0;
    for case in cases {
        let mode: OprfMode = case["mode"].as_str().unwrap().parse().unwrap();
        let key = ServerKey::from_secret_bytes_in_mode(&hex(&case["secretKey"]), mode).unwrap();
        assert_eq!(key.public_key().to_vec(), hex(&case["publicKey"]));
        let id = normalize(case["typed"].as_str().unwrap(), Region::NL).unwrap();
        assert_eq!(id.canonical(), case["canonical"]);
        let input = id.prf_input();
        assert_eq!(input, case["input"].as_str().unwrap().as_bytes());
        let bucket = lekradar_prf::bucket(&input);
        assert_eq!(u64::from(bucket), case["bucket"].as_u64().unwrap());
        let bits = case["bits"].as_u64().unwrap() as u32;
        let prefix = Prefix::of_bucket(bucket, bits).unwrap();
        assert_eq!(u64::from(prefix.value()), case["prefix"].as_u64().unwrap());

        let blinded =
            client::blind_with_rng(mode, &input, &mut FixedRng(hex(&case["blind"]))).unwrap();
        assert_eq!(blinded.element.to_vec(), hex(&case["blinded"]));
        let request = CheckRequest {
            prefix,
            blinded: blinded.element,
        };
        let request_bytes = request.encode();
        assert_eq!(request_bytes, hex(&case["request"]));
        assert_eq!(CheckRequest::decode(&request_bytes).unwrap(), request);

        // The evaluated element is deterministic; the proof is not (its
        // nonce is random), so the recorded one is verified below.
        let evaluation = Evaluation::decode(mode, &hex(&case["evaluation"])).unwrap();
        let (evaluated, _) = key.blind_evaluate(&blinded.element).unwrap();
        assert_eq!(evaluation.evaluated.to_vec(), evaluated);
        assert_eq!(evaluation.proof.is_some(), mode == OprfMode::Voprf);

        let answer_bytes = hex(&case["answer"]);
        let answer = CheckAnswer::decode(mode, &answer_bytes).unwrap();
        assert_eq!(answer.encode(), answer_bytes);
        assert_eq!(answer.evaluation, evaluation);
        assert_eq!(answer.bucket.prefix, prefix);
        let proof = answer
            .evaluation
            .proof
            .map(|p| p.to_vec())
            .unwrap_or_default();
        let output = blinded
            .finalize(&answer.evaluation.evaluated, &proof, &key.public_key())
            .unwrap();
        assert_eq!(output.to_vec(), hex(&case["output"]));
        assert_eq!(output, key.evaluate(&input).unwrap());

        let found: Vec<Value> = search(bucket, &output, &breaches, &answer.bucket.entries)
            .iter()
            .map(|f| serde_json::json!({"name": f.breach.name, "dataClasses": f.data_classes}))
            .collect();
        assert_eq!(Value::from(found.clone()), case["found"]);
        found_somewhere += found.len();
    }
    assert!(found_somewhere >= 3);
}

#[test]
fn a_tampered_proof_does_not_verify() {
    let kat = kat();
    let case = &kat["cases"][0];
    assert_eq!(case["mode"], "voprf");
    let key =
        ServerKey::from_secret_bytes_in_mode(&hex(&case["secretKey"]), OprfMode::Voprf).unwrap();
    let input = case["input"].as_str().unwrap().as_bytes();
    let blinded =
        client::blind_with_rng(OprfMode::Voprf, input, &mut FixedRng(hex(&case["blind"]))).unwrap();
    let mut answer = CheckAnswer::decode(OprfMode::Voprf, &hex(&case["answer"])).unwrap();
    let mut proof = answer.evaluation.proof.unwrap();
    proof[5] ^= 1;
    answer.evaluation.proof = Some(proof);
    assert!(blinded
        .finalize(&answer.evaluation.evaluated, &proof, &key.public_key())
        .is_err());
}

#[test]
fn malformed_messages_are_refused_with_their_reason() {
    let kat = kat();
    let case = &kat["cases"][0];
    let request = hex(&case["request"]);
    assert!(matches!(
        CheckRequest::decode(&request[..36]),
        Err(WireError::Length { expected: 37, .. })
    ));
    let mut v2 = request.clone();
    v2[0] = 2;
    assert_eq!(CheckRequest::decode(&v2), Err(WireError::Version(2)));
    let mut long = request.clone();
    long[1] = 25;
    assert_eq!(
        CheckRequest::decode(&long),
        Err(WireError::PrefixLength(25))
    );
    let mut overflow = request.clone();
    overflow[1] = 4;
    overflow[4] = 0x10;
    assert_eq!(
        CheckRequest::decode(&overflow),
        Err(WireError::PrefixValue(4))
    );

    let answer = hex(&case["answer"]);
    // An answer in the other mode than the client blinded in.
    assert_eq!(
        CheckAnswer::decode(OprfMode::Oprf, &answer),
        Err(WireError::WrongMode {
            expected: "oprf",
            got: "voprf"
        })
    );
    let mut bad_mode = answer.clone();
    bad_mode[1] = 7;
    assert_eq!(
        CheckAnswer::decode(OprfMode::Voprf, &bad_mode),
        Err(WireError::UnknownMode(7))
    );
    assert!(matches!(
        CheckAnswer::decode(OprfMode::Voprf, &answer[..answer.len() - 1]),
        Err(WireError::Count { .. })
    ));
    assert!(matches!(
        CheckAnswer::decode(OprfMode::Voprf, &answer[..50]),
        Err(WireError::Truncated { .. })
    ));
    let bucket = &answer[2 + 32 + 64..];
    assert!(BucketMessage::decode(bucket).is_ok());
    assert!(matches!(
        BucketMessage::decode(&bucket[..10]),
        Err(WireError::Truncated { .. })
    ));
    assert!(matches!(
        Evaluation::decode(OprfMode::Voprf, &[0; 32]),
        Err(WireError::Length { expected: 96, .. })
    ));
}

mod no_panic {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn decoding_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = CheckRequest::decode(&bytes);
            let _ = BucketMessage::decode(&bytes);
            for mode in [OprfMode::Voprf, OprfMode::Oprf] {
                let _ = CheckAnswer::decode(mode, &bytes);
                let _ = Evaluation::decode(mode, &bytes);
            }
        }

        #[test]
        fn what_is_encoded_decodes_to_itself(
            bits in 0u32..=24,
            bucket in 0u32..(1 << 24),
            generation: u64,
            entries in proptest::collection::vec((any::<[u8; 8]>(), any::<u32>()), 0..50),
            blinded: [u8; 32],
        ) {
            let prefix = Prefix::of_bucket(bucket, bits).unwrap();
            let request = CheckRequest { prefix, blinded };
            prop_assert_eq!(CheckRequest::decode(&request.encode()).unwrap(), request);
            let message = BucketMessage::new(
                prefix,
                generation,
                entries
                    .into_iter()
                    .map(|(tag, sealed)| lekradar_private::BucketEntry { tag, sealed })
                    .collect(),
            );
            prop_assert_eq!(BucketMessage::decode(&message.encode()).unwrap(), message);
        }
    }
}

#[test]
fn prefix_bounds_keep_buckets_full() {
    use lekradar_private::{prefix_bounds, PrefixBounds, MIN_OCCUPANCY};
    assert_eq!(prefix_bounds(0, 16), PrefixBounds { min: 0, max: 0 });
    assert_eq!(prefix_bounds(255, 16), PrefixBounds { min: 0, max: 0 });
    assert_eq!(prefix_bounds(256, 16), PrefixBounds { min: 1, max: 1 });
    assert_eq!(prefix_bounds(3_602, 16), PrefixBounds { min: 4, max: 4 });
    assert_eq!(
        prefix_bounds(625_000, 16),
        PrefixBounds { min: 12, max: 12 }
    );
    assert_eq!(
        prefix_bounds(10_000_000, 16),
        PrefixBounds { min: 12, max: 16 }
    );
    assert_eq!(
        prefix_bounds(500_000_000, 21),
        PrefixBounds { min: 12, max: 21 }
    );
    // Past the configured length only as far as keeps an answer bounded:
    // 500 M entries at 16 bits would average 7 629 (92 KB), at 17 3 814.
    assert_eq!(
        prefix_bounds(500_000_000, 16),
        PrefixBounds { min: 12, max: 17 }
    );
    assert_eq!(
        prefix_bounds(2_000_000_000, 16),
        PrefixBounds { min: 12, max: 19 }
    );
    assert_eq!(
        prefix_bounds(100_000_000, 16),
        PrefixBounds { min: 12, max: 16 }
    );
    for served in [1u64 << 20, 300_000_000, 5_000_000_000, 1 << 40] {
        let b = prefix_bounds(served, 16);
        assert!(
            served >> b.max <= lekradar_private::MAX_AVERAGE_ENTRIES || b.max == 24,
            "{served}: {b:?}"
        );
        assert!(served >> b.max >= MIN_OCCUPANCY || b.max == 0, "{served}");
    }
    for served in [300u64, 5_000, 1 << 20, 123_456_789] {
        let b = prefix_bounds(served, 24);
        assert!(served >> b.max >= MIN_OCCUPANCY, "{served}: {b:?}");
        assert!(
            b.max == 24 || served >> (b.max + 1) < MIN_OCCUPANCY,
            "{served}"
        );
    }
}
