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
use lekradar_normalize::{normalize, Region};
use lekradar_prf::{client, OprfMode, ELEMENT_LEN};
use lekradar_private::{to_hex, CheckAnswer, CheckRequest, Prefix, PrivateConfig};

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
    lekradar_private::from_hex(s).with_context(|| format!("{s:?} is not hex"))
}

/// Checks the configuration (`PrivateConfig::verify`) and picks the key
/// proofs are verified against: the pinned one (a pin refuses base mode),
/// else the advertised one.
fn verify_config(
    config: &PrivateConfig,
    pinned: Option<&str>,
) -> anyhow::Result<(OprfMode, [u8; ELEMENT_LEN])> {
    let (mode, advertised) = config.verify()?;
    let public: [u8; ELEMENT_LEN] = match (mode, pinned, advertised) {
        // A pinned key means a verifiable answer or none: a server that
        // switches to base mode must not downgrade the check silently.
        (OprfMode::Oprf, Some(_), _) => bail!(
            "the server uses base mode (oprf), whose answers cannot be verified, but --public-key was pinned: refusing to check (leave out --public-key to accept an unverifiable answer)"
        ),
        (OprfMode::Oprf, None, _) => [0; ELEMENT_LEN],
        (OprfMode::Voprf, Some(pinned), Some(ad)) if !pinned.eq_ignore_ascii_case(&to_hex(&ad)) => {
            bail!(
                "the server advertises public key {}, not the pinned {pinned}: refusing to check",
                to_hex(&ad)
            )
        }
        (OprfMode::Voprf, Some(key), _) => from_hex(key)?
            .try_into()
            .map_err(|_| anyhow::anyhow!("the public key is not {ELEMENT_LEN} bytes"))?,
        (OprfMode::Voprf, None, Some(key)) => key,
        (OprfMode::Voprf, None, None) => {
            bail!("the server is in VOPRF mode but advertises no public key")
        }
    };
    Ok((mode, public))
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
    let fetch_config = || -> anyhow::Result<PrivateConfig> {
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
            let body = r
                .bytes()
                .await
                .with_context(|| format!("cannot read {base}'s answer"))?;
            serde_json::from_slice(&body)
                .context("the private-check configuration is not the JSON this client speaks")
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
            if mode == OprfMode::Oprf {
                eprintln!("note: the server uses base mode: its answer cannot be verified against a published key");
            } else if args.public_key.is_none() {
                eprintln!(
                    "note: checking proofs against the key the server advertises; pin it with --public-key"
                );
            }
        }
        let (default_bits, min_bits) = (config.bucket_bits, config.min_bucket_bits);
        let bits = args.bucket_bits.unwrap_or(default_bits);
        if !(min_bits..=default_bits).contains(&bits) {
            bail!("--bucket-bits must lie between {min_bits} and {default_bits} for this server");
        }
        let bucket = lekradar_prf::bucket(&input);
        let prefix = Prefix::of_bucket(bucket, bits)?;
        let blinded = client::blind(mode, &input)?;
        let request = CheckRequest {
            prefix,
            blinded: blinded.element,
        };
        if args.verbose {
            eprintln!(
                "sending bucket prefix {:x} ({bits} bits) and blinded element {}",
                prefix.value(),
                to_hex(&blinded.element)
            );
        }
        let sent_at = Instant::now();
        let (status, body) = runtime.block_on(async {
            let r = http
                .post(format!("{base}/api/v1/private/check"))
                .header("content-type", "application/octet-stream")
                .body(request.encode())
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
            && serde_json::from_slice::<serde_json::Value>(&body)
                .is_ok_and(|v| v["error"]["code"] == "invalid_prefix");
        if !(stale && attempt == 1 && args.bucket_bits.is_none()) {
            bail!(
                "{base} answered {status}: {}",
                String::from_utf8_lossy(&body)
            );
        }
    };
    let round_trip = sent_at.elapsed();
    let bytes = answer.len();
    let answer = CheckAnswer::decode(mode, &answer)
        .map_err(|e| anyhow::anyhow!("the server's answer is malformed: {e}"))?;
    let evaluation = &answer.evaluation;
    let proof = evaluation.proof.as_ref().map_or(&[][..], |p| &p[..]);
    let output = blinded
        .finalize(&evaluation.evaluated, proof, &public)
        .context(
        "the server's evaluation does not verify against its public key: do not trust this answer",
    )?;
    let found = lekradar_private::search(bucket, &output, &config.breaches, &answer.bucket.entries);
    if found.is_empty() {
        println!(
            "{id}: not found in any of {} breaches",
            config.breaches.len()
        );
    } else {
        println!("{id}: found in {} breach(es)", found.len());
        for f in &found {
            println!("  - {}: {}", f.breach.title, f.data_classes.join(", "));
        }
    }
    if args.verbose {
        eprintln!(
            "bucket of {} entries ({bytes} bytes); round trip {:.1?}, total {:.1?}",
            answer.bucket.entries.len(),
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
