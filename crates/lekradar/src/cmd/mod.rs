//! One module per subcommand: its arguments and the glue that runs it.

pub mod apikey;
pub mod breach;
pub mod check;
pub mod demo;
pub mod gen_data;
pub mod index;
pub mod ingest;
pub mod key;
pub mod letter;
pub mod lookup;
pub mod messaging;
pub mod normalize;
pub mod publish;
pub mod serve;
pub mod worker;

/// Parses a memory size such as `512MiB`, `2G` or `1073741824`.
pub fn parse_memory(s: &str) -> Result<usize, String> {
    let size: bytesize::ByteSize = s
        .trim()
        .parse()
        .map_err(|e| format!("{s:?} is not a size like 512MiB or 2GiB: {e}"))?;
    usize::try_from(size.as_u64()).map_err(|_| format!("{s} is too large"))
}
