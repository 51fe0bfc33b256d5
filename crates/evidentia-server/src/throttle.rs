//! Sign-in throttling, per account and per client address, and the limit on the public portal's
//! name lookups per client address.
//!
//! Attempts are counted in a window *before* the password is checked (so that a burst of
//! concurrent guesses cannot slip past the limit while the first ones are being hashed); a
//! successful sign-in clears its account's count. Past the limit, attempts are refused with 429
//! before any password is hashed, so a flood of guesses costs the server almost nothing and does
//! not lock anyone else out. Counting is per server instance and in memory: a restart resets
//! it, and several instances each allow the limit.

use std::collections::HashMap;
use std::sync::Mutex;

use time::{Duration, OffsetDateTime};

/// Failures allowed per account within [`WINDOW`].
pub const ACCOUNT_LIMIT: u32 = 5;
/// Failures allowed per address within [`WINDOW`] (an office behind one address has many users).
pub const ADDRESS_LIMIT: u32 = 50;
pub const WINDOW: Duration = Duration::minutes(15);
/// Public name lookups allowed per address within [`WINDOW`]: enough for a family searching for
/// its relatives, too few to walk the published records name by name.
pub const LOOKUP_LIMIT: u32 = 60;
/// Keys remembered at most; the oldest are forgotten first, so memory stays bounded under a
/// flood of made-up e-mail addresses.
const MAX_KEYS: usize = 100_000;

#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, OffsetDateTime)>>,
}

impl Throttle {
    /// `Some(seconds to wait)` when the key has used up its failures.
    fn blocked(&self, key: &str, limit: u32, now: OffsetDateTime) -> Option<i64> {
        let map = self.failures.lock().ok()?;
        let (count, since) = map.get(key)?;
        let until = *since + WINDOW;
        (*count >= limit && now < until).then(|| (until - now).whole_seconds().max(1))
    }

    /// Seconds to wait before another attempt for this account from this address, if any.
    pub fn check(&self, account: &str, address: &str, now: OffsetDateTime) -> Option<i64> {
        let a = self.blocked(&format!("account:{account}"), ACCOUNT_LIMIT, now);
        let b = self.blocked(&format!("address:{address}"), ADDRESS_LIMIT, now);
        a.max(b)
    }

    /// Admits one attempt, counting it, or answers how many seconds to wait.
    pub fn attempt(&self, account: &str, address: &str, now: OffsetDateTime) -> Option<i64> {
        // One lock for the check and the count, so concurrent attempts are counted one by one.
        let Ok(mut map) = self.failures.lock() else {
            return Some(1);
        };
        let wait = |key: &str, limit: u32| {
            map.get(key).and_then(|(count, since)| {
                let until = *since + WINDOW;
                (*count >= limit && now < until).then(|| (until - now).whole_seconds().max(1))
            })
        };
        let blocked =
            wait(&format!("account:{account}"), ACCOUNT_LIMIT).max(wait(&format!("address:{address}"), ADDRESS_LIMIT));
        if blocked.is_some() {
            return blocked;
        }
        Self::count(&mut map, account, address, now);
        None
    }

    /// Counts a failure (for callers that did not go through [`Throttle::attempt`]).
    pub fn failure(&self, account: &str, address: &str, now: OffsetDateTime) {
        let Ok(mut map) = self.failures.lock() else { return };
        Self::count(&mut map, account, address, now);
    }

    fn count(map: &mut HashMap<String, (u32, OffsetDateTime)>, account: &str, address: &str, now: OffsetDateTime) {
        if map.len() >= MAX_KEYS {
            let cutoff = now - WINDOW;
            map.retain(|_, (_, since)| *since > cutoff);
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        for key in [format!("account:{account}"), format!("address:{address}")] {
            let entry = map.entry(key).or_insert((0, now));
            if now - entry.1 > WINDOW {
                *entry = (0, now);
            }
            entry.0 += 1;
        }
    }

    /// Admits one public name lookup from `address`, counting it, or answers how many seconds to
    /// wait.
    pub fn lookup(&self, address: &str, now: OffsetDateTime) -> Option<i64> {
        let Ok(mut map) = self.failures.lock() else {
            return Some(1);
        };
        if map.len() >= MAX_KEYS {
            let cutoff = now - WINDOW;
            map.retain(|_, (_, since)| *since > cutoff);
        }
        let entry = map.entry(format!("lookup:{address}")).or_insert((0, now));
        if now - entry.1 > WINDOW {
            *entry = (0, now);
        }
        if entry.0 >= LOOKUP_LIMIT {
            return Some((entry.1 + WINDOW - now).whole_seconds().max(1));
        }
        entry.0 += 1;
        None
    }

    /// A correct sign-in: the account's attempts no longer count against it.
    pub fn success(&self, account: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&format!("account:{account}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_throttled_after_its_failures_and_released_later() {
        let t = Throttle::default();
        let now = time::macros::datetime!(2024-01-01 0:00 UTC);
        for _ in 0..ACCOUNT_LIMIT {
            assert_eq!(t.check("a", "1.2.3.4", now), None);
            t.failure("a", "1.2.3.4", now);
        }
        assert!(
            t.check("a", "5.6.7.8", now).is_some(),
            "the account is throttled from any address"
        );
        assert_eq!(
            t.check("b", "1.2.3.4", now),
            None,
            "other accounts from the address still may try"
        );
        assert_eq!(t.check("a", "1.2.3.4", now + WINDOW + Duration::seconds(1)), None);
        t.success("a");
        assert_eq!(t.check("a", "1.2.3.4", now), None);
    }

    #[test]
    fn attempts_are_counted_before_they_are_judged() {
        let t = Throttle::default();
        let now = time::macros::datetime!(2024-01-01 0:00 UTC);
        let admitted = (0..100).filter(|_| t.attempt("a", "1.2.3.4", now).is_none()).count();
        assert_eq!(admitted, ACCOUNT_LIMIT as usize);
        t.success("a");
        assert_eq!(t.attempt("a", "1.2.3.4", now), None);
    }

    #[test]
    fn lookups_are_limited_per_address() {
        let t = Throttle::default();
        let now = time::macros::datetime!(2024-01-01 0:00 UTC);
        let admitted = (0..200).filter(|_| t.lookup("1.2.3.4", now).is_none()).count();
        assert_eq!(admitted, LOOKUP_LIMIT as usize);
        assert_eq!(t.lookup("5.6.7.8", now), None, "other addresses still may look up");
        assert_eq!(
            t.check("x", "1.2.3.4", now),
            None,
            "lookups do not count against sign-in"
        );
        assert_eq!(t.lookup("1.2.3.4", now + WINDOW + Duration::seconds(1)), None);
    }

    #[test]
    fn an_address_is_throttled_across_accounts() {
        let t = Throttle::default();
        let now = time::macros::datetime!(2024-01-01 0:00 UTC);
        for i in 0..ADDRESS_LIMIT {
            t.failure(&format!("user{i}"), "9.9.9.9", now);
        }
        assert!(t.check("fresh", "9.9.9.9", now).is_some());
        assert_eq!(t.check("fresh", "8.8.8.8", now), None);
    }
}
