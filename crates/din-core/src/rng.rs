//! A small seeded pseudo-random number generator of our own.
//!
//! The training program (`crates/din-train/src/train.rs`, `make weights`) must give the same
//! bytes for the same seed on every run and must build for `wasm32`, where
//! `rand`/`getrandom` do not build. So the crate carries its own generator:
//!
//! * [`SplitMix64`] (Steele, Lea and Flood 2014) expands one `u64` seed into
//!   well-mixed state words;
//! * [`Rng`] is xoshiro256** (Blackman and Vigna 2018), seeded with four
//!   SplitMix64 outputs, with uniform `f64` in `[0, 1)`, unbiased integers
//!   below a bound, standard normal numbers (Box-Muller) and a Fisher-Yates
//!   shuffle.
//!
//! Both are checked against the reference algorithms' published outputs.
//! Not for cryptography.

/// SplitMix64: `x += 0x9E3779B97F4A7C15`, then the output is `x` mixed by
/// two xor-shift-multiply rounds and a final xor-shift.
///
/// ```
/// use din_core::rng::SplitMix64;
/// let mut s = SplitMix64::new(0);
/// assert_eq!(s.next_u64(), 0xe220_a839_7b1d_cdaf); // reference output for seed 0
/// assert_eq!(s.next_u64(), 0x6e78_9e6a_a1b9_65f4);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose state starts at `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next output:
    /// `x = state += 0x9E3779B97F4A7C15`;
    /// `z = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9`;
    /// `z = (z ^ (z >> 27)) * 0x94D049BB133111EB`; returns `z ^ (z >> 31)`
    /// (all arithmetic modulo 2^64).
    ///
    /// ```
    /// use din_core::rng::SplitMix64;
    /// let mut s = SplitMix64::new(0);
    /// s.next_u64();
    /// s.next_u64();
    /// assert_eq!(s.next_u64(), 0x06c4_5d18_8009_454f);
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// xoshiro256**: 256 bits of state, period `2^256 - 1`.
///
/// Output `rotl(s1 * 5, 7) * 9`, then the state advances by
/// `t = s1 << 17; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45)`.
///
/// ```
/// use din_core::rng::Rng;
/// let mut a = Rng::new(42);
/// let mut b = Rng::new(42);
/// let xs: Vec<f64> = (0..5).map(|_| a.uniform()).collect();
/// let ys: Vec<f64> = (0..5).map(|_| b.uniform()).collect();
/// assert_eq!(xs, ys); // same seed, same numbers
/// assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Rng {
    s: [u64; 4],
    /// The second number of the last Box-Muller pair, not yet returned.
    spare_normal: Option<f64>,
}

impl Rng {
    /// A generator seeded with four consecutive [`SplitMix64`] outputs of `seed`
    /// (the seeding the xoshiro authors recommend; it never gives the all-zero state).
    ///
    /// ```
    /// use din_core::rng::Rng;
    /// let mut r = Rng::new(42);
    /// assert_eq!(r.next_u64(), 1_546_998_764_402_558_742);
    /// ```
    #[must_use]
    pub fn new(seed: u64) -> Self {
        let mut sm = SplitMix64::new(seed);
        let s = [sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()];
        Rng::from_state(s)
    }

    /// A generator with the raw state `s`. The all-zero state (a fixed point of
    /// xoshiro) is replaced by the state of `Rng::new(0)`.
    ///
    /// ```
    /// use din_core::rng::Rng;
    /// // Reference outputs of xoshiro256** from the state (1, 2, 3, 4).
    /// let mut r = Rng::from_state([1, 2, 3, 4]);
    /// let out: Vec<u64> = (0..4).map(|_| r.next_u64()).collect();
    /// assert_eq!(out, vec![11520, 0, 1509978240, 1215971899390074240]);
    /// ```
    #[must_use]
    pub fn from_state(s: [u64; 4]) -> Self {
        if s == [0; 4] {
            return Rng::new(0);
        }
        Rng { s, spare_normal: None }
    }

    /// The next 64 random bits.
    ///
    /// ```
    /// use din_core::rng::Rng;
    /// let mut r = Rng::new(1);
    /// assert_ne!(r.next_u64(), r.next_u64());
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform `f64` in `[0, 1)`: the top 53 bits of [`Rng::next_u64`] times `2^-53`,
    /// so every value is a multiple of `2^-53`.
    ///
    /// ```
    /// use din_core::rng::Rng;
    /// let mut r = Rng::new(42);
    /// assert_eq!(r.uniform(), 0.08386297105988216);
    /// let mean = (0..10_000).map(|_| r.uniform()).sum::<f64>() / 10_000.0;
    /// assert!((mean - 0.5).abs() < 0.02);
    /// ```
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform `f64` in `[lo, hi)`: `lo + (hi - lo) * u` with `u` from [`Rng::uniform`].
    ///
    /// ```
    /// use din_core::rng::Rng;
    /// let mut r = Rng::new(7);
    /// assert!((0..1000).map(|_| r.range(-2.0, 3.0)).all(|x| (-2.0..3.0).contains(&x)));
    /// ```
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Unbiased integer in `0 .. n` (rejection sampling: draws below
    /// `2^64 - (2^64 mod n)` are kept and reduced modulo `n`). Returns `0` when `n = 0`.
    ///
    /// ```
    /// use din_core::rng::Rng;
    /// let mut r = Rng::new(3);
    /// let mut seen = [0usize; 6];
    /// for _ in 0..6000 { seen[r.below(6) as usize] += 1; }
    /// assert!(seen.iter().all(|&c| c > 850 && c < 1150));
    /// assert_eq!(r.below(0), 0);
    /// assert_eq!(r.below(1), 0);
    /// ```
    pub fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        // Number of u64 values that would bias the result: 2^64 mod n.
        let bad = n.wrapping_neg() % n;
        loop {
            let x = self.next_u64();
            if x >= bad {
                return x % n;
            }
        }
    }

    /// Uniform index in `0 .. n` as `usize` (see [`Rng::below`]); `0` when `n = 0`.
    ///
    /// ```
    /// use din_core::rng::Rng;
    /// let mut r = Rng::new(5);
    /// assert!((0..100).all(|_| r.index(3) < 3));
    /// ```
    pub fn index(&mut self, n: usize) -> usize {
        // usize -> u64 is lossless on every target Rust supports (<= 64 bits),
        // and the result is < n so it fits back in usize.
        self.below(n as u64) as usize
    }

    /// Standard normal number N(0, 1) by the Box-Muller transform:
    /// with `u1` in `(0, 1]` and `u2` in `[0, 1)`, `r = sqrt(-2 ln u1)`,
    /// `t = 2 pi u2`; returns `r cos t` and keeps `r sin t` for the next call.
    ///
    /// ```
    /// use din_core::rng::Rng;
    /// let mut r = Rng::new(11);
    /// let xs: Vec<f64> = (0..20_000).map(|_| r.normal()).collect();
    /// let m = xs.iter().sum::<f64>() / xs.len() as f64;
    /// let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / xs.len() as f64;
    /// assert!(m.abs() < 0.03 && (v - 1.0).abs() < 0.03);
    /// assert!(xs.iter().all(|x| x.is_finite()));
    /// ```
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        let u1 = 1.0 - self.uniform(); // (0, 1]: ln never sees 0
        let u2 = self.uniform();
        let r = (-2.0 * u1.ln()).sqrt();
        let t = 2.0 * std::f64::consts::PI * u2;
        self.spare_normal = Some(r * t.sin());
        r * t.cos()
    }

    /// Normal number with mean `mean` and standard deviation `sd`: `mean + sd * z`.
    ///
    /// ```
    /// use din_core::rng::Rng;
    /// let mut r = Rng::new(2);
    /// assert_eq!(r.gaussian(5.0, 0.0), 5.0);
    /// ```
    pub fn gaussian(&mut self, mean: f64, sd: f64) -> f64 {
        mean + sd * self.normal()
    }

    /// Fisher-Yates shuffle in place: for `i` from `len - 1` down to `1`,
    /// swap element `i` with a uniform element of `0 ..= i`.
    ///
    /// ```
    /// use din_core::rng::Rng;
    /// let mut xs: Vec<u32> = (0..10).collect();
    /// Rng::new(9).shuffle(&mut xs);
    /// let mut sorted = xs.clone();
    /// sorted.sort();
    /// assert_eq!(sorted, (0..10).collect::<Vec<u32>>()); // a permutation
    /// ```
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.index(i + 1);
            xs.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoshiro_reference_sequence() {
        // Reference C implementation (prng.di.unimi.it), state (1, 2, 3, 4).
        let mut r = Rng::from_state([1, 2, 3, 4]);
        let out: Vec<u64> = (0..5).map(|_| r.next_u64()).collect();
        assert_eq!(out, vec![11520, 0, 1509978240, 1215971899390074240, 1216172134540287360]);
    }

    #[test]
    fn seeded_from_splitmix() {
        let mut r = Rng::new(42);
        let out: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        assert_eq!(out, vec![1546998764402558742, 6990951692964543102, 12544586762248559009]);
    }

    #[test]
    fn zero_state_is_replaced() {
        let mut r = Rng::from_state([0; 4]);
        assert_ne!(r.next_u64(), 0);
    }

    #[test]
    fn below_large_bound_is_in_range() {
        let mut r = Rng::new(1);
        let n = (1u64 << 63) + 12345;
        assert!((0..1000).all(|_| r.below(n) < n));
    }

    #[test]
    fn normal_tails_are_plausible() {
        let mut r = Rng::new(123);
        let xs: Vec<f64> = (0..100_000).map(|_| r.normal()).collect();
        let beyond2 = xs.iter().filter(|x| x.abs() > 2.0).count() as f64 / xs.len() as f64;
        assert!((beyond2 - 0.0455).abs() < 0.004, "{beyond2}");
    }
}
