//! Phase 6: the statement entries in statement order — the balance chain
//! (BALANCE_BREAK), each entry's kind (FAMILY_SHARING, ACCOUNT_CLEARED,
//! ENTRY_UNCLASSIFIED), the credits pairing left over (DUPLICATE_CREDIT,
//! CREDIT_UNEXPECTED) — and the balance bridge they add up to.

use super::Person;
use crate::money::Money;
use crate::reconcile::findings::{Code, Severity};
use crate::reconcile::pairing::CreditState;
use crate::reconcile::{Bridge, month_of, yuan};
use crate::records::EntryKind;

impl Person<'_> {
    /// Walks the statement; `credit_state` says what became of each credit.
    pub(crate) fn statement_entries(&mut self, credit_state: &[CreditState]) -> Bridge {
        let mut bridge = Bridge::default();
        let mut running: Option<Money> = None;
        let mut carry = Money::ZERO;
        for (i, &state) in credit_state.iter().enumerate() {
            let e = self.entries[i];
            let month = month_of(e.at.date());
            // The texts a finding shows, made only for one: an entry has a finding rarely,
            // and making them for each of millions of entries was a tenth of reconciling.
            let date = || e.at.date().to_string();
            if i == 0 {
                bridge.opening = e.balance.map_or(Money::ZERO, |b| b - e.amount);
                running = Some(bridge.opening);
            }
            let expected_balance = running.map(|r| r + e.amount);
            if let (Some(stated), Some(expected)) = (e.balance, expected_balance)
                && (stated - expected).abs() > Money::ZERO
            {
                self.finding(
                    Code::BalanceBreak,
                    Some(month),
                    None,
                    (Some(expected), Some(stated)),
                    &[("date", date())],
                );
            }
            running = e.balance.or(expected_balance);
            let entry_args = || {
                [
                    ("date", date()),
                    ("amount", yuan(e.amount.abs())),
                    ("kind", e.kind_text.to_string()),
                ]
            };
            match self.kinds[i] {
                EntryKind::Credit => bridge.credits += e.amount,
                EntryKind::Spending => bridge.spending -= e.amount,
                EntryKind::Family => {
                    bridge.family_sharing -= e.amount;
                    let who = e.beneficiary.as_deref().unwrap_or("").to_string();
                    let unauthorised = !self.facts.family.is_empty()
                        && !who.is_empty()
                        && !self.facts.family.iter().any(|f| f == &who);
                    let severity = if unauthorised {
                        Severity::Warning
                    } else {
                        Severity::Info
                    };
                    // Without a beneficiary the message says the statement names none
                    // (it said "for -.").
                    let mut args = entry_args().to_vec();
                    if !who.is_empty() {
                        args.push(("who", who));
                    }
                    self.finding_with(
                        Code::FamilySharing,
                        severity,
                        Some(month),
                        None,
                        (None, Some(-e.amount)),
                        &args,
                    );
                }
                EntryKind::Clearing | EntryKind::TransferOut => {
                    bridge.clearing_transfers -= e.amount;
                    if e.amount < Money::ZERO {
                        self.finding(
                            Code::AccountCleared,
                            Some(month),
                            None,
                            (None, Some(-e.amount)),
                            &entry_args(),
                        );
                    }
                }
                EntryKind::TransferIn => bridge.clearing_transfers -= e.amount,
                EntryKind::Interest | EntryKind::Adjustment => {
                    bridge.interest_adjustments += e.amount
                }
                EntryKind::CarryOver => carry += e.amount,
                EntryKind::Unclassified => {
                    bridge.unclassified += e.amount;
                    self.finding(
                        Code::EntryUnclassified,
                        Some(month),
                        None,
                        (None, Some(e.amount)),
                        &[
                            ("date", date()),
                            ("amount", yuan(e.amount)),
                            ("kind", e.kind_text.to_string()),
                        ],
                    );
                }
            }
            match state {
                CreditState::Duplicate => self.finding(
                    Code::DuplicateCredit,
                    Some(month),
                    None,
                    (None, Some(e.amount)),
                    &entry_args(),
                ),
                CreditState::Unexpected => self.finding(
                    Code::CreditUnexpected,
                    Some(month),
                    None,
                    (None, Some(e.amount)),
                    &entry_args(),
                ),
                _ => {}
            }
        }
        // Carry-overs (206 out, 113 in) are internal when they net to zero.
        bridge.interest_adjustments += carry;
        bridge.closing = bridge.opening + bridge.credits
            - bridge.spending
            - bridge.family_sharing
            - bridge.clearing_transfers
            + bridge.interest_adjustments
            + bridge.unclassified;
        bridge
    }
}
