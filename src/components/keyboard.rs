//! Keyboard use of custom controls, the way assistive technology expects it.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

/// Arrow keys in a `role="radiogroup"` of `role="radio"` buttons: move to the next or previous
/// choice (Home, End: the first, the last) and choose it (the WAI-ARIA radio group pattern). The group is one Tab stop: only the
/// chosen radio (or the first, when none is) has `tabindex="0"`.
pub fn radio_group_keys(ev: KeyboardEvent) {
    // Alt+Left is the browser's Back; a modified arrow is not for the group.
    if ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
        return;
    }
    enum To {
        Step(i32),
        First,
        Last,
    }
    let to = match ev.key().as_str() {
        "ArrowDown" | "ArrowRight" => To::Step(1),
        "ArrowUp" | "ArrowLeft" => To::Step(-1),
        "Home" => To::First,
        "End" => To::Last,
        _ => return,
    };
    let Some(group) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    let Ok(radios) = group.query_selector_all("[role=radio]") else { return };
    let radios: Vec<HtmlElement> =
        (0..radios.length()).filter_map(|i| radios.item(i)?.dyn_into::<HtmlElement>().ok()).collect();
    if radios.is_empty() {
        return;
    }
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let at = radios.iter().position(|r| active.as_ref().is_some_and(|a| a == r.as_ref() as &web_sys::Element));
    let next = match (to, at) {
        (To::First, _) | (To::Step(_), None) => 0,
        (To::Last, _) => radios.len() - 1,
        (To::Step(step), Some(i)) => (i as i32 + step).rem_euclid(radios.len() as i32) as usize,
    };
    ev.prevent_default();
    let _ = radios[next].focus();
    radios[next].click();
}

/// Moves the keyboard (and a screen reader's attention) to a screen just shown: its field marked
/// `autofocus`, else its heading. Browsers honour `autofocus` only once per page, so a step of
/// the kiosk that replaces another would otherwise leave focus nowhere.
pub fn focus_screen(container_selector: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let target = document
        .query_selector(&format!("{container_selector} [autofocus]"))
        .ok()
        .flatten()
        .or_else(|| document.query_selector(&format!("{container_selector} h1")).ok().flatten());
    if let Some(el) = target.and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
        let _ = el.focus();
    }
}
