//! Keyboard use of custom controls, the way assistive technology expects it.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

/// Arrow keys in a `role="radiogroup"` of `role="radio"` buttons: move to the next or previous
/// choice and choose it (the WAI-ARIA radio group pattern). The group is one Tab stop: only the
/// chosen radio (or the first, when none is) has `tabindex="0"`.
pub fn radio_group_keys(ev: KeyboardEvent) {
    let step: i32 = match ev.key().as_str() {
        "ArrowDown" | "ArrowRight" => 1,
        "ArrowUp" | "ArrowLeft" => -1,
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
    let next = match at {
        Some(i) => (i as i32 + step).rem_euclid(radios.len() as i32) as usize,
        None => 0,
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
