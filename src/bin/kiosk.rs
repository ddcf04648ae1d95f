//! The lobby kiosk on its own, served at `/kiosk/`: without the desk's screens its download is
//! less than half of the desk's (see BENCHMARKS.md).

fn main() {
    console_error_panic_hook::set_once();
    frontdesk::app::register_service_worker();
    leptos::mount::mount_to_body(frontdesk::pages::kiosk::KioskPage);
}
