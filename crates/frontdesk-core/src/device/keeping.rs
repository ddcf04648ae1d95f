//! Retention on a device (#20): documents past the business's rules are forgotten here as the
//! relay forgets them, and a manager's device tells the relay the rules.
//!
//! The rules are read from the `site` document this device holds (written by managers only, and
//! signed like every chunk), never taken from the relay: a relay that says a document expired
//! (`ErrorCode::Expired`) makes a device forget it only if the business's own rules say so too,
//! so a relay cannot make tablets drop what they hold. A manager's device tells the relay only
//! once it holds everything the relay has of `site` on this connection: a tablet back from a week
//! offline never sends rules older than another manager's.

use chrono::NaiveDate;
use frontdesk_protocol::{ChunkId, ClientMsg, Role};

use super::{DeviceCore, Effect, Write};
use crate::doc_name::SITE;
use crate::retention::{self, Retention};

/// A day as the relay counts them: days since 1970-01-01, UTC. Compared at every tick without
/// a calendar (chrono's conversion stays out of the kiosk's download); a date only when the
/// rules are applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UtcDay(i64);

impl UtcDay {
    const MS: i64 = 86_400_000;

    /// The UTC day `ms` (milliseconds since the epoch) falls in.
    pub fn of_ms(ms: i64) -> UtcDay {
        UtcDay(ms.div_euclid(Self::MS))
    }

    /// Its date; `None` past chrono's range.
    pub fn date(self) -> Option<NaiveDate> {
        chrono::DateTime::from_timestamp_millis(self.0.checked_mul(Self::MS)?).map(|at| at.date_naive())
    }
}

impl DeviceCore {
    /// Whether [`DeviceCore::keep`] has something to do at this tick: this device holds all the
    /// relay has of `site` on this connection (rules a tablet kept while offline may be older and
    /// shorter than a manager's since: it forgets nothing on them, not even offline — its unsent
    /// changes would be lost to rules no longer in force), and a day has passed (UTC, as the
    /// relay counts) or `site` changed since the rules were last applied, or this manager's
    /// device has not considered telling the relay on this connection. Cheap, so the rest can
    /// live where the platform loads it when needed (a part of the desk's wasm of its own). The
    /// day to keep on, if so.
    pub fn keep_due(&mut self, now_ms: i64) -> Option<UtcDay> {
        if !self.client.caught_up(SITE) {
            return None;
        }
        let today = UtcDay::of_ms(now_ms);
        let tell = self.told.is_none() && self.client.role() == Some(Role::Manager);
        (tell || self.today != Some(today) || self.replica.heads(SITE) != self.kept_heads).then_some(today)
    }

    /// Applies the business's rules on `today` (UTC, as the relay counts): every document they
    /// make expired is forgotten — from memory, from storage (every stored name in an expired
    /// range, loaded or not), and its unsent changes with it — only while this device holds all the
    /// relay has of `site` ([`DeviceCore::keep_due`]). A manager's device tells the relay the
    /// rules when they changed.
    pub fn keep(&mut self, day: UtcDay) -> Vec<Effect> {
        let Some(today) = day.date() else { return Vec::new() };
        if !self.client.caught_up(SITE) {
            return Vec::new();
        }
        self.today = Some(day);
        self.kept_heads = self.replica.heads(SITE);
        let mut effects = Vec::new();
        if let Some(rules) = self.rules() {
            let doomed: Vec<String> = {
                let held = self.replica.names().map(str::to_owned);
                let unsent = self.client.outbox().map(|(_, doc)| doc.to_owned());
                // (A name in both is forgotten twice: the second time finds nothing.)
                held.chain(unsent).filter(|doc| rules.expired(doc, today)).collect()
            };
            let ranges = retention::expired_ranges(&rules, today);
            let mut writes: Vec<Write> =
                ranges.into_iter().map(|(first, last)| Write::ForgetDocs { first, last }).collect();
            self.forget_docs(&doomed, &mut writes, &mut effects);
            if !writes.is_empty() {
                effects.push(self.save(writes, Vec::new()));
            }
            if !doomed.is_empty() {
                effects.push(Effect::Changed);
            }
        }
        effects.extend(self.tell_rules());
        effects
    }

    /// Whether the business's rules, as this device holds them, make `doc` expired today (the
    /// last day [`DeviceCore::keep`] was told).
    fn expired(&mut self, doc: &str) -> bool {
        let Some(today) = self.today.and_then(UtcDay::date) else { return false };
        self.rules().is_some_and(|rules| rules.expired(doc, today))
    }

    /// The relay says `doc` expired: forgotten if the business's rules say so too; otherwise the
    /// relay's rules differ from the ones this device holds (a manager's change not arrived here
    /// yet, or a relay not to be trusted), and it is kept.
    pub fn relay_expired(&mut self, doc: &str) -> Vec<Effect> {
        if !self.expired(doc) {
            return vec![Effect::Warn(format!(
                "the relay says {doc} is past retention; this business's rules keep it"
            ))];
        }
        let mut writes = vec![Write::ForgetDocs { first: doc.to_owned(), last: doc.to_owned() }];
        let mut effects = Vec::new();
        self.forget_docs(&[doc.to_owned()], &mut writes, &mut effects);
        effects.push(self.save(writes, Vec::new()));
        effects.push(Effect::Changed);
        effects
    }

    /// Tells the relay the rules if this is a manager's device, online, holding all the relay has
    /// of `site`, and the rules are not what it considered on this connection.
    fn tell_rules(&mut self) -> Vec<Effect> {
        if self.client.role() != Some(Role::Manager) || !self.client.caught_up(SITE) {
            return Vec::new();
        }
        let rules = self.rules();
        if self.told.as_ref() == Some(&rules) {
            return Vec::new();
        }
        self.told = Some(rules.clone());
        let Some(retention) = rules else { return Vec::new() };
        match self.client.request(ClientMsg::SetRetention { retention }) {
            Some(sent) => self.run(sent),
            None => Vec::new(),
        }
    }

    /// The rules in the `site` document this device holds; `None` if it holds none.
    fn rules(&mut self) -> Option<Retention> {
        self.replica.get(SITE).and_then(retention::read)
    }

    /// Drops every trace of `docs` from memory; their unsent chunks go from the outbox (and from
    /// any written-ahead copy) with `writes`.
    fn forget_docs(&mut self, docs: &[String], writes: &mut Vec<Write>, effects: &mut Vec<Effect>) {
        for doc in docs {
            self.replica.remove(doc);
            self.dirty.remove(doc);
            self.receipts.retain(|(d, _)| d != doc);
            self.sealed_from.retain(|(d, _)| d != doc);
            self.arrivals.retain(|(d, _)| d != doc);
            self.gaps.remove(doc);
            let dropped: Vec<ChunkId> = self.client.drop_doc(doc);
            writes.extend(dropped.iter().map(|id| Write::OutboxDelete(*id)));
            effects.extend(dropped.iter().map(|id| Effect::ForgetWriteAhead(*id)));
            self.spilled.retain(|id| !dropped.contains(id));
            if !dropped.is_empty() {
                // Fewer changes wait to be sent: the badge counts again.
                effects.push(Effect::Status);
            }
            self.forgotten.extend(dropped);
        }
    }
}
