//! Service vouchers (DOMAIN.md, "Service vouchers"): the ledger's arithmetic. Balances are folds
//! over ledger entries; draws take the voucher that expires first, span vouchers, never touch an
//! expired one and never take more than is there.

use super::tickets::vocabulary;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

vocabulary!(
    EntryKind, "ledger entry kind" {
        Issue = "issue", "Issued";
        Reserve = "reserve", "Reserved";
        Release = "release", "Released";
        Redeem = "redeem", "Redeemed";
        Refund = "refund", "Refunded";
        Expire = "expire", "Expired";
    }
);

vocabulary!(
    /// What a reservation holds voucher minutes for.
    Purpose, "reservation purpose" {
        AfterHours = "after_hours", "After-hours work";
        Macs = "macs", "MACS orders";
    }
);

/// Minutes held by reservations, by what they are held for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReservedFor {
    pub after_hours: i64,
    pub macs: i64,
}

impl ReservedFor {
    fn add(&mut self, purpose: Purpose, minutes: i64) {
        match purpose {
            Purpose::AfterHours => self.after_hours += minutes,
            Purpose::Macs => self.macs += minutes,
        }
    }
}

/// Below this many available minutes (10 hours) an organisation is flagged as running low.
pub const LOW_BALANCE_MINUTES: i64 = 600;

pub fn is_running_low(available_minutes: i64) -> bool {
    available_minutes < LOW_BALANCE_MINUTES
}

/// Days ahead within which minutes count as "expiring soon".
pub const EXPIRING_SOON_DAYS: u64 = 30;

/// Minutes as hours, the way vouchers are sold (`2:30 h`).
pub fn hours(minutes: i64) -> String {
    format!("{}:{:02} h", minutes / 60, (minutes % 60).abs())
}
/// Characters of a voucher code: no 0/O, no 1/I, so a code read aloud or copied by hand survives.
pub const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
pub const CODE_LENGTH: usize = 12;

/// A voucher code from random bytes (32 symbols divide 256 evenly, so no symbol is favoured):
/// 12 symbols, 60 bits, shown as `ABCD-EFGH-JKLM`.
pub fn voucher_code(random: [u8; CODE_LENGTH]) -> String {
    let symbols: Vec<char> = random.iter().map(|b| CODE_ALPHABET[(*b as usize) % 32] as char).collect();
    symbols.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// Minutes on a voucher or a redemption: whole and positive; at most 1,000 hours.
pub fn parse_minutes(minutes: i64) -> Result<i32, String> {
    if (1..=60_000).contains(&minutes) {
        Ok(minutes as i32)
    } else {
        Err("Enter whole minutes from 1 to 60000.".into())
    }
}

/// One ledger line as the arithmetic sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub voucher_id: String,
    pub kind: EntryKind,
    pub minutes: i64,
    /// What a reservation or release was for; none on entries that hold nothing.
    pub purpose: Option<Purpose>,
}

/// A voucher's standing, derived from its entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoucherState {
    pub voucher_id: String,
    pub expires_on: NaiveDate,
    /// Minutes free to spend or reserve (before expiry is considered).
    pub available: i64,
    pub reserved: i64,
    /// `reserved`, by purpose.
    pub reserved_for: ReservedFor,
}

impl VoucherState {
    pub fn usable_on(&self, today: NaiveDate) -> bool {
        self.expires_on >= today
    }
}

/// What one entry does to its voucher: (change in available, change in reserved) minutes.
pub fn effect(kind: EntryKind, minutes: i64) -> (i64, i64) {
    match kind {
        EntryKind::Issue | EntryKind::Refund => (minutes, 0),
        EntryKind::Reserve => (-minutes, minutes),
        EntryKind::Release => (minutes, -minutes),
        EntryKind::Redeem | EntryKind::Expire => (-minutes, 0),
    }
}

/// Folds entries into each voucher's available and reserved minutes.
pub fn voucher_states(vouchers: &[(String, NaiveDate)], entries: &[Entry]) -> Vec<VoucherState> {
    let mut sums: BTreeMap<&str, (i64, i64, ReservedFor)> = BTreeMap::new();
    for e in entries {
        let (available, reserved, reserved_for) = sums.entry(e.voucher_id.as_str()).or_default();
        let (d_available, d_reserved) = effect(e.kind, e.minutes);
        *available += d_available;
        *reserved += d_reserved;
        if let Some(purpose) = e.purpose {
            reserved_for.add(purpose, d_reserved);
        }
    }
    vouchers
        .iter()
        .map(|(id, expires_on)| {
            let (available, reserved, reserved_for) = sums.get(id.as_str()).copied().unwrap_or_default();
            VoucherState { voucher_id: id.clone(), expires_on: *expires_on, available, reserved, reserved_for }
        })
        .collect()
}

/// The states after writing one entry of `kind` per (voucher, minutes) of a plan: what the ledger
/// will fold to once those entries are in, without reading it again.
pub fn states_after(
    states: &[VoucherState],
    kind: EntryKind,
    purpose: Option<Purpose>,
    plan: &[(String, i64)],
) -> Vec<VoucherState> {
    let mut next = states.to_vec();
    for (voucher_id, minutes) in plan {
        if let Some(s) = next.iter_mut().find(|s| &s.voucher_id == voucher_id) {
            let (d_available, d_reserved) = effect(kind, *minutes);
            s.available += d_available;
            s.reserved += d_reserved;
            if let Some(purpose) = purpose {
                s.reserved_for.add(purpose, d_reserved);
            }
        }
    }
    next
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    pub available_minutes: i64,
    pub reserved_minutes: i64,
    pub reserved_for: ReservedFor,
    pub expiring_soon_minutes: i64,
    pub next_expiry_on: Option<NaiveDate>,
}

/// The organisation's balance on `today`: expired vouchers never count, whatever the ledger says.
pub fn balance(states: &[VoucherState], today: NaiveDate) -> Balance {
    let soon = today + Days::new(EXPIRING_SOON_DAYS);
    let usable: Vec<&VoucherState> = states.iter().filter(|s| s.usable_on(today)).collect();
    Balance {
        available_minutes: usable.iter().map(|s| s.available).sum(),
        reserved_minutes: usable.iter().map(|s| s.reserved).sum(),
        reserved_for: usable.iter().fold(ReservedFor::default(), |mut all, s| {
            all.add(Purpose::AfterHours, s.reserved_for.after_hours);
            all.add(Purpose::Macs, s.reserved_for.macs);
            all
        }),
        expiring_soon_minutes: usable.iter().filter(|s| s.expires_on <= soon).map(|s| s.available).sum(),
        next_expiry_on: usable.iter().filter(|s| s.available > 0).map(|s| s.expires_on).min(),
    }
}

/// Not enough minutes: how many there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    pub available: i64,
}

/// Which vouchers pay for `minutes`: the one expiring first, then the next; expired ones never.
pub fn plan_draw(states: &[VoucherState], minutes: i64, today: NaiveDate) -> Result<Vec<(String, i64)>, Shortfall> {
    let mut usable: Vec<&VoucherState> = states.iter().filter(|s| s.usable_on(today) && s.available > 0).collect();
    usable.sort_by(|a, b| a.expires_on.cmp(&b.expires_on).then(a.voucher_id.cmp(&b.voucher_id)));
    let available: i64 = usable.iter().map(|s| s.available).sum();
    if minutes <= 0 || available < minutes {
        return Err(Shortfall { available });
    }
    let mut left = minutes;
    let mut plan = Vec::new();
    for s in usable {
        if left == 0 {
            break;
        }
        let take = left.min(s.available);
        plan.push((s.voucher_id.clone(), take));
        left -= take;
    }
    Ok(plan)
}

/// How completed after-hours work is paid (issue 21, finding 3): the vouchers pay what they
/// hold (the booking's reservation was released into that balance first); the rest is
/// invoiced as billable time rather than leaving the booking impossible to complete.
/// Answers (redeemed from vouchers, to invoice).
pub fn pay_completed_work(charge: i64, available: i64) -> (i64, i64) {
    let redeemed = charge.max(0).min(available.max(0));
    (redeemed, charge.max(0) - redeemed)
}

/// Returns `minutes` of a reservation to the vouchers it came from (given as (voucher, reserved)).
pub fn plan_release(reserved: &[(String, i64)], minutes: i64) -> Vec<(String, i64)> {
    let mut left = minutes;
    let mut plan = Vec::new();
    for (voucher, held) in reserved {
        if left <= 0 {
            break;
        }
        let take = left.min(*held);
        if take > 0 {
            plan.push((voucher.clone(), take));
            left -= take;
        }
    }
    plan
}

/// The `expire` entries due on `today`: what is still available on vouchers that have expired.
pub fn plan_expiry(states: &[VoucherState], today: NaiveDate) -> Vec<(String, i64)> {
    states
        .iter()
        .filter(|s| !s.usable_on(today) && s.available > 0)
        .map(|s| (s.voucher_id.clone(), s.available))
        .collect()
}

/// The date the balance runs out at the pace of the last 90 days, if anything was spent.
pub fn runs_out_on(available: i64, redeemed_last_90_days: i64, today: NaiveDate) -> Option<NaiveDate> {
    if redeemed_last_90_days <= 0 || available <= 0 {
        return None;
    }
    let days = (available * 90) / redeemed_last_90_days;
    today.checked_add_days(Days::new(days as u64))
}

/// An organisation's vouchers at one moment: minutes free to spend, and minutes set aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Standing {
    pub available: i64,
    pub reserved: i64,
}

/// What moved in a period, by kind of ledger entry (each a sum of positive minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Movements {
    pub issued: i64,
    pub reserved: i64,
    pub released: i64,
    pub redeemed: i64,
    pub refunded: i64,
    pub expired: i64,
}

/// The standing the entries fold to, from nothing.
pub fn standing(entries: &[(EntryKind, i64)]) -> Standing {
    movements(entries).after(Standing::default())
}

/// The entries summed by kind.
pub fn movements(entries: &[(EntryKind, i64)]) -> Movements {
    let mut m = Movements::default();
    for (kind, minutes) in entries {
        let sum = match kind {
            EntryKind::Issue => &mut m.issued,
            EntryKind::Reserve => &mut m.reserved,
            EntryKind::Release => &mut m.released,
            EntryKind::Redeem => &mut m.redeemed,
            EntryKind::Refund => &mut m.refunded,
            EntryKind::Expire => &mut m.expired,
        };
        *sum += minutes;
    }
    m
}

impl Movements {
    /// A monthly statement's closing line: the opening standing moved by these sums, each by the
    /// same `effect` the balances fold with, so statement and balance cannot disagree.
    pub fn after(self, opening: Standing) -> Standing {
        let moves = [
            (EntryKind::Issue, self.issued),
            (EntryKind::Reserve, self.reserved),
            (EntryKind::Release, self.released),
            (EntryKind::Redeem, self.redeemed),
            (EntryKind::Refund, self.refunded),
            (EntryKind::Expire, self.expired),
        ];
        moves.iter().fold(opening, |at, (kind, minutes)| {
            let (available, reserved) = effect(*kind, *minutes);
            Standing { available: at.available + available, reserved: at.reserved + reserved }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completed_work_takes_what_vouchers_hold_and_invoices_the_rest() {
        let cases = [
            ((120, 300), (120, 0)),
            ((120, 120), (120, 0)),
            ((180, 120), (120, 60)),
            ((60, 0), (0, 60)),
            ((0, 50), (0, 0)),
        ];
        for ((charge, available), expected) in cases {
            assert_eq!(pay_completed_work(charge, available), expected, "{charge} charged, {available} available");
        }
    }
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn entry(voucher: &str, kind: EntryKind, minutes: i64) -> Entry {
        let purpose = matches!(kind, EntryKind::Reserve | EntryKind::Release).then_some(Purpose::AfterHours);
        Entry { voucher_id: voucher.into(), kind, minutes, purpose }
    }

    #[test]
    fn codes_are_readable_and_grouped() {
        let code = voucher_code([0, 1, 31, 32, 255, 200, 8, 13, 21, 34, 55, 89]);
        assert_eq!(code.len(), 14);
        assert_eq!(&code[4..5], "-");
        assert!(code.chars().filter(|c| *c != '-').all(|c| CODE_ALPHABET.contains(&(c as u8))));
        assert!(!code.contains(['0', 'O', '1', 'I']));
    }

    #[test]
    fn draws_take_the_voucher_expiring_first_and_span_vouchers() {
        let states = vec![
            VoucherState {
                voucher_id: "late".into(),
                expires_on: day("2027-06-30"),
                available: 300,
                reserved: 0,
                reserved_for: ReservedFor::default(),
            },
            VoucherState {
                voucher_id: "soon".into(),
                expires_on: day("2026-12-31"),
                available: 60,
                reserved: 0,
                reserved_for: ReservedFor::default(),
            },
            VoucherState {
                voucher_id: "gone".into(),
                expires_on: day("2026-11-01"),
                available: 500,
                reserved: 0,
                reserved_for: ReservedFor::default(),
            },
        ];
        let today = day("2026-11-27");
        let cases: Vec<(i64, Result<Vec<(&str, i64)>, i64>)> = vec![
            (30, Ok(vec![("soon", 30)])),
            (60, Ok(vec![("soon", 60)])),
            (90, Ok(vec![("soon", 60), ("late", 30)])),
            (360, Ok(vec![("soon", 60), ("late", 300)])),
            (361, Err(360)),
            (0, Err(360)),
        ];
        for (minutes, expected) in cases {
            let got = plan_draw(&states, minutes, today)
                .map(|p| p.into_iter().map(|(v, m)| (v, m)).collect::<Vec<_>>())
                .map_err(|s| s.available);
            let expected = expected.map(|p| p.into_iter().map(|(v, m)| (v.to_string(), m)).collect::<Vec<_>>());
            assert_eq!(got, expected, "{minutes}");
        }
    }

    #[test]
    fn balances_ignore_expired_vouchers_and_flag_what_expires_soon() {
        let vouchers = vec![
            ("a".to_string(), day("2026-12-10")),
            ("b".to_string(), day("2027-06-30")),
            ("old".to_string(), day("2026-11-26")),
        ];
        let entries = vec![
            entry("a", EntryKind::Issue, 600),
            entry("a", EntryKind::Redeem, 100),
            entry("a", EntryKind::Reserve, 50),
            entry("b", EntryKind::Issue, 300),
            entry("old", EntryKind::Issue, 999),
        ];
        let states = voucher_states(&vouchers, &entries);
        let b = balance(&states, day("2026-11-27"));
        assert_eq!(
            b,
            Balance {
                available_minutes: 750,
                reserved_minutes: 50,
                reserved_for: ReservedFor { after_hours: 50, macs: 0 },
                expiring_soon_minutes: 450,
                next_expiry_on: Some(day("2026-12-10"))
            }
        );
        assert_eq!(plan_expiry(&states, day("2026-11-27")), vec![("old".to_string(), 999)]);
    }

    #[test]
    fn releases_return_to_the_vouchers_held() {
        let held = vec![("a".to_string(), 30), ("b".to_string(), 50)];
        assert_eq!(plan_release(&held, 60), vec![("a".to_string(), 30), ("b".to_string(), 30)]);
        assert_eq!(plan_release(&held, 0), vec![]);
    }

    #[test]
    fn forecasts_at_the_recent_pace() {
        let today = day("2026-11-27");
        assert_eq!(runs_out_on(900, 900, today), Some(day("2027-02-25")));
        assert_eq!(runs_out_on(900, 0, today), None);
        assert_eq!(runs_out_on(0, 100, today), None);
    }

    #[test]
    fn running_low_is_under_ten_hours() {
        for (available, low) in [(0, true), (599, true), (600, false), (6000, false)] {
            assert_eq!(is_running_low(available), low, "{available}");
        }
    }

    #[test]
    fn minutes_must_be_whole_and_positive() {
        for (m, ok) in [(0, false), (1, true), (60_000, true), (60_001, false), (-1, false)] {
            assert_eq!(parse_minutes(m).is_ok(), ok, "{m}");
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Issue(i64, u64),
        Reserve(i64),
        Release(i64),
        Redeem(i64),
        Refund(i64),
        Expire,
        PassDays(u64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (1i64..500, 0u64..60).prop_map(|(m, d)| Op::Issue(m, d)),
            (1i64..400).prop_map(Op::Reserve),
            (1i64..400).prop_map(Op::Release),
            (1i64..400).prop_map(Op::Redeem),
            (1i64..400).prop_map(Op::Refund),
            Just(Op::Expire),
            (1u64..20).prop_map(Op::PassDays),
        ]
    }

    proptest! {
        /// The ledger against a simple model: whatever the order of operations, no voucher goes
        /// below zero, the sums agree with the model, and refusals change nothing.
        #[test]
        fn the_ledger_agrees_with_a_simple_model(ops in prop::collection::vec(op(), 1..60)) {
            let mut today = day("2026-01-01");
            let mut vouchers: Vec<(String, NaiveDate)> = Vec::new();
            let mut entries: Vec<Entry> = Vec::new();
            // The model: the total spendable and reserved, and the redeemed amounts a refund may return.
            let mut reserved_by: Vec<(String, i64)> = Vec::new();
            let mut redeemed: Vec<(String, i64)> = Vec::new();
            for op in ops {
                let states = voucher_states(&vouchers, &entries);
                let before = balance(&states, today);
                match op {
                    Op::Issue(m, days) => {
                        let id = format!("v{}", vouchers.len());
                        vouchers.push((id.clone(), today + Days::new(days)));
                        entries.push(entry(&id, EntryKind::Issue, m));
                        prop_assert_eq!(balance(&voucher_states(&vouchers, &entries), today).available_minutes, before.available_minutes + m);
                    }
                    Op::Reserve(m) | Op::Redeem(m) => {
                        let kind = if matches!(op, Op::Reserve(_)) { EntryKind::Reserve } else { EntryKind::Redeem };
                        match plan_draw(&states, m, today) {
                            Ok(plan) => {
                                prop_assert_eq!(plan.iter().map(|(_, x)| x).sum::<i64>(), m);
                                let purpose = (kind == EntryKind::Reserve).then_some(Purpose::AfterHours);
                                let predicted = states_after(&states, kind, purpose, &plan);
                                for (v, x) in plan {
                                    entries.push(entry(&v, kind, x));
                                    if kind == EntryKind::Reserve { reserved_by.push((v, x)); } else { redeemed.push((v, x)); }
                                }
                                // Folding the new entries in agrees with applying the plan.
                                prop_assert_eq!(&predicted, &voucher_states(&vouchers, &entries));
                                let now = balance(&predicted, today);
                                prop_assert_eq!(now.available_minutes, before.available_minutes - m);
                            }
                            Err(short) => prop_assert!(short.available < m),
                        }
                    }
                    Op::Release(m) => {
                        for (v, x) in plan_release(&reserved_by, m) {
                            entries.push(entry(&v, EntryKind::Release, x));
                            if let Some(slot) = reserved_by.iter_mut().find(|(id, held)| *id == v && *held >= x) { slot.1 -= x; }
                        }
                        reserved_by.retain(|(_, held)| *held > 0);
                    }
                    Op::Refund(m) => {
                        if let Some(slot) = redeemed.iter_mut().find(|(_, x)| *x >= m) {
                            entries.push(entry(&slot.0, EntryKind::Refund, m));
                            slot.1 -= m;
                        }
                    }
                    Op::Expire => {
                        for (v, x) in plan_expiry(&states, today) {
                            entries.push(entry(&v, EntryKind::Expire, x));
                        }
                    }
                    Op::PassDays(d) => today = today + Days::new(d),
                }
                let states = voucher_states(&vouchers, &entries);
                for s in &states {
                    prop_assert!(s.available >= 0, "voucher {} below zero: {:?}", s.voucher_id, s);
                    prop_assert!(s.reserved >= 0, "voucher {} reserved below zero: {:?}", s.voucher_id, s);
                }
                // The balance is the sum of the ledger over usable vouchers, nothing else.
                let b = balance(&states, today);
                let summed: i64 = states.iter().filter(|s| s.usable_on(today)).map(|s| s.available).sum();
                prop_assert_eq!(b.available_minutes, summed);
                prop_assert!(b.available_minutes >= 0 && b.expiring_soon_minutes <= b.available_minutes);
            }
        }
    }
    #[test]
    fn a_statement_moves_the_opening_to_the_closing() {
        use EntryKind as K;
        let cases: [(&[(EntryKind, i64)], &[(EntryKind, i64)], Standing); 4] = [
            (&[], &[(K::Issue, 600)], Standing { available: 600, reserved: 0 }),
            (
                &[(K::Issue, 600)],
                &[(K::Redeem, 90), (K::Refund, 90), (K::Redeem, 30)],
                Standing { available: 570, reserved: 0 },
            ),
            (
                &[(K::Issue, 600), (K::Reserve, 120)],
                &[(K::Release, 120), (K::Redeem, 100)],
                Standing { available: 500, reserved: 0 },
            ),
            (&[(K::Issue, 300)], &[(K::Reserve, 60), (K::Expire, 240)], Standing { available: 0, reserved: 60 }),
        ];
        for (before, during, closing) in cases {
            let got = movements(during).after(standing(before));
            assert_eq!(got, closing, "{before:?} then {during:?}");
            assert_eq!(got, standing(&[before, during].concat()), "the statement agrees with the ledger's fold");
        }
    }

    proptest::proptest! {
        /// However a ledger is cut into months, each month's statement closes where the next opens
        /// and the last closes on the balance the ledger folds to.
        #[test]
        fn statements_reconcile_with_the_ledger(
            entries in proptest::collection::vec((0usize..6, 1i64..500), 0..60),
            cuts in proptest::collection::vec(0usize..60, 0..5),
        ) {
            let entries: Vec<(EntryKind, i64)> = entries.into_iter().map(|(k, m)| (EntryKind::ALL[k], m)).collect();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(entries.len())).collect();
            cuts.push(entries.len());
            cuts.sort();
            let (mut opening, mut from) = (Standing::default(), 0);
            for cut in cuts {
                opening = movements(&entries[from..cut]).after(opening);
                proptest::prop_assert_eq!(opening, standing(&entries[..cut]));
                from = cut;
            }
            proptest::prop_assert_eq!(opening, standing(&entries));
        }
    }
}
