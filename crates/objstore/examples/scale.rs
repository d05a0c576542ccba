//! The index at scale in object storage (bench/objstore.sh runs it):
//! N synthetic entries (keys from a mixing function: the PRF is excluded,
//! its cost is the keying ceiling measured by bench/ingest.sh) built on
//! local disk and in a real SeaweedFS cluster, then opened by a reader with
//! a cold and with a warm cache, and looked up on one core.
//!
//! Usage: cargo run --release -p lekradar-objstore --example scale -- N [MEMORY_MIB]

use std::sync::Arc;
use std::time::{Duration, Instant};

use lekradar_index::{IndexReader, IndexWriter, Key, LocalStorage, Transaction};
use lekradar_objstore::{ObjectStorage, S3Options};
use lekradar_testkit::services::{SeaweedFs, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY};

fn key(i: u64) -> Key {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let mut w = z.wrapping_add(i);
    w = (w ^ (w >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    Key::new((z >> 40) as u32, w.to_le_bytes()).unwrap()
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|r| r.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn dir_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn build(writer: &mut IndexWriter, n: u64, memory: usize) -> Duration {
    let start = Instant::now();
    let mut builder = writer.segment_builder(memory).unwrap();
    for i in 0..n {
        builder.push(key(i), 1 | ((i as u32) & 0x0e)).unwrap();
    }
    let (segments, _) = builder.finish().unwrap();
    let mut tx = Transaction::new();
    tx.set_metadata("WhatsApp", b"synthetic".to_vec())
        .add_segments("WhatsApp", segments);
    writer.commit(tx).unwrap();
    start.elapsed()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().map_or(10_000_000, |a| a.parse().unwrap());
    let memory: usize = args.next().map_or(2048, |a| a.parse().unwrap()) << 20;
    let work =
        tempfile::tempdir_in(std::env::var("BENCH_DIR").unwrap_or_else(|_| ".".into())).unwrap();

    // Baseline, same run: the same build into a local directory.
    let local = work.path().join("local");
    let mut writer =
        IndexWriter::open_storage(Arc::new(LocalStorage::create_dir(&local).unwrap())).unwrap();
    let local_build = build(&mut writer, n, memory);
    drop(writer);
    let local_bytes = dir_bytes(&local);
    std::fs::remove_dir_all(&local).unwrap();

    let mut sw = SeaweedFs::start();
    sw.create_bucket("bench");
    let options = |name: &str| S3Options {
        url: "s3://bench/whatsapp".into(),
        endpoint: Some(sw.endpoint()),
        region: "us-east-1".into(),
        access_key_id: Some(S3_ACCESS_KEY_ID.into()),
        secret_access_key: Some(S3_SECRET_ACCESS_KEY.into()),
        staging_dir: work.path().join(name).join("staging"),
        cache_dir: work.path().join(name).join("cache"),
        cache_bytes: 64 << 30,
        grace: Duration::from_secs(3600),
    };
    let storage = Arc::new(ObjectStorage::new(&options("writer")).unwrap());
    let mut writer = IndexWriter::open_storage(storage).unwrap();
    let s3_build = build(&mut writer, n, memory);
    drop(writer);

    let cold_start = Instant::now();
    let reader =
        IndexReader::open_storage(Arc::new(ObjectStorage::new(&options("server")).unwrap()))
            .unwrap();
    let cold = cold_start.elapsed();
    let rss_ready = status_kib("VmRSS:");
    drop(reader);
    let warm_start = Instant::now();
    let reader =
        IndexReader::open_storage(Arc::new(ObjectStorage::new(&options("server")).unwrap()))
            .unwrap();
    let warm = warm_start.elapsed();
    let snapshot = reader.snapshot();
    assert_eq!(snapshot.breach("WhatsApp").unwrap().entries(), n);

    // Direct lookups on one core: half present, half absent; each timed.
    let lookups = 2_000_000u64;
    let mut times = Vec::with_capacity(lookups as usize);
    let mut found = 0u64;
    let all = Instant::now();
    for j in 0..lookups {
        let i = (j.wrapping_mul(0x2545_F491_4F6C_DD1D)) % n;
        let k = if j % 2 == 0 { key(i) } else { key(n + i) };
        let t = Instant::now();
        found += snapshot.lookup(&k).len() as u64;
        times.push(t.elapsed());
    }
    let total = all.elapsed();
    times.sort();
    let p50 = times[times.len() / 2];
    let p99 = times[times.len() * 99 / 100];
    assert_eq!(found, lookups / 2);
    let rss_after = status_kib("VmRSS:");

    // The private check's answer (the bucket message: 17 bytes and 12 a
    // entry) at 16 bits, and at the longest prefix the server serves for
    // this many entries by default, 256 buckets spread over the space.
    let answer = |bits: u32| {
        let (mut largest, mut sum) = (0usize, 0usize);
        for p in 0..256u32 {
            let entries = snapshot.scan_prefix(p << (bits - 8), bits).unwrap().len();
            largest = largest.max(entries);
            sum += entries;
        }
        (17 + sum / 256 * 12, 17 + largest * 12)
    };
    let served_bits = lekradar_private::prefix_bounds(n, lekradar_private::DEFAULT_BUCKET_BITS).max;
    let at_16 = answer(16);
    let at_served = answer(served_bits);

    println!("entries                    {n}");
    println!(
        "build, local directory     {:.1} s ({:.2} M entries/s)",
        local_build.as_secs_f64(),
        n as f64 / local_build.as_secs_f64() / 1e6
    );
    println!(
        "build + upload, SeaweedFS  {:.1} s ({:.2} M entries/s); upload share {:.1} s",
        s3_build.as_secs_f64(),
        n as f64 / s3_build.as_secs_f64() / 1e6,
        (s3_build.as_secs_f64() - local_build.as_secs_f64()).max(0.0)
    );
    println!(
        "bytes per entry            {:.2} (index files {} bytes)",
        local_bytes as f64 / n as f64,
        local_bytes
    );
    println!(
        "server ready, cold cache   {:.2} s (download + full check)",
        cold.as_secs_f64()
    );
    println!(
        "server ready, warm cache   {:.2} s (full check of the cached files)",
        warm.as_secs_f64()
    );
    println!(
        "RSS when ready             {} MiB (mapped pages touched by the check)",
        rss_ready / 1024
    );
    println!("RSS after lookups          {} MiB", rss_after / 1024);
    println!(
        "direct lookups, one core   {:.2} M/s (with timing); p50 {:?}, p99 {:?}",
        lookups as f64 / total.as_secs_f64() / 1e6,
        p50,
        p99
    );
    println!(
        "private answer, 16 bits    mean {} bytes, largest of 256 buckets {} bytes",
        at_16.0, at_16.1
    );
    println!(
        "private answer, {served_bits} bits    mean {} bytes, largest of 256 buckets {} bytes (the default prefix for {n} entries)",
        at_served.0, at_served.1
    );
}
