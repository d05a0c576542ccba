//! Requests for the private-check benchmark, and its ceiling. `cargo run
//! --release -p lekradar-ingest --example private_requests -- --key FILE
//! [--region NL] [--bits 16] --out REQUESTS FILE` reads the identifiers of
//! FILE as `lekradar ingest` does, blinds each one as a client would (in the
//! key file's mode) and writes one `POST /api/v1/private/check` body per
//! line, in hex. It then times the server's step alone — blind evaluation,
//! with the DLEQ proof in VOPRF mode — of all those elements on all cores,
//! which is what `bench/private.sh` sets beside the served figures.

use std::io::Write;
use std::time::Instant;

use lekradar_ingest::{read_identifiers, IngestConfig};
use lekradar_normalize::Region;
use lekradar_prf::{client, ServerKey, BUCKET_BITS};
use lekradar_private::{CheckRequest, Prefix};
use rayon::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut key, mut out, mut file) = (None, None, None);
    let mut region = Region::NL;
    let mut bits = 16u32;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--key" => key = args.next(),
            "--out" => out = args.next(),
            "--region" => region = args.next().ok_or("--region needs a value")?.parse()?,
            "--bits" => bits = args.next().ok_or("--bits needs a value")?.parse()?,
            _ => file = Some(arg),
        }
    }
    let usage = "usage: private_requests --key FILE [--region NL] [--bits 16] --out REQUESTS FILE";
    let (key, out, file) = match (key, out, file) {
        (Some(k), Some(o), Some(f)) => (k, o, f),
        _ => return Err(usage.into()),
    };
    if !(0..=BUCKET_BITS).contains(&bits) {
        return Err(format!("--bits must lie in 0..={BUCKET_BITS}").into());
    }
    let key = ServerKey::load(key.as_ref())?;
    let (ids, _) = read_identifiers(
        file.as_ref(),
        &IngestConfig {
            regions: vec![region],
            ..IngestConfig::default()
        },
    )?;
    let requests: Vec<CheckRequest> = ids
        .par_iter()
        .map(|id| {
            let input = id.prf_input();
            let prefix =
                Prefix::of_bucket(lekradar_prf::bucket(&input), bits).expect("--bits was checked");
            let blinded = client::blind(key.mode(), &input).expect("an identifier blinds");
            CheckRequest {
                prefix,
                blinded: blinded.element,
            }
        })
        .collect();
    let mut w = std::io::BufWriter::new(std::fs::File::create(&out)?);
    for r in &requests {
        for b in r.encode() {
            write!(w, "{b:02x}")?;
        }
        writeln!(w)?;
    }
    w.flush()?;
    let start = Instant::now();
    let evaluated = requests
        .par_iter()
        .filter(|r| key.blind_evaluate(&r.blinded).is_ok())
        .count();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "requests {} evaluated {evaluated} mode {} evaluate_secs {secs:.2} evaluate_per_sec {:.0} threads {}",
        requests.len(),
        key.mode().as_str(),
        requests.len() as f64 / secs,
        rayon::current_num_threads()
    );
    Ok(())
}
