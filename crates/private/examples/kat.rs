//! Writes the private check's known answers (`crates/private/tests/kat.json`)
//! to standard output: for a fixed key in each mode, identifiers with their
//! PRF input, bucket, prefix, blinding scalar, request, evaluation, answer
//! (a bucket of decoys and the identifier's own entries, one of them a
//! later entry sealed with pad 1) and what a client finds. The Rust test
//! (`tests/kat.rs`) and the browser client's (`crates/web/js/test/kat.mjs`)
//! check every byte against it; it is regenerated only when the protocol
//! changes:
//!
//!   cargo run -p lekradar-private --example kat > crates/private/tests/kat.json

use lekradar_check::filing_of_output;
use lekradar_normalize::{normalize, Region};
use lekradar_prf::{client, OprfMode, ServerKey};
use lekradar_private::{
    search, to_hex, BucketEntry, BucketMessage, CheckAnswer, CheckRequest, Evaluation, Prefix,
    PrivateBreach,
};
use rand::{Rng, RngCore, SeedableRng};
use serde_json::{json, Value};

#[path = "../tests/support/fixed_rng.rs"]
mod fixed_rng;
use fixed_rng::FixedRng;

fn breach(name: &str, classes: &[&str]) -> PrivateBreach {
    PrivateBreach {
        name: name.to_owned(),
        title: format!("{name} title"),
        kind: "breach".to_owned(),
        breach_date: "2026-02-12".to_owned(),
        data_classes: classes.iter().map(|c| (*c).to_owned()).collect(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(9497);
    let breaches = vec![
        breach(
            "Telco",
            &[
                "Phone numbers",
                "Names",
                "Bank account numbers",
                "Government issued IDs",
            ],
        ),
        breach("Scrape", &["Phone numbers", "Email addresses"]),
        breach("Broker", &["Email addresses", "Job titles"]),
    ];
    // (identifier, bits, [(breach, first word, later word)])
    type Entries = &'static [(&'static str, u32, Option<u32>)];
    let cases: [(OprfMode, &str, u32, Entries); 4] = [
        (
            OprfMode::Voprf,
            "06-12345678",
            12,
            &[("Telco", 0b0011, Some(0b1100)), ("Scrape", 0b01, None)],
        ),
        (
            OprfMode::Voprf,
            "jan@example.nl",
            4,
            &[("Broker", 0b11, None)],
        ),
        (OprfMode::Voprf, "+32 470 12 34 56", 0, &[]),
        (OprfMode::Oprf, "06-12345678", 8, &[("Scrape", 0b01, None)]),
    ];
    let mut out = Vec::new();
    for (mode, raw, bits, entries) in cases {
        let mut secret = [0u8; 32];
        rng.fill_bytes(&mut secret);
        secret[31] &= 0x0f;
        let key = ServerKey::from_secret_bytes_in_mode(&secret, mode)?;
        let id = normalize(raw, Region::NL).map_err(|e| e.to_string())?;
        let input = id.prf_input();
        let bucket = lekradar_prf::bucket(&input);
        let prefix = Prefix::of_bucket(bucket, bits)?;
        let mut blind = [0u8; 32];
        rng.fill_bytes(&mut blind);
        blind[31] &= 0x0f;
        let blinded = client::blind_with_rng(mode, &input, &mut FixedRng(blind.to_vec()))?;
        let request = CheckRequest {
            prefix,
            blinded: blinded.element,
        };
        let (evaluated, proof) = key.blind_evaluate(&blinded.element)?;
        let evaluation = Evaluation::from_parts(&evaluated, &proof)?;
        let output = key.evaluate(&input)?;
        let filing = filing_of_output(bucket, &output);
        let mut bucket_entries: Vec<BucketEntry> = (0..rng.gen_range(20..40))
            .map(|_| BucketEntry {
                tag: rng.gen(),
                sealed: rng.gen(),
            })
            .collect();
        for (name, first, later) in entries {
            let (k, pad) = filing.in_breach(name);
            let tag = *k.tag();
            bucket_entries.push(BucketEntry {
                tag,
                sealed: first ^ pad,
            });
            if let Some(later) = later {
                bucket_entries.push(BucketEntry {
                    tag,
                    sealed: later ^ filing.pad_in(name, 1),
                });
            }
        }
        let answer = CheckAnswer {
            evaluation: evaluation.clone(),
            bucket: BucketMessage::new(prefix, 7, bucket_entries),
        };
        let found: Vec<Value> = search(bucket, &output, &breaches, &answer.bucket.entries)
            .iter()
            .map(|f| json!({"name": f.breach.name, "dataClasses": f.data_classes}))
            .collect();
        out.push(json!({
            "mode": mode.as_str(),
            "secretKey": to_hex(&secret),
            "publicKey": to_hex(&key.public_key()),
            "typed": raw,
            "kind": id.kind().as_str(),
            "canonical": id.canonical(),
            "input": String::from_utf8(input.clone())?,
            "bucket": bucket,
            "bits": bits,
            "prefix": prefix.value(),
            "blind": to_hex(&blind),
            "blinded": to_hex(&blinded.element),
            "request": to_hex(&request.encode()),
            "evaluation": to_hex(&evaluation.encode()),
            "output": to_hex(&output),
            "answer": to_hex(&answer.encode()),
            "found": found,
        }));
    }
    let kat = json!({
        "about": "Known answers of the private check's messages (crates/private/examples/kat.rs). Scalars are 32 bytes little-endian; the blind is the RFC 9497 Blind scalar.",
        "breaches": breaches.iter().map(|b| json!({
            "name": b.name, "title": b.title, "kind": b.kind,
            "breachDate": b.breach_date, "dataClasses": b.data_classes,
        })).collect::<Vec<_>>(),
        "cases": out,
    });
    println!("{}", serde_json::to_string_pretty(&kat)?);
    Ok(())
}
