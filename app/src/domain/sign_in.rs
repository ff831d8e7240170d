//! How long a sign-in must wait (issue 20, finding 2; ASVS 5.0 V6.3.1). Failed sign-ins are
//! counted three ways: for one address from one source (the guesser), for one address from
//! anywhere (guessing spread over many machines), and from one source for any address (one
//! machine trying many accounts). Past a free allowance, each count asks the next attempt to wait
//! a delay that doubles with every further failure, up to a ceiling, measured from the latest
//! failure it counts. Nothing locks anyone out for good: the counts look back one window only,
//! and the widest scope, the one an attacker elsewhere can move, delays the owner by a minute at
//! most, while a guesser's own source waits up to a quarter of an hour.

use chrono::{DateTime, Duration, Utc};

/// How far back failures are counted (and how long they are kept).
pub const WINDOW: Duration = Duration::hours(1);
/// The first delay past an allowance; each further failure doubles it.
pub const FIRST_DELAY_SECONDS: i64 = 15;

/// Who a count is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One address from one source.
    Pair,
    /// One address from any source.
    Account,
    /// One source, any address.
    Source,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Pair, Scope::Account, Scope::Source];

    /// Failures within the window that ask for no delay.
    pub fn free(self) -> u32 {
        match self {
            Scope::Pair => 5,
            Scope::Account => 20,
            Scope::Source => 30,
        }
    }

    /// The longest delay this scope asks for.
    pub fn ceiling(self) -> Duration {
        match self {
            Scope::Pair | Scope::Source => Duration::minutes(15),
            Scope::Account => Duration::minutes(1),
        }
    }
}

/// The delay `failures` earlier failures in `scope` ask of the next attempt, from the latest.
pub fn delay_after(scope: Scope, failures: u32) -> Duration {
    let Some(past) = failures.checked_sub(scope.free()) else { return Duration::zero() };
    // Past 2^10 times the first delay every ceiling is reached; the shift cannot overflow.
    let seconds = FIRST_DELAY_SECONDS << past.min(10);
    Duration::seconds(seconds).min(scope.ceiling())
}

/// The failures one scope counts: how many, and when the latest was.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count {
    pub failures: u32,
    pub latest: Option<DateTime<Utc>>,
}

impl Count {
    fn add(&mut self, at: DateTime<Utc>) {
        self.failures += 1;
        self.latest = self.latest.max(Some(at));
    }
}

/// One earlier failure, as it bears on this attempt.
#[derive(Clone, Copy, Debug)]
pub struct Earlier {
    pub same_address: bool,
    pub same_source: bool,
    pub at: DateTime<Utc>,
}

/// The three counts of the failures before this attempt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub pair: Count,
    pub account: Count,
    pub source: Count,
}

impl Counts {
    pub fn of(earlier: impl IntoIterator<Item = Earlier>) -> Counts {
        let mut counts = Counts::default();
        for e in earlier {
            if e.same_address {
                counts.account.add(e.at);
            }
            if e.same_source {
                counts.source.add(e.at);
            }
            if e.same_address && e.same_source {
                counts.pair.add(e.at);
            }
        }
        counts
    }

    fn get(&self, scope: Scope) -> Count {
        match scope {
            Scope::Pair => self.pair,
            Scope::Account => self.account,
            Scope::Source => self.source,
        }
    }
}

/// Why an attempt waits: how long still, and the scope asking longest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wait {
    pub remaining: Duration,
    pub by: Scope,
}

impl Wait {
    /// Whole seconds to tell the client (`Retry-After`), never zero.
    pub fn seconds(&self) -> u32 {
        let millis = self.remaining.num_milliseconds().max(1);
        u32::try_from((millis + 999) / 1000).unwrap_or(u32::MAX)
    }
}

/// Whether an attempt at `now` must wait, and for how long: the longest any scope still asks.
pub fn wait(counts: &Counts, now: DateTime<Utc>) -> Option<Wait> {
    Scope::ALL
        .into_iter()
        .filter_map(|by| {
            let count = counts.get(by);
            let remaining = count.latest? + delay_after(by, count.failures) - now;
            (remaining > Duration::zero()).then_some(Wait { remaining, by })
        })
        .max_by_key(|w| w.remaining)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_past_the_allowance_up_to_each_ceiling() {
        let s = Duration::seconds;
        let cases = [
            (Scope::Pair, 0, s(0)),
            (Scope::Pair, 4, s(0)),
            (Scope::Pair, 5, s(15)),
            (Scope::Pair, 6, s(30)),
            (Scope::Pair, 7, s(60)),
            (Scope::Pair, 10, s(480)),
            (Scope::Pair, 11, s(900)),
            (Scope::Pair, 5_000, s(900)),
            (Scope::Account, 19, s(0)),
            (Scope::Account, 20, s(15)),
            (Scope::Account, 22, s(60)),
            (Scope::Account, u32::MAX, s(60)),
            (Scope::Source, 29, s(0)),
            (Scope::Source, 30, s(15)),
            (Scope::Source, 36, s(900)),
        ];
        for (scope, failures, expected) in cases {
            assert_eq!(delay_after(scope, failures), expected, "{scope:?} after {failures}");
        }
    }

    fn at(seconds_ago: i64) -> DateTime<Utc> {
        now() - Duration::seconds(seconds_ago)
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-29T12:00:00Z").unwrap().with_timezone(&Utc)
    }

    fn failures(n: usize, same_address: bool, same_source: bool, seconds_ago: i64) -> Vec<Earlier> {
        (0..n).map(|_| Earlier { same_address, same_source, at: at(seconds_ago) }).collect()
    }

    #[test]
    fn each_failure_is_counted_in_every_scope_it_belongs_to() {
        let mut earlier = failures(2, true, true, 30);
        earlier.extend(failures(3, true, false, 20));
        earlier.extend(failures(4, false, true, 10));
        let counts = Counts::of(earlier);
        assert_eq!(counts.pair, Count { failures: 2, latest: Some(at(30)) });
        assert_eq!(counts.account, Count { failures: 5, latest: Some(at(20)) });
        assert_eq!(counts.source, Count { failures: 6, latest: Some(at(10)) });
    }

    #[test]
    fn an_attempt_waits_as_long_as_the_longest_scope_asks() {
        let s = Duration::seconds;
        let cases: [(&str, Vec<Earlier>, Option<(Duration, Scope)>); 7] = [
            ("nothing failed", vec![], None),
            ("within the allowance", failures(4, true, true, 0), None),
            ("the guesser waits", failures(5, true, true, 5), Some((s(10), Scope::Pair))),
            ("the delay has passed", failures(5, true, true, 15), None),
            ("the guesser's delay grows", failures(7, true, true, 5), Some((s(55), Scope::Pair))),
            // Guessing from elsewhere delays the owner's source by the account's short ceiling.
            ("the owner waits a minute at most", failures(500, true, false, 0), Some((s(60), Scope::Account))),
            ("one machine trying many accounts", failures(40, false, true, 100), Some((s(800), Scope::Source))),
        ];
        for (case, earlier, expected) in cases {
            let got = wait(&Counts::of(earlier), now()).map(|w| (w.remaining, w.by));
            assert_eq!(got, expected, "{case}");
        }
    }

    #[test]
    fn the_wait_is_told_in_whole_seconds_rounded_up() {
        let cases =
            [(Duration::milliseconds(1), 1), (Duration::milliseconds(14_001), 15), (Duration::seconds(900), 900)];
        for (remaining, seconds) in cases {
            assert_eq!(Wait { remaining, by: Scope::Pair }.seconds(), seconds);
        }
    }
}
