//! A random number generator that hands out given bytes: the blinding
//! scalars of the known answers (shared by `tests/kat.rs` and
//! `examples/kat.rs`).

use rand::RngCore;

/// Hands out fixed bytes, then zeros: with 32 bytes below the group order
/// first, the scalar `voprf` draws (64 bytes reduced wide) is exactly them.
pub struct FixedRng(pub Vec<u8>);

impl RngCore for FixedRng {
    fn next_u32(&mut self) -> u32 {
        0
    }
    fn next_u64(&mut self) -> u64 {
        0
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for b in dest {
            *b = if self.0.is_empty() {
                0
            } else {
                self.0.remove(0)
            };
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand::CryptoRng for FixedRng {}
