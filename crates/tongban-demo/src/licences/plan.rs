//! How many licences of each type the history holds, who holds the k-th one, and the order
//! they come out in: quotas by weight capped by the holders available (water-filling), an
//! affine permutation of holders per type, and stride scheduling to interleave the types.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Splits `total` over types with `weights`, none beyond its `caps`; the result sums to
/// `min(total, Σ caps)`.
pub(crate) fn quotas(total: usize, weights: &[u32], caps: &[usize]) -> Vec<usize> {
    let n = weights.len().min(caps.len());
    let mut q = vec![0usize; n];
    let capacity: usize = caps.iter().take(n).sum();
    let mut left = total.min(capacity);
    while left > 0 {
        let active: Vec<usize> = (0..n)
            .filter(|&t| q[t] < caps[t] && weights[t] > 0)
            .collect();
        if active.is_empty() {
            break;
        }
        let sum: u128 = active.iter().map(|&t| u128::from(weights[t])).sum();
        let mut given = 0;
        for &t in &active {
            let share = (left as u128 * u128::from(weights[t]) / sum) as usize;
            let share = share.min(caps[t] - q[t]);
            q[t] += share;
            given += share;
        }
        if given == 0 {
            // Rounding left less than one per type: hand out the rest one by one, heaviest first.
            let mut order = active;
            order.sort_by_key(|&t| std::cmp::Reverse(weights[t]));
            for t in order {
                if left == 0 {
                    break;
                }
                q[t] += 1;
                left -= 1;
            }
        } else {
            left -= given;
        }
    }
    q
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// A permutation of `0..n`: `k ↦ (a·k + b) mod n` with `a` coprime to `n`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shuffle {
    n: usize,
    a: usize,
    b: usize,
}

impl Shuffle {
    pub(crate) fn new(n: usize, hash: u64) -> Self {
        if n <= 1 {
            return Self { n, a: 1, b: 0 };
        }
        let mut a = (hash as usize % n) | 1;
        while gcd(a, n) != 1 {
            a = (a + 2) % n;
            if a == 0 {
                a = 1;
            }
        }
        let b = (hash >> 32) as usize % n;
        Self { n, a, b }
    }

    /// The `k`-th element (`k` taken modulo `n`).
    pub(crate) fn at(&self, k: usize) -> usize {
        if self.n == 0 {
            return 0;
        }
        ((self.a as u128 * (k % self.n) as u128 + self.b as u128) % self.n as u128) as usize
    }
}

/// Stride scheduling: over `Σ quotas` steps each type comes out exactly its quota times, its
/// `j`-th licence near position `(j + ½)·Σ/quota`, so the types are evenly interleaved.
#[derive(Debug, Clone)]
pub(crate) struct RoundRobin {
    quotas: Vec<usize>,
    emitted: Vec<usize>,
    /// (due position scaled by 2⁶⁴ / Σ, type), smallest first.
    due: BinaryHeap<Reverse<(u128, usize)>>,
}

impl RoundRobin {
    pub(crate) fn new(quotas: &[usize]) -> Self {
        let mut due = BinaryHeap::with_capacity(quotas.len());
        for (t, &q) in quotas.iter().enumerate() {
            if q > 0 {
                due.push(Reverse((Self::position(0, q), t)));
            }
        }
        Self {
            quotas: quotas.to_vec(),
            emitted: vec![0; quotas.len()],
            due,
        }
    }

    /// Where the `j`-th of `q` falls, as a fraction of the whole scaled by 2⁶⁴.
    fn position(j: usize, q: usize) -> u128 {
        ((2 * j as u128 + 1) << 63) / q as u128
    }

    /// The next type.
    pub(crate) fn next_type(&mut self) -> Option<usize> {
        let Reverse((_, t)) = self.due.pop()?;
        self.emitted[t] += 1;
        let (j, q) = (self.emitted[t], self.quotas[t]);
        if j < q {
            self.due.push(Reverse((Self::position(j, q), t)));
        }
        Some(t)
    }
}

/// SplitMix64's finaliser: a bijection on `u64`.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_follow_weights_and_respect_caps() {
        let q = quotas(100, &[1, 1, 8], &[1000, 1000, 50]);
        assert_eq!(q.iter().sum::<usize>(), 100);
        assert_eq!(q[2], 50);
        assert_eq!(q[0] + q[1], 50);
        assert_eq!(quotas(10_000, &[1, 2], &[3, 4]), vec![3, 4]);
        assert_eq!(
            quotas(7, &[5, 5, 5], &[10, 10, 10]).iter().sum::<usize>(),
            7
        );
    }

    #[test]
    fn a_shuffle_is_a_permutation() {
        for n in [1usize, 2, 6, 30, 97, 3000] {
            let s = Shuffle::new(n, 0xDEAD_BEEF_1234_5678);
            let mut seen = vec![false; n];
            for k in 0..n {
                let i = s.at(k);
                assert!(!seen[i], "n={n} k={k}");
                seen[i] = true;
            }
        }
    }

    #[test]
    fn round_robin_gives_each_type_its_quota() {
        let q = [5usize, 0, 3, 12];
        let mut rr = RoundRobin::new(&q);
        let mut got = [0usize; 4];
        while let Some(t) = rr.next_type() {
            got[t] += 1;
        }
        assert_eq!(got, q);
    }
}
