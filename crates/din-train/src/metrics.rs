//! Measures of a click model on held-out data: [`auc`], [`gauc`] (the
//! paper's per-user AUC averaged by impressions) and [`log_loss`].
//!
//! Pure and deterministic (ties broken by the score order alone, never by
//! a hash or a clock).

/// Area under the ROC curve: the probability that a random positive scores
/// above a random negative, ties counting one half. Computed from ranks
/// (Mann-Whitney): sort by score, give tied scores their average rank `r`,
/// `AUC = (sum_{positives} r - P (P + 1) / 2) / (P N)`.
///
/// `None` when the lengths differ, a score is NaN, or there are no
/// positives or no negatives.
///
/// ```
/// use din_train::metrics::auc;
/// assert_eq!(auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]), Some(0.75));
/// assert_eq!(auc(&[0.5, 0.5], &[false, true]), Some(0.5)); // a tie counts 1/2
/// assert_eq!(auc(&[0.5], &[true]), None);
/// ```
#[must_use]
pub fn auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    if scores.len() != labels.len() || scores.iter().any(|s| s.is_nan()) {
        return None;
    }
    let pos = labels.iter().filter(|l| **l).count();
    let neg = labels.len() - pos;
    if pos == 0 || neg == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|a, b| scores[*a].total_cmp(&scores[*b]));
    let mut rank_sum_pos = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        // positions i..=j tie; ranks are 1-based: average (i + 1 + j + 1) / 2
        let avg_rank = (i + j + 2) as f64 / 2.0;
        for k in i..=j {
            if labels[order[k]] {
                rank_sum_pos += avg_rank;
            }
        }
        i = j + 1;
    }
    let (p, n) = (pos as f64, neg as f64);
    Some((rank_sum_pos - p * (p + 1.0) / 2.0) / (p * n))
}

/// Mean log loss `-(1/m) sum [y ln p + (1 - y) ln(1 - p)]` of predicted
/// probabilities, with `p` clamped to `[1e-12, 1 - 1e-12]`; `0` for no examples.
///
/// ```
/// use din_train::metrics::log_loss;
/// assert!((log_loss(&[0.5, 0.5], &[true, false]) - 2f64.ln()).abs() < 1e-15);
/// ```
#[must_use]
pub fn log_loss(p: &[f64], labels: &[bool]) -> f64 {
    if p.is_empty() {
        return 0.0;
    }
    let s: f64 = p
        .iter()
        .zip(labels)
        .map(|(p, y)| {
            let p = p.clamp(1e-12, 1.0 - 1e-12);
            if *y {
                -p.ln()
            } else {
                -(1.0 - p).ln()
            }
        })
        .sum();
    s / p.len() as f64
}

/// Group AUC (Zhou et al., KDD 2018, eq. 6): the AUC of each user's
/// impressions, averaged with each user weighted by the number of their
/// impressions, `GAUC = sum_u n_u AUC_u / sum_u n_u`. Users whose
/// impressions are all clicks or all non-clicks have no AUC and are left
/// out of both sums. `users[k]` names the user of impression `k`; any
/// order works (impressions are grouped by user id).
///
/// `None` when the lengths differ, a score is NaN, or no user has both a
/// click and a non-click.
///
/// ```
/// use din_train::metrics::gauc;
/// // user 0: AUC 1 over 2 impressions; user 1: AUC 0.5 over 4; user 2: one class, left out
/// let s = [0.9, 0.1, 0.3, 0.6, 0.4, 0.2, 0.5];
/// let y = [true, false, true, false, true, false, true];
/// let u = [0, 0, 1, 1, 1, 1, 2];
/// assert_eq!(gauc(&s, &y, &u), Some((2.0 * 1.0 + 4.0 * 0.5) / 6.0));
/// ```
#[must_use]
pub fn gauc(scores: &[f64], labels: &[bool], users: &[usize]) -> Option<f64> {
    if scores.len() != labels.len() || scores.len() != users.len() || scores.iter().any(|s| s.is_nan()) {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by_key(|k| users[*k]); // stable: impressions keep their order within a user
    let (mut num, mut den) = (0.0, 0.0);
    let mut i = 0;
    let (mut s, mut y) = (Vec::new(), Vec::new());
    while i < order.len() {
        let mut j = i;
        while j < order.len() && users[order[j]] == users[order[i]] {
            j += 1;
        }
        s.clear();
        y.clear();
        s.extend(order[i..j].iter().map(|k| scores[*k]));
        y.extend(order[i..j].iter().map(|k| labels[*k]));
        if let Some(a) = auc(&s, &y) {
            let n = (j - i) as f64;
            num += n * a;
            den += n;
        }
        i = j;
    }
    if den > 0.0 {
        Some(num / den)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use din_core::rng::Rng;

    #[test]
    fn auc_by_brute_force() {
        let mut rng = Rng::new(5);
        for _ in 0..50 {
            let m = 2 + rng.index(30);
            // Coarse scores so ties are common.
            let s: Vec<f64> = (0..m).map(|_| rng.index(5) as f64).collect();
            let mut y: Vec<bool> = (0..m).map(|_| rng.uniform() < 0.4).collect();
            y[0] = true;
            y[1] = false;
            let mut num = 0.0;
            let mut den = 0.0;
            for i in 0..m {
                for j in 0..m {
                    if y[i] && !y[j] {
                        den += 1.0;
                        num += if s[i] > s[j] {
                            1.0
                        } else if s[i] == s[j] {
                            0.5
                        } else {
                            0.0
                        };
                    }
                }
            }
            let a = auc(&s, &y).unwrap();
            assert!((a - num / den).abs() < 1e-12, "{a} vs {}", num / den);
        }
    }

    #[test]
    fn auc_edge_cases() {
        assert_eq!(auc(&[1.0, 2.0], &[false, true]), Some(1.0));
        assert_eq!(auc(&[2.0, 1.0], &[false, true]), Some(0.0));
        assert_eq!(auc(&[1.0; 4], &[false, true, true, false]), Some(0.5));
        assert_eq!(auc(&[1.0, 2.0], &[true, true]), None);
        assert_eq!(auc(&[1.0, f64::NAN], &[true, false]), None);
        assert_eq!(auc(&[1.0], &[true, false]), None);
    }

    #[test]
    fn gauc_edge_cases() {
        assert_eq!(gauc(&[0.1, 0.2], &[true, true], &[0, 0]), None);
        assert_eq!(gauc(&[0.1, 0.2], &[true, false], &[0]), None);
        assert_eq!(gauc(&[0.1, f64::NAN], &[true, false], &[0, 0]), None);
        // one user: GAUC is that user's AUC
        let s = [0.1, 0.4, 0.35, 0.8];
        let y = [false, false, true, true];
        assert_eq!(gauc(&s, &y, &[3; 4]), auc(&s, &y));
        // interleaved users give the same as grouped ones
        assert_eq!(gauc(&[0.9, 0.3, 0.1, 0.6], &[true, true, false, false], &[0, 1, 0, 1]), Some(0.5));
    }
}
