//! Release numbers (`YY-N.P`, the seed's "year-number-version"), which number may come next, a
//! release's states, and what the Insider blog may show whom (docs/rules.md, "Releases").

use super::tickets::vocabulary;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `YY-N.P`: the year the work was defined (two digits), its sequence in that year, its point
/// release. Ordered as the seed reads them: by year, then sequence, then point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ReleaseNumber {
    pub year: u8,
    pub sequence: u32,
    pub point: u32,
}

impl fmt::Display for ReleaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{}.{}", self.year, self.sequence, self.point)
    }
}

/// A whole number of at most `max_digits` digits with no leading zero (and no sign or space).
fn counting(part: &str, max_digits: usize) -> Option<u32> {
    let plain = !part.is_empty() && part.len() <= max_digits && part.bytes().all(|b| b.is_ascii_digit());
    match plain && !part.starts_with('0') {
        true => part.parse().ok(),
        false => None,
    }
}

impl ReleaseNumber {
    pub fn parse(input: &str) -> Result<ReleaseNumber, String> {
        let refused = || {
            format!(
                "{:?} is not a release number: write YY-N.P, such as 20-1.1 (the year the work was defined, \
                 its sequence in that year, its point release, each counted from 1 without leading zeros).",
                input.trim()
            )
        };
        let (year, rest) = input.trim().split_once('-').ok_or_else(refused)?;
        let (sequence, point) = rest.split_once('.').ok_or_else(refused)?;
        let year_ok = year.len() == 2 && year.bytes().all(|b| b.is_ascii_digit());
        match (year_ok, counting(sequence, 4), counting(point, 4)) {
            (true, Some(sequence), Some(point)) => {
                Ok(ReleaseNumber { year: year.parse().map_err(|_| refused())?, sequence, point })
            }
            _ => Err(refused()),
        }
    }

    /// The next point release of this one: `20-1.1` then `20-1.2`.
    pub fn next_point(self) -> ReleaseNumber {
        ReleaseNumber { point: self.point + 1, ..self }
    }

    /// The next version in the same year: `20-1.2` then `20-2.1`.
    pub fn next_sequence(self) -> ReleaseNumber {
        ReleaseNumber { sequence: self.sequence + 1, point: 1, ..self }
    }

    /// The first release of a year: `21-1.1`.
    pub fn first_of(year: u8) -> ReleaseNumber {
        ReleaseNumber { year, sequence: 1, point: 1 }
    }
}

/// The numbers that may come next, each kind once: the point release of the newest version, the
/// next version of the newest year, and the first of the current year when that is later.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NextNumbers {
    pub point: Option<ReleaseNumber>,
    pub sequence: Option<ReleaseNumber>,
    pub new_year: Option<ReleaseNumber>,
}

/// What may come after `existing` in year `this_year` (two digits). With no release yet, the
/// first of this year.
pub fn next_numbers(existing: &[ReleaseNumber], this_year: u8) -> NextNumbers {
    match existing.iter().max() {
        None => NextNumbers { new_year: Some(ReleaseNumber::first_of(this_year)), ..NextNumbers::default() },
        Some(newest) => NextNumbers {
            point: Some(newest.next_point()),
            sequence: Some(newest.next_sequence()),
            new_year: (this_year > newest.year).then(|| ReleaseNumber::first_of(this_year)),
        },
    }
}

/// Why a new number cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberRefusal {
    Taken,
    /// It would leave a gap or go back; the numbers that would fit.
    OutOfOrder(Vec<ReleaseNumber>),
}

impl NumberRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            NumberRefusal::Taken => "release_exists",
            NumberRefusal::OutOfOrder(_) => "release_out_of_order",
        }
    }

    pub fn message(&self, wanted: ReleaseNumber) -> String {
        match self {
            NumberRefusal::Taken => format!("Release {wanted} exists already."),
            NumberRefusal::OutOfOrder(fits) => {
                let fits: Vec<String> = fits.iter().map(ToString::to_string).collect();
                format!("Release {wanted} would be out of order; the next numbers are {}.", fits.join(", "))
            }
        }
    }
}

/// Whether `wanted` may be created after `existing` in year `this_year`. A number is never reused
/// and never skips one: it is the next point of a version that exists (a later fix to an earlier
/// version, as the seed's `20-1.2` "before we could bring" `20-2.1`), the next version of the
/// newest year, or the first version of a later year no later than this one (the year the work
/// is defined in cannot be in the future).
pub fn check_new(existing: &[ReleaseNumber], wanted: ReleaseNumber, this_year: u8) -> Result<(), NumberRefusal> {
    if existing.contains(&wanted) {
        return Err(NumberRefusal::Taken);
    }
    let mut fits: Vec<ReleaseNumber> = Vec::new();
    // The next point of every version, by its own newest point.
    for n in existing {
        let newest_of_version =
            existing.iter().filter(|o| o.year == n.year && o.sequence == n.sequence).max().copied().unwrap_or(*n);
        fits.push(newest_of_version.next_point());
    }
    let next = next_numbers(existing, this_year);
    fits.extend(next.sequence);
    let newest_year = existing.iter().map(|n| n.year).max();
    let later_year = newest_year.is_none_or(|y| wanted.year > y) && wanted.year <= this_year;
    if wanted.sequence == 1 && wanted.point == 1 && later_year {
        return Ok(());
    }
    if fits.contains(&wanted) {
        return Ok(());
    }
    fits.extend(next.new_year);
    fits.sort();
    fits.dedup();
    Err(NumberRefusal::OutOfOrder(fits))
}

/// The releases newer than `installed` among `released` (all of them when nothing is recorded),
/// oldest first: what an upgrade would bring.
pub fn newer_than(installed: Option<ReleaseNumber>, released: &[ReleaseNumber]) -> Vec<ReleaseNumber> {
    let mut newer: Vec<ReleaseNumber> = released.iter().copied().filter(|n| installed.is_none_or(|i| *n > i)).collect();
    newer.sort();
    newer
}

vocabulary!(
    /// A release is planned (work defined, tickets slated) until it ships.
    ReleaseState, "release state" {
        Planned = "planned", "Planned";
        Released = "released", "Released";
    }
);

vocabulary!(
    /// An Insider post is a draft, seen by staff only, until it is published.
    PostState, "post state" {
        Draft = "draft", "Draft";
        Published = "published", "Published";
    }
);

/// How much of the Insider blog a reader may see: Software Care (in IRS) readers everything
/// published; other clients the titles, with an offer to renew; staff everything, drafts too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Readership {
    Staff,
    SoftwareCare,
    TitlesOnly,
}

impl Readership {
    pub fn of(staff: bool, covered_by_irs: bool) -> Readership {
        match (staff, covered_by_irs) {
            (true, _) => Readership::Staff,
            (false, true) => Readership::SoftwareCare,
            (false, false) => Readership::TitlesOnly,
        }
    }

    pub fn sees_drafts(self) -> bool {
        self == Readership::Staff
    }

    pub fn reads_posts(self) -> bool {
        self != Readership::TitlesOnly
    }
}

/// Tags as typed (`"cychat, reports"`): lower case, trimmed, each at most 30 characters of
/// letters, digits and dashes, at most 8, no repeats, in the order given.
pub fn parse_tags(input: &[String]) -> Result<Vec<String>, String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in input.iter().flat_map(|t| t.split(',')).map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()) {
        let fits = tag.len() <= 30 && tag.chars().all(|c| c.is_alphanumeric() || c == '-');
        if !fits {
            return Err(format!("{tag:?} is not a tag: use up to 30 letters, digits or dashes."));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > 8 {
        return Err("A post takes at most 8 tags.".into());
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> ReleaseNumber {
        ReleaseNumber::parse(text).unwrap()
    }

    fn ns(texts: &[&str]) -> Vec<ReleaseNumber> {
        texts.iter().map(|t| n(t)).collect()
    }

    #[test]
    fn numbers_parse_as_the_seed_writes_them_and_nothing_else() {
        let cases = [
            ("20-1.1", Some((20, 1, 1))),
            ("20-1.2", Some((20, 1, 2))),
            ("20-2.1", Some((20, 2, 1))),
            (" 26-10.3 ", Some((26, 10, 3))),
            ("05-1.1", Some((5, 1, 1))),
            ("20-1.0", None),
            ("20-0.1", None),
            ("20-01.1", None),
            ("20-1.01", None),
            ("2020-1.1", None),
            ("2-1.1", None),
            ("20-1", None),
            ("20.1.1", None),
            ("20-+1.1", None),
            ("20-1.1.1", None),
            ("", None),
            ("v20-1.1", None),
            ("20-99999.1", None),
        ];
        for (text, want) in cases {
            let got = ReleaseNumber::parse(text).ok().map(|r| (r.year, r.sequence, r.point));
            assert_eq!(got, want, "{text:?}");
        }
        assert_eq!(n("05-1.1").to_string(), "05-1.1");
    }

    #[test]
    fn numbers_order_by_year_then_version_then_point() {
        let mut sorted = ns(&["20-10.1", "21-1.1", "20-2.1", "20-1.2", "20-9.1", "20-1.1"]);
        sorted.sort();
        assert_eq!(sorted, ns(&["20-1.1", "20-1.2", "20-2.1", "20-9.1", "20-10.1", "21-1.1"]));
    }

    #[test]
    fn the_next_numbers_of_each_kind() {
        let cases: [(&[&str], u8, (Option<&str>, Option<&str>, Option<&str>)); 5] = [
            (&[], 20, (None, None, Some("20-1.1"))),
            (&["20-1.1"], 20, (Some("20-1.2"), Some("20-2.1"), None)),
            (&["20-1.1", "20-1.2"], 20, (Some("20-1.3"), Some("20-2.1"), None)),
            (&["20-9.1"], 20, (Some("20-9.2"), Some("20-10.1"), None)),
            (&["20-1.1", "20-2.1"], 21, (Some("20-2.2"), Some("20-3.1"), Some("21-1.1"))),
        ];
        for (existing, year, (point, sequence, new_year)) in cases {
            let got = next_numbers(&ns(existing), year);
            let want = NextNumbers { point: point.map(n), sequence: sequence.map(n), new_year: new_year.map(n) };
            assert_eq!(got, want, "{existing:?} in {year}");
        }
    }

    #[test]
    fn a_new_number_follows_without_gaps_or_repeats() {
        let seed = ["20-1.1", "20-1.2", "20-2.1"];
        let cases: [(&[&str], &str, u8, Result<(), &str>); 14] = [
            (&[], "20-1.1", 20, Ok(())),
            (&[], "20-3.1", 20, Err("release_out_of_order")),
            (&[], "21-1.1", 20, Err("release_out_of_order")),
            (&seed, "20-2.2", 20, Ok(())),
            (&seed, "20-3.1", 20, Ok(())),
            (&seed, "20-1.3", 20, Ok(())),
            (&seed, "21-1.1", 21, Ok(())),
            (&seed, "23-1.1", 23, Ok(())),
            (&seed, "20-2.1", 20, Err("release_exists")),
            (&seed, "20-4.1", 20, Err("release_out_of_order")),
            (&seed, "20-2.3", 20, Err("release_out_of_order")),
            (&seed, "21-2.1", 21, Err("release_out_of_order")),
            (&seed, "21-1.1", 20, Err("release_out_of_order")),
            (&["20-9.1"], "20-10.1", 20, Ok(())),
        ];
        for (existing, wanted, year, want) in cases {
            let got = check_new(&ns(existing), n(wanted), year).map_err(|r| r.code());
            assert_eq!(got, want, "{wanted} after {existing:?} in {year}");
        }
        // A new year's first version resets the sequence: 21-2.1 needs 21-1.1 first.
        let after_new_year = ns(&["20-1.1", "20-2.1", "21-1.1"]);
        assert_eq!(check_new(&after_new_year, n("21-2.1"), 21), Ok(()));
        assert_eq!(check_new(&after_new_year, n("20-3.1"), 21).map_err(|r| r.code()), Err("release_out_of_order"));
    }

    #[test]
    fn an_out_of_order_refusal_names_what_would_fit() {
        let refusal = check_new(&ns(&["20-1.1"]), n("20-5.1"), 20).unwrap_err();
        assert_eq!(
            refusal.message(n("20-5.1")),
            "Release 20-5.1 would be out of order; the next numbers are 20-1.2, 20-2.1."
        );
    }

    #[test]
    fn an_upgrade_brings_the_newer_releases() {
        let released = ns(&["20-2.1", "20-1.1", "20-1.2", "21-1.1"]);
        let cases: [(Option<&str>, &[&str]); 3] = [
            (Some("20-1.2"), &["20-2.1", "21-1.1"]),
            (Some("21-1.1"), &[]),
            (None, &["20-1.1", "20-1.2", "20-2.1", "21-1.1"]),
        ];
        for (installed, want) in cases {
            assert_eq!(newer_than(installed.map(n), &released), ns(want), "{installed:?}");
        }
    }

    #[test]
    fn who_reads_the_insider() {
        let cases = [
            (true, false, Readership::Staff, true, true),
            (false, true, Readership::SoftwareCare, false, true),
            (false, false, Readership::TitlesOnly, false, false),
        ];
        for (staff, irs, want, drafts, reads) in cases {
            let got = Readership::of(staff, irs);
            assert_eq!((got, got.sees_drafts(), got.reads_posts()), (want, drafts, reads), "{staff} {irs}");
        }
    }

    #[test]
    fn tags_are_tidied_and_bounded() {
        let cases: [(&[&str], Result<&[&str], ()>); 5] = [
            (&["CyChat, reports", " reports "], Ok(&["cychat", "reports"])),
            (&[""], Ok(&[])),
            (&["two words"], Err(())),
            (&["<script>"], Err(())),
            (&["a,b,c,d,e,f,g,h,i"], Err(())),
        ];
        for (input, want) in cases {
            let input: Vec<String> = input.iter().map(|s| s.to_string()).collect();
            let got = parse_tags(&input).map_err(|_| ());
            let want = want.map(|w| w.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(got, want, "{input:?}");
        }
    }
}
