//! The WebSocket to the relay, reporting what happens to it as the sync client's events.

use frontdesk_core::SyncEvent;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

/// An open (or opening) socket; dropping it detaches its handlers and closes it.
pub struct RelaySocket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl RelaySocket {
    /// Opens a binary socket to `url`; `on_event` hears `Opened`, each `Frame` and `Closed`.
    pub fn open(url: &str, on_event: impl Fn(SyncEvent) + Clone + 'static) -> Result<RelaySocket, SyncEvent> {
        let ws =
            WebSocket::new(url).map_err(|_| SyncEvent::Closed { code: 1006, reason: format!("cannot open {url}") })?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let event = on_event.clone();
        let on_open = Closure::<dyn FnMut()>::new(move || event(SyncEvent::Opened));
        let event = on_event.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            if let Ok(buffer) = message.data().dyn_into::<js_sys::ArrayBuffer>() {
                event(SyncEvent::Frame(js_sys::Uint8Array::new(&buffer).to_vec()));
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |closed: CloseEvent| {
            on_event(SyncEvent::Closed { code: closed.code(), reason: closed.reason() })
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(RelaySocket { ws, _on_open: on_open, _on_message: on_message, _on_close: on_close })
    }

    /// Sends a frame if the socket is open (the sync client resends what matters on reconnect).
    pub fn send(&self, frame: &[u8]) {
        if self.ws.ready_state() == WebSocket::OPEN {
            let _ = self.ws.send_with_u8_array(frame);
        }
    }
}

impl Drop for RelaySocket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

/// Sends `msg` on a socket of its own and returns the relay's answer (the challenge every
/// socket opens with is skipped); `None` if the relay cannot be reached or says nothing within
/// ten seconds. For pairing, which happens before the device has a key.
pub async fn ask(url: &str, msg: frontdesk_protocol::ClientMsg) -> Option<frontdesk_protocol::PairReply> {
    use std::cell::RefCell;
    use std::rc::Rc;
    let (tx, rx) = futures::channel::oneshot::channel::<Option<frontdesk_protocol::PairReply>>();
    let tx = Rc::new(RefCell::new(Some(tx)));
    let answer = tx.clone();
    let settle = move |reply| {
        if let Some(tx) = answer.borrow_mut().take() {
            let _ = tx.send(reply);
        }
    };
    let frame = msg.encode();
    let socket: Rc<RefCell<Option<RelaySocket>>> = Rc::default();
    let this = socket.clone();
    let challenged = Rc::new(std::cell::Cell::new(false));
    let on_event = {
        let settle = settle.clone();
        move |event| match event {
            SyncEvent::Opened => {
                if let Some(s) = this.borrow().as_ref() {
                    s.send(&frame)
                }
            }
            // The first frame is the challenge every socket opens with; the answer comes after.
            SyncEvent::Frame(bytes) => {
                if challenged.replace(true) {
                    settle(frontdesk_protocol::PairReply::decode(&bytes).ok());
                }
            }
            SyncEvent::Closed { .. } => settle(None),
            SyncEvent::Tick => {}
        }
    };
    *socket.borrow_mut() = Some(RelaySocket::open(url, on_event).ok()?);
    let timeout = gloo_timers::callback::Timeout::new(10_000, move || settle(None));
    let reply = rx.await.ok().flatten();
    drop(timeout);
    socket.borrow_mut().take();
    reply
}
