//! `lekradar check --server URL IDENTIFIER`: the private check from the
//! command line (docs/PRIVATE-CHECK.md). The identifier is normalized and
//! blinded here; the server receives a prefix of its bucket and the blinded
//! element — never the identifier or its hash — and returns the evaluated
//! element (with a DLEQ proof in VOPRF mode, verified against the pinned or
//! advertised public key) and the bucket's sealed entries, which are
//! searched and unsealed here.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use lekradar_check::filing_of_output;
use lekradar_normalize::{normalize, Region};
use lekradar_prf::{client, Mode, ELEMENT_LEN, PROOF_LEN};
use serde_json::Value;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Lekradar server, e.g. https://lekradar.example or http://127.0.0.1:8080
    #[arg(long, env = "LEKRADAR_SERVER")]
    server: String,
    /// Region for a phone number without a country code
    #[arg(long, default_value = "NL")]
    region: Region,
    /// Pin the server's public key (hex, from `lekradar key show` or a trusted
    /// source); without it the key the server advertises is used
    #[arg(long, value_name = "HEX")]
    public_key: Option<String>,
    /// Ask for a shorter bucket prefix than the server's default (more
    /// privacy, larger answer); at least the server's minimum
    #[arg(long, value_name = "BITS")]
    bucket_bits: Option<u32>,
    /// Print what was sent and timings
    #[arg(long)]
    verbose: bool,
    /// A phone number or email address, in any spelling; `-` reads it from
    /// standard input (out of `ps` and shell history)
    identifier: String,
}

fn from_hex(s: &str) -> anyhow::Result<Vec<u8>> {
    // A server's text may be anything: check before slicing by bytes.
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!("{s:?} is not hex");
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).with_context(|| format!("{s:?} is not hex")))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the configuration's suite and version and picks the key proofs are
/// verified against: the pinned one (a pin refuses base mode), else the
/// advertised one.
fn verify_config(
    config: &Value,
    pinned: Option<&str>,
) -> anyhow::Result<(Mode, [u8; ELEMENT_LEN])> {
    let mode = match config["mode"].as_str() {
        Some("voprf") => Mode::Voprf,
        Some("oprf") => Mode::Oprf,
        other => bail!("the server speaks mode {other:?}, not voprf or oprf"),
    };
    if config["ciphersuite"] != "ristretto255-SHA512" || config["version"] != 1 {
        bail!(
            "the server speaks {} version {}, not ristretto255-SHA512 version 1",
            config["ciphersuite"],
            config["version"]
        );
    }
    let advertised = config["publicKey"].as_str();
    let public: [u8; ELEMENT_LEN] = match (mode, pinned, advertised) {
        // A pinned key means a verifiable answer or none: a server that
        // switches to base mode must not downgrade the check silently.
        (Mode::Oprf, Some(_), _) => bail!(
            "the server uses base mode (oprf), whose answers cannot be verified, but --public-key was pinned: refusing to check (leave out --public-key to accept an unverifiable answer)"
        ),
        (Mode::Oprf, None, _) => [0; ELEMENT_LEN],
        (Mode::Voprf, Some(pinned), Some(ad)) if !pinned.eq_ignore_ascii_case(ad) => {
            bail!("the server advertises public key {ad}, not the pinned {pinned}: refusing to check")
        }
        (Mode::Voprf, Some(key), _) | (Mode::Voprf, None, Some(key)) => from_hex(key)?
            .try_into()
            .map_err(|_| anyhow::anyhow!("the public key is not {ELEMENT_LEN} bytes"))?,
        (Mode::Voprf, None, None) => {
            bail!("the server is in VOPRF mode but advertises no public key")
        }
    };
    Ok((mode, public))
}

/// The longest and shortest bucket prefix the server accepts now.
fn bucket_bounds(config: &Value) -> anyhow::Result<(u32, u32)> {
    match (
        config["bucketBits"].as_u64(),
        config["minBucketBits"].as_u64(),
    ) {
        (Some(d), Some(m)) if m <= d && d <= u64::from(lekradar_prf::BUCKET_BITS) => {
            Ok((d as u32, m as u32))
        }
        (d, m) => bail!(
            "the server's bucket sizes (bucketBits {d:?}, minBucketBits {m:?}) are not 0 <= min <= default <= {}",
            lekradar_prf::BUCKET_BITS
        ),
    }
}

/// One breach the answer names.
struct Found {
    title: String,
    classes: Vec<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let identifier = if args.identifier == "-" {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("cannot read the identifier from standard input")?;
        line.trim().to_owned()
    } else {
        args.identifier.clone()
    };
    let id = normalize(&identifier, args.region).map_err(|reason| {
        anyhow::anyhow!("{identifier:?} is not a phone number or email address: {reason}")
    })?;
    let input = id.prf_input();
    let base = args.server.trim_end_matches('/').to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let http = reqwest::Client::builder()
        .user_agent(concat!("lekradar-check/", env!("CARGO_PKG_VERSION")))
        .timeout(std::time::Duration::from_secs(30))
        .build()?;
    let fetch_config = || -> anyhow::Result<Value> {
        runtime.block_on(async {
            let r = http
                .get(format!("{base}/api/v1/private/config"))
                .header("cache-control", "no-cache")
                .send()
                .await
                .with_context(|| format!("cannot reach {base}"))?;
            if !r.status().is_success() {
                bail!(
                    "{base} answered {} to the private-check configuration",
                    r.status()
                );
            }
            r.json()
                .await
                .context("the private-check configuration is not JSON")
        })
    };
    // The bounds of the bucket prefix follow the index: a configuration
    // fetched just before a publication may be stale, so a refused prefix
    // is retried once with a fresh one.
    let mut attempt = 0;
    let (config, mode, public, bucket, blinded, answer, sent_at) = loop {
        attempt += 1;
        let config = fetch_config()?;
        let (mode, public) = verify_config(&config, args.public_key.as_deref())?;
        if attempt == 1 {
            if mode == Mode::Oprf {
                eprintln!("note: the server uses base mode: its answer cannot be verified against a published key");
            } else if args.public_key.is_none() {
                eprintln!(
                    "note: checking proofs against the key the server advertises; pin it with --public-key"
                );
            }
        }
        let (default_bits, min_bits) = bucket_bounds(&config)?;
        let bits = args.bucket_bits.unwrap_or(default_bits);
        if !(min_bits..=default_bits).contains(&bits) {
            bail!("--bucket-bits must lie between {min_bits} and {default_bits} for this server");
        }
        let bucket = lekradar_prf::bucket(&input);
        let prefix = bucket >> (lekradar_prf::BUCKET_BITS - bits);
        let blinded = client::blind(mode, &input)?;
        let mut request = vec![1u8, bits as u8];
        request.extend_from_slice(&prefix.to_be_bytes()[1..]);
        request.extend_from_slice(&blinded.element);
        if args.verbose {
            eprintln!(
                "sending bucket prefix {prefix:x} ({bits} bits) and blinded element {}",
                hex(&blinded.element)
            );
        }
        let sent_at = Instant::now();
        let (status, body) = runtime.block_on(async {
            let r = http
                .post(format!("{base}/api/v1/private/check"))
                .header("content-type", "application/octet-stream")
                .body(request)
                .send()
                .await
                .with_context(|| format!("cannot reach {base}"))?;
            let status = r.status();
            anyhow::Ok((status, r.bytes().await?))
        })?;
        if status.is_success() {
            break (config, mode, public, bucket, blinded, body, sent_at);
        }
        let stale = status == reqwest::StatusCode::BAD_REQUEST
            && serde_json::from_slice::<Value>(&body)
                .is_ok_and(|v| v["error"]["code"] == "invalid_prefix");
        if !(stale && attempt == 1 && args.bucket_bits.is_none()) {
            bail!(
                "{base} answered {status}: {}",
                String::from_utf8_lossy(&body)
            );
        }
    };
    let round_trip = sent_at.elapsed();
    let proof_len = if mode == Mode::Voprf { PROOF_LEN } else { 0 };
    let head = 2 + ELEMENT_LEN + proof_len;
    if answer.len() < head + 17 || answer[0] != 1 || answer[1] != u8::from(mode == Mode::Voprf) {
        bail!("the server's answer is malformed");
    }
    let evaluated = &answer[2..2 + ELEMENT_LEN];
    let proof = &answer[2 + ELEMENT_LEN..head];
    let output = blinded.finalize(evaluated, proof, &public).context(
        "the server's evaluation does not verify against its public key: do not trust this answer",
    )?;
    let bucket_msg = &answer[head..];
    let count = u32::from_le_bytes([
        bucket_msg[13],
        bucket_msg[14],
        bucket_msg[15],
        bucket_msg[16],
    ]) as usize;
    let entries = &bucket_msg[17..];
    if entries.len() != count * 12 {
        bail!("the server's bucket is malformed");
    }
    let filing = filing_of_output(bucket, &output);
    let mut found = Vec::new();
    for b in config["breaches"].as_array().into_iter().flatten() {
        let name = b["name"].as_str().unwrap_or_default();
        let (key, _) = filing.in_breach(name);
        let mut classes = 0u32;
        // Entries of one tag come in segment order; the n-th has pad n.
        let mut n = 0u32;
        for e in entries.chunks_exact(12) {
            if e[..8] == key.tag()[..] {
                classes |= u32::from_le_bytes([e[8], e[9], e[10], e[11]]) ^ filing.pad_in(name, n);
                n += 1;
            }
        }
        if n > 0 {
            let names: Vec<String> = b["dataClasses"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .filter(|(i, _)| *i < 32 && classes & (1 << i) != 0)
                .filter_map(|(_, c)| c.as_str().map(str::to_owned))
                .collect();
            found.push(Found {
                title: b["title"].as_str().unwrap_or(name).to_owned(),
                classes: names,
            });
        }
    }
    if found.is_empty() {
        println!(
            "{id}: not found in any of {} breaches",
            config["breaches"].as_array().map_or(0, Vec::len)
        );
    } else {
        println!("{id}: found in {} breach(es)", found.len());
        for f in &found {
            println!("  - {}: {}", f.title, f.classes.join(", "));
        }
    }
    if args.verbose {
        eprintln!(
            "bucket of {count} entries ({} bytes); round trip {:.1?}, total {:.1?}",
            answer.len(),
            round_trip,
            started.elapsed()
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::from_hex;

    #[test]
    fn hex_from_a_server_is_checked_before_slicing() {
        assert_eq!(from_hex("00ff").unwrap(), vec![0, 255]);
        assert!(from_hex("0").is_err());
        assert!(from_hex("0g").is_err());
        // Two bytes, one character: slicing at byte 1 would panic.
        assert!(from_hex("é").is_err());
        assert!(from_hex("aé0").is_err());
    }
}
