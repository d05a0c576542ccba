//! Both RFC 9497 modes end to end: a key file remembers its mode, the
//! oblivious path (client blind → server blind-evaluate → client finalize)
//! gives exactly the server's full evaluation in each mode, the modes give
//! different outputs, and a VOPRF proof from another key is refused.

use lekradar_prf::{client, OprfMode, ServerKey};

#[test]
fn key_files_remember_their_mode() {
    let dir = tempfile::tempdir().unwrap();
    for mode in [OprfMode::Voprf, OprfMode::Oprf] {
        let path = dir.path().join(format!("{mode}.key"));
        let made = ServerKey::create_file_in_mode(&path, mode).unwrap();
        assert_eq!(made.mode(), mode);
        let loaded = ServerKey::load(&path).unwrap();
        assert_eq!(loaded.mode(), mode);
        assert_eq!(loaded.public_key(), made.public_key());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(&format!("suite ristretto255-SHA512 {mode}\n")),
            "{text}"
        );
        assert_eq!(loaded.evaluate(b"x").unwrap(), made.evaluate(b"x").unwrap());
    }
}

#[test]
fn the_oblivious_path_equals_the_full_evaluation_in_both_modes() {
    let mut secret = [0x11u8; 32];
    secret[31] = 0x01; // below the group order
    let mut outputs = Vec::new();
    for mode in [OprfMode::Voprf, OprfMode::Oprf] {
        let key = ServerKey::from_secret_bytes_in_mode(&secret, mode).unwrap();
        let input = b"lekradar:v1:phone:+31612345678";
        let blinded = client::blind(mode, input).unwrap();
        let (evaluated, proof) = key.blind_evaluate(&blinded.element).unwrap();
        assert_eq!(proof.is_empty(), mode == OprfMode::Oprf);
        let output = blinded
            .finalize(&evaluated, &proof, &key.public_key())
            .unwrap();
        assert_eq!(output, key.evaluate(input).unwrap(), "{mode}");
        outputs.push(output);
    }
    assert_ne!(outputs[0], outputs[1], "the mode is bound into the output");
}

#[test]
fn a_proof_against_another_key_is_refused() {
    let key = ServerKey::generate();
    let other = ServerKey::generate();
    let blinded = client::blind(OprfMode::Voprf, b"input").unwrap();
    let (evaluated, proof) = key.blind_evaluate(&blinded.element).unwrap();
    assert!(blinded
        .finalize(&evaluated, &proof, &other.public_key())
        .is_err());
    let mut bad = proof.clone();
    bad[3] ^= 1;
    assert!(blinded
        .finalize(&evaluated, &bad, &key.public_key())
        .is_err());
    assert!(blinded
        .finalize(&evaluated, &[], &key.public_key())
        .is_err());
    assert!(blinded
        .finalize(&[0xff; 32], &proof, &key.public_key())
        .is_err());
}
