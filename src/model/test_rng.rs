//! Generators for tests of code that takes randomness as an argument: a
//! seeded, predictable one and one that always fails.

use std::convert::Infallible;

use rand_core::{TryCryptoRng, TryRng};

/// Yields the bytes `seed, seed + 1, seed + 2, …` (wrapping): the same seed
/// always gives the same output. Predictable, so for tests only.
pub(crate) struct CountingRng(pub(crate) u8);

impl TryRng for CountingRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for byte in dst {
            *byte = self.0;
            self.0 = self.0.wrapping_add(1);
        }
        Ok(())
    }
}

impl TryCryptoRng for CountingRng {}

/// The error of [`BrokenRng`].
#[derive(Debug, thiserror::Error)]
#[error("no entropy")]
pub(crate) struct NoEntropy;

/// A generator whose every call fails, like an operating system generator
/// that cannot be read.
pub(crate) struct BrokenRng;

impl TryRng for BrokenRng {
    type Error = NoEntropy;

    fn try_next_u32(&mut self) -> Result<u32, NoEntropy> {
        Err(NoEntropy)
    }

    fn try_next_u64(&mut self) -> Result<u64, NoEntropy> {
        Err(NoEntropy)
    }

    fn try_fill_bytes(&mut self, _dst: &mut [u8]) -> Result<(), NoEntropy> {
        Err(NoEntropy)
    }
}

impl TryCryptoRng for BrokenRng {}
