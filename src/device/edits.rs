//! What pages call to follow documents and to change them: every change goes through the
//! device core, which saves it, then shows it, then sends it.

use std::rc::Rc;

use automerge::AutoCommit;
use frontdesk_core::device::Effect;
use frontdesk_core::replica::DocEdit;
use futures::channel::oneshot;
use leptos::task::spawn_local;

use super::Device;
use crate::platform::now_ms;

impl Device {
    /// An actor of this device for a change made outside its documents (a check-in, a punch, a
    /// hand-over of keys): bound to its key, so other devices take it as this device's.
    pub fn actor(&self) -> [u8; 16] {
        self.core.borrow().actor(crate::platform::random_bytes())
    }

    /// The tag this device's actors start with (its key's).
    pub fn tag(&self) -> [u8; frontdesk_core::authorship::TAG_LEN] {
        self.core.borrow().tag()
    }

    /// Whether `doc` holds everything the relay had of it when this connection subscribed.
    pub fn caught_up(&self, doc: &str) -> bool {
        self.core.borrow().caught_up(doc)
    }

    /// Starts following more documents (a calendar day browsed to), with what storage holds of them.
    pub async fn follow(self: &Rc<Self>, names: Vec<String>) {
        let new = self.core.borrow().to_load(&names);
        if new.is_empty() {
            return;
        }
        let stored = self.store.load_docs(&new, &[]).await.unwrap_or_else(|err| {
            leptos::logging::warn!("could not read stored documents: {err}");
            Vec::new()
        });
        let effects = self.core.borrow_mut().follow(new, stored);
        self.run(effects);
    }

    /// Starts watching for documents under `prefix` (a manager's time clocks).
    pub async fn watch(self: &Rc<Self>, prefix: String) {
        if self.core.borrow().is_watching(&prefix) {
            return;
        }
        let stored = self.store.load_docs(&[], std::slice::from_ref(&prefix)).await.unwrap_or_default();
        let effects = self.core.borrow_mut().watch(prefix, stored);
        self.run(effects);
    }

    /// Makes a local change: saved durably, then shown, then sent.
    pub async fn change(
        self: &Rc<Self>,
        doc: &str,
        edit: impl FnOnce(&mut AutoCommit) -> Result<(), String> + 'static,
    ) -> Result<(), String> {
        self.change_all(vec![(doc.to_owned(), Box::new(edit))]).await
    }

    /// [`Device::change`] from a click handler: `done` gets the outcome (a failure is also logged,
    /// with `what` was being saved).
    pub fn change_soon(
        self: &Rc<Self>,
        doc: String,
        what: &'static str,
        edit: impl FnOnce(&mut AutoCommit) -> Result<(), String> + 'static,
        done: impl FnOnce(Result<(), String>) + 'static,
    ) {
        self.change_all_soon(vec![(doc, Box::new(edit))], what, done);
    }

    /// Changes several documents as one (an order and the stock it takes): on disk together or
    /// not at all. If any edit fails, none is kept. `done` gets the outcome.
    pub fn change_all_soon(
        self: &Rc<Self>,
        edits: Vec<(String, DocEdit)>,
        what: &'static str,
        done: impl FnOnce(Result<(), String>) + 'static,
    ) {
        let device = self.clone();
        spawn_local(async move {
            let result = device.change_all(edits).await;
            if let Err(err) = &result {
                leptos::logging::error!("saving {what} failed: {err}");
            }
            done(result);
        });
    }

    async fn change_all(self: &Rc<Self>, edits: Vec<(String, DocEdit)>) -> Result<(), String> {
        // A document not loaded yet is loaded first: a change must land on what storage holds,
        // never on an empty stand-in saved over it.
        self.follow(edits.iter().map(|(doc, _)| doc.clone()).collect()).await;
        let effects = self.core.borrow_mut().change_all(edits, js_sys::Date::now()).map_err(|e| e.to_string())?;
        let save = effects.iter().find_map(|e| if let Effect::Save { id, .. } = e { Some(*id) } else { None });
        let Some(save) = save else { return Ok(()) }; // the edits wrote nothing
        let (kept, wait) = oneshot::channel();
        self.waiting.borrow_mut().push((save, kept));
        self.run(effects);
        let _ = wait.await;
        Ok(())
    }

    /// Queues a chunk made outside any held document (a kiosk's check-in, a punch), which the
    /// screen confirms at once: it is written ahead to localStorage (synchronously, before this
    /// returns), then saved in IndexedDB's durable outbox, then sent.
    pub fn submit(self: &Rc<Self>, doc: &str, chunk: Vec<u8>) {
        let effects = self.core.borrow_mut().submit(doc, chunk, js_sys::Date::now());
        self.run(effects);
    }

    /// Who is making a change on this device, and when: the device's name at the relay, after
    /// the name of whoever is signed in on it ("Ana Ruiz (Front desk)").
    pub fn stamp(&self) -> frontdesk_core::schedule::Stamp {
        let device = self.settings.borrow().name.clone();
        let by = match &*self.person.borrow() {
            Some(person) => format!("{person} ({device})"),
            None => device,
        };
        frontdesk_core::schedule::Stamp { by, at_ms: now_ms() }
    }

    /// Who is making a change here, for a record's History: the person signed in, this device's
    /// id at the relay and its name.
    pub fn who(&self) -> frontdesk_core::history::Who {
        let settings = self.settings.borrow();
        frontdesk_core::history::Who {
            person: self.person.borrow().clone().unwrap_or_default(),
            device: settings.device.clone(),
            device_name: settings.name.clone(),
        }
    }

    /// `write` (of record `id` of `kind`) as an edit whose fields the record's History keeps,
    /// with who made it (`who`) and this device's clock now.
    pub fn logged<R, F>(
        &self,
        kind: frontdesk_core::history::Kind,
        id: &str,
        write: F,
    ) -> impl FnOnce(&mut AutoCommit) -> Result<R, String> + 'static + use<R, F>
    where
        F: FnOnce(&mut AutoCommit) -> Result<R, String> + 'static,
        R: 'static,
    {
        let (who, id, at_ms) = (self.who(), id.to_owned(), now_ms());
        move |doc| frontdesk_core::history::logged(doc, kind, &id, &who, at_ms, write)
    }
}
