//! Clusters from links, with a safeguard against chaining.
//!
//! Plain connected components chain: A links to B and B to C, so A and C end up together even when
//! they contradict each other (different birth years, different given names) — in lists of a few
//! hundred thousand people with common names such chains grow into clusters of dozens. Within each
//! connected component we therefore merge greedily along the strongest links first (ties broken by
//! record index) and refuse a merge if any record of one side, compared directly with any record of
//! the other, scores below [`Parameters::cluster_floor`] (the threshold less a margin) — the evidence against them being the same
//! person outweighs the evidence for. This cuts a chain at its weakest bridge, keeps tight groups
//! whole even when some of their members are sparse (a sparse pair scores near 0, not below it),
//! and is a deterministic function of the component, which incremental linking relies on.
//!
//! We chose this over requiring a minimum average link because an average lets one strong pair
//! carry a contradicting third record, and over cutting bridges by graph structure alone because
//! the direct comparison of the two records is the evidence that matters.

use crate::params::Parameters;

/// Largest product of the sizes of two groups checked pair by pair before a merge; beyond it the
/// merge is refused (a component that large is a blocking accident, not one person).
const MAX_CROSS_CHECKS: usize = 2_000;

/// Splits one connected component (sorted record indices) into clusters.
pub(crate) fn split_component(
    component: &[u32],
    adjacency: &[Vec<(u32, f32)>],
    weight: impl Fn(u32, u32) -> f64,
    params: &Parameters,
) -> Vec<Vec<u32>> {
    if component.len() <= 1 {
        return vec![component.to_vec()];
    }
    let local = |x: u32| component.binary_search(&x).ok();
    let mut edges: Vec<(f32, usize, usize)> = Vec::new();
    for (i, &a) in component.iter().enumerate() {
        for &(b, w) in adjacency.get(a as usize).map_or(&[][..], Vec::as_slice) {
            if a < b
                && let Some(j) = local(b)
            {
                edges.push((w, i, j));
            }
        }
    }
    edges.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    let mut parent: Vec<usize> = (0..component.len()).collect();
    let mut members: Vec<Vec<usize>> = (0..component.len()).map(|i| vec![i]).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while let Some(&p) = parent.get(x) {
            if p == x {
                break;
            }
            let grand = parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = parent.get_mut(x) {
                *slot = grand;
            }
            x = p;
        }
        x
    }
    for (_, i, j) in edges {
        let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
        if ri == rj {
            continue;
        }
        let (left, right) = (
            members.get(ri).map_or(&[][..], Vec::as_slice),
            members.get(rj).map_or(&[][..], Vec::as_slice),
        );
        if left.len() * right.len() > MAX_CROSS_CHECKS {
            continue;
        }
        let node = |k: usize| component.get(k).copied().unwrap_or(0);
        let compatible = left.iter().all(|&x| {
            right.iter().all(|&y| {
                let (a, b) = (node(x), node(y));
                let linked = adjacency
                    .get(a as usize)
                    .and_then(|adj| adj.iter().find(|(n, _)| *n == b))
                    .map(|&(_, w)| f64::from(w));
                linked.unwrap_or_else(|| weight(a, b)) >= params.cluster_floor()
            })
        });
        if !compatible {
            continue;
        }
        let (big, small) = if left.len() >= right.len() { (ri, rj) } else { (rj, ri) };
        let moved = members.get_mut(small).map(std::mem::take).unwrap_or_default();
        if let Some(m) = members.get_mut(big) {
            m.extend(moved);
        }
        if let Some(p) = parent.get_mut(small) {
            *p = big;
        }
    }
    members
        .into_iter()
        .filter(|m| !m.is_empty())
        .map(|m| {
            let mut group: Vec<u32> = m.into_iter().filter_map(|k| component.get(k).copied()).collect();
            group.sort_unstable();
            group
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adjacency(n: usize, edges: &[(u32, u32, f32)]) -> Vec<Vec<(u32, f32)>> {
        let mut adj = vec![Vec::new(); n];
        for &(a, b, w) in edges {
            adj[a as usize].push((b, w));
            adj[b as usize].push((a, w));
        }
        adj
    }

    #[test]
    fn a_chain_is_cut_where_its_ends_contradict() {
        // 0–1 strong, 1–2 weaker, 0 and 2 contradict each other directly.
        let adj = adjacency(3, &[(0, 1, 30.0), (1, 2, 12.0)]);
        let weight = |a: u32, b: u32| {
            if (a, b) == (0, 2) || (a, b) == (2, 0) {
                -8.0
            } else {
                1.0
            }
        };
        let groups = split_component(&[0, 1, 2], &adj, weight, &Parameters::default());
        assert_eq!(groups, vec![vec![0, 1], vec![2]]);
    }

    #[test]
    fn a_consistent_group_stays_whole() {
        let adj = adjacency(4, &[(0, 1, 20.0), (1, 2, 15.0), (2, 3, 11.0)]);
        let groups = split_component(&[0, 1, 2, 3], &adj, |_, _| 7.0, &Parameters::default());
        assert_eq!(groups, vec![vec![0, 1, 2, 3]]);
    }
}
