//! Work spread over the linker's threads.

/// Applies `f` to `items` cut into one consecutive chunk per worker, each on its own thread, and
/// returns the results in the order of the chunks. With one worker (or few items) it runs on the
/// calling thread.
pub(crate) fn map_chunks<'a, T: Sync, R: Send>(
    items: &'a [T],
    workers: usize,
    f: impl Fn(&'a [T]) -> R + Sync,
) -> Vec<R> {
    let chunk = items.len().div_ceil(workers.max(1)).max(1);
    if workers <= 1 || items.len() <= chunk {
        return vec![f(items)];
    }
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items.chunks(chunk).map(|part| s.spawn(move || f(part))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_come_back_in_order_and_cover_everything() {
        let items: Vec<u32> = (0..1_001).collect();
        for workers in [0, 1, 2, 3, 8, 2_000] {
            let parts = map_chunks(&items, workers, <[u32]>::to_vec);
            assert!(parts.len() <= workers.max(1), "{workers} workers");
            assert_eq!(parts.concat(), items, "{workers} workers");
        }
        assert_eq!(map_chunks(&[] as &[u32], 2, <[u32]>::len), vec![0]);
    }
}
