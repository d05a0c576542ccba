//! RFC 9497 Appendix A.1 test vectors (ristretto255-SHA512), OPRF (A.1.1) and VOPRF (A.1.2)
//! modes, checked against `voprf` and against this crate's own product path
//! (`ServerKey::evaluate`, `ServerKey::blind_evaluate_with_rng`).

use std::collections::HashMap;

use lekradar_prf::voprf::{
    BlindedElement, EvaluationElement, Group, OprfClient, OprfServer, Proof, VoprfClient,
    VoprfServer, VoprfServerBatchEvaluateFinishResult,
};
use lekradar_prf::{ServerKey, Suite};
use rand::{CryptoRng, RngCore};

const VECTORS: &str = include_str!("data/rfc9497-ristretto255-sha512.txt");

/// One mode section: its key parameters and its test vectors (each field may hold a
/// comma-separated batch).
struct Section {
    mode: String,
    params: HashMap<String, String>,
    vectors: Vec<HashMap<String, String>>,
}

fn parse() -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut last_key: Option<String> = None;
    for raw in VECTORS.lines() {
        if raw.starts_with('#') || raw.trim().is_empty() {
            continue;
        }
        if let Some(rest) = raw.strip_prefix("A.") {
            last_key = None;
            if rest.ends_with(" Mode") {
                let mode = rest.split_whitespace().nth(1).unwrap().to_string();
                sections.push(Section {
                    mode,
                    params: HashMap::new(),
                    vectors: Vec::new(),
                });
            } else if rest.contains("Test Vector") {
                sections.last_mut().unwrap().vectors.push(HashMap::new());
            }
            continue;
        }
        let line = raw.trim();
        let section = sections.last_mut().unwrap();
        let map = section.vectors.last_mut().unwrap_or(&mut section.params);
        if let Some((k, v)) = line.split_once(" = ") {
            map.insert(k.to_string(), v.to_string());
            last_key = Some(k.to_string());
        } else {
            // RFC line wrapping: continuation of the previous value.
            map.get_mut(last_key.as_ref().unwrap())
                .unwrap()
                .push_str(line);
        }
    }
    sections
}

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length: {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn one(map: &HashMap<String, String>, key: &str) -> Vec<u8> {
    unhex(map.get(key).unwrap_or_else(|| panic!("missing {key}")))
}

fn batch(map: &HashMap<String, String>, key: &str) -> Vec<Vec<u8>> {
    map.get(key)
        .unwrap_or_else(|| panic!("missing {key}"))
        .split(',')
        .map(unhex)
        .collect()
}

/// Yields the given bytes once (then zeros). `Scalar::random` draws 64 bytes and reduces
/// them mod ℓ, so 32 little-endian scalar bytes followed by zeros yield exactly that scalar:
/// this injects the RFC's Blind and ProofRandomScalar values.
struct FixedRng(Vec<u8>);

impl RngCore for FixedRng {
    fn next_u32(&mut self) -> u32 {
        unimplemented!()
    }
    fn next_u64(&mut self) -> u64 {
        unimplemented!()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        dest.fill(0);
        let n = self.0.len().min(dest.len());
        dest[..n].copy_from_slice(&self.0[..n]);
        self.0.drain(..n);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl CryptoRng for FixedRng {}

fn section(mode: &str) -> Section {
    let s = parse().into_iter().find(|s| s.mode == mode).unwrap();
    assert!(!s.vectors.is_empty());
    s
}

#[test]
fn parsed_expected_sections() {
    let sections = parse();
    let modes: Vec<_> = sections
        .iter()
        .map(|s| (s.mode.as_str(), s.vectors.len()))
        .collect();
    assert_eq!(modes, [("OPRF", 2), ("VOPRF", 3)]);
}

#[test]
fn oprf_mode_vectors() {
    let s = section("OPRF");
    let seed = one(&s.params, "Seed");
    let key_info = one(&s.params, "KeyInfo");
    let sk = one(&s.params, "skSm");

    // DeriveKeyPair(Seed, KeyInfo) in mode 0x00.
    let server = OprfServer::<Suite>::new_from_seed(&seed, &key_info).unwrap();
    assert_eq!(&server.serialize()[..], sk.as_slice());
    let server = OprfServer::<Suite>::new_with_key(&sk).unwrap();

    for v in &s.vectors {
        let inputs = batch(v, "Input");
        let blinds = batch(v, "Blind");
        let blinded = batch(v, "BlindedElement");
        let evaluated = batch(v, "EvaluationElement");
        let outputs = batch(v, "Output");
        for i in 0..inputs.len() {
            let blind =
                OprfClient::<Suite>::blind(&inputs[i], &mut FixedRng(blinds[i].clone())).unwrap();
            assert_eq!(&blind.state.serialize()[..], blinds[i].as_slice());
            assert_eq!(&blind.message.serialize()[..], blinded[i].as_slice());

            let be = BlindedElement::<Suite>::deserialize(&blinded[i]).unwrap();
            let ev = server.blind_evaluate(&be);
            assert_eq!(&ev.serialize()[..], evaluated[i].as_slice());

            let out = blind.state.finalize(&inputs[i], &ev).unwrap();
            assert_eq!(&out[..], outputs[i].as_slice());
            assert_eq!(
                &server.evaluate(&inputs[i]).unwrap()[..],
                outputs[i].as_slice()
            );

            // Mode separation: our product path is VOPRF, so with the same secret it must
            // NOT reproduce the base-mode output.
            let ours = ServerKey::from_secret_bytes(&sk).unwrap();
            assert_ne!(
                ours.evaluate(&inputs[i]).unwrap().as_slice(),
                outputs[i].as_slice()
            );
        }
    }
}

#[test]
fn voprf_mode_vectors() {
    let s = section("VOPRF");
    let seed = one(&s.params, "Seed");
    let key_info = one(&s.params, "KeyInfo");
    let sk = one(&s.params, "skSm");
    let pk = one(&s.params, "pkSm");

    // DeriveKeyPair(Seed, KeyInfo) in mode 0x01.
    let server = VoprfServer::<Suite>::new_from_seed(&seed, &key_info).unwrap();
    let serialized = server.serialize();
    assert_eq!(&serialized[..32], sk.as_slice());
    assert_eq!(&serialized[32..], pk.as_slice());
    let pk_elem = Suite::deserialize_elem(&pk).unwrap();

    for v in &s.vectors {
        let inputs = batch(v, "Input");
        let blinds = batch(v, "Blind");
        let blinded = batch(v, "BlindedElement");
        let evaluated = batch(v, "EvaluationElement");
        let proof = one(v, "Proof");
        let r = one(v, "ProofRandomScalar");
        let outputs = batch(v, "Output");

        // Client: Blind.
        let mut clients = Vec::new();
        for i in 0..inputs.len() {
            let b =
                VoprfClient::<Suite>::blind(&inputs[i], &mut FixedRng(blinds[i].clone())).unwrap();
            assert_eq!(&b.state.serialize()[..32], blinds[i].as_slice());
            assert_eq!(&b.message.serialize()[..], blinded[i].as_slice());
            clients.push(b.state);
        }

        // Server: BlindEvaluate (batched) with the given proof randomness.
        let bes: Vec<_> = blinded
            .iter()
            .map(|b| BlindedElement::<Suite>::deserialize(b).unwrap())
            .collect();
        let prepared: Vec<_> = server.batch_blind_evaluate_prepare(bes.iter()).collect();
        let VoprfServerBatchEvaluateFinishResult {
            messages,
            proof: got_proof,
        } = server
            .batch_blind_evaluate_finish(&mut FixedRng(r.clone()), bes.iter(), &prepared)
            .unwrap();
        let messages: Vec<EvaluationElement<Suite>> = messages.collect();
        for (m, e) in messages.iter().zip(&evaluated) {
            assert_eq!(&m.serialize()[..], e.as_slice());
        }
        assert_eq!(&got_proof.serialize()[..], proof.as_slice());

        // Client: Finalize, verifying the proof against pkSm.
        let vector_proof = Proof::<Suite>::deserialize(&proof).unwrap();
        let outs: Vec<_> =
            VoprfClient::batch_finalize(&inputs, &clients, &messages, &vector_proof, pk_elem)
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
        for (o, e) in outs.iter().zip(&outputs) {
            assert_eq!(&o[..], e.as_slice());
        }

        // Our product path with the vector's secret key.
        let key = ServerKey::from_secret_bytes(&sk).unwrap();
        assert_eq!(key.public_key().as_slice(), pk.as_slice());
        for i in 0..inputs.len() {
            assert_eq!(
                key.evaluate(&inputs[i]).unwrap().as_slice(),
                outputs[i].as_slice()
            );
            assert_eq!(key.tag(&inputs[i]).unwrap().as_slice(), &outputs[i][..8]);
            assert_eq!(&server.evaluate(&inputs[i]).unwrap()[..], outputs[i]);
        }
        if inputs.len() == 1 {
            let (ev, pr) = key
                .blind_evaluate_with_rng(&blinded[0], &mut FixedRng(r.clone()))
                .unwrap();
            assert_eq!(ev, evaluated[0]);
            assert_eq!(pr, proof);
        }
    }
}
