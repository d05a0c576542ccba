//! Interop of the oblivious path: a `voprf` client blinds, `ServerKey::blind_evaluate`
//! evaluates with a DLEQ proof, the client verifies the proof against
//! `ServerKey::public_key` and finalizes; the result equals `ServerKey::evaluate`.

use lekradar_prf::voprf::{EvaluationElement, Group, Proof, VoprfClient};
use lekradar_prf::{ServerKey, Suite, TAG_LEN};
use rand::rngs::OsRng;

fn client_round_trip(
    key: &ServerKey,
    verify_against: &ServerKey,
    input: &[u8],
) -> Option<[u8; 64]> {
    let blind = VoprfClient::<Suite>::blind(input, &mut OsRng).unwrap();
    let (ev, proof) = key.blind_evaluate(&blind.message.serialize()).unwrap();
    let ev = EvaluationElement::<Suite>::deserialize(&ev).unwrap();
    let proof = Proof::<Suite>::deserialize(&proof).unwrap();
    let pk = Suite::deserialize_elem(&verify_against.public_key()).unwrap();
    let out = blind.state.finalize(input, &ev, &proof, pk).ok()?;
    Some(out[..].try_into().unwrap())
}

#[test]
fn oblivious_equals_direct_evaluation() {
    let key = ServerKey::generate();
    for input in [
        &b"+31612345678"[..],
        b"alice@example.org",
        b"",
        &[0u8; 1000],
    ] {
        let via_client = client_round_trip(&key, &key, input).expect("proof verifies");
        assert_eq!(via_client, key.evaluate(input).unwrap());
        assert_eq!(via_client[..TAG_LEN], key.tag(input).unwrap());
    }
}

#[test]
fn proof_fails_against_another_key() {
    let key = ServerKey::generate();
    let other = ServerKey::generate();
    assert!(client_round_trip(&key, &other, b"+31612345678").is_none());
}

#[test]
fn proofs_are_randomized() {
    let key = ServerKey::generate();
    let blind = VoprfClient::<Suite>::blind(b"x", &mut OsRng).unwrap();
    let msg = blind.message.serialize();
    let (ev1, p1) = key.blind_evaluate(&msg).unwrap();
    let (ev2, p2) = key.blind_evaluate(&msg).unwrap();
    assert_eq!(ev1, ev2);
    assert_ne!(p1, p2);
}
