//! The browser entry point: hydrate the server-rendered page, nothing else.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Pages other than sign-in load their own WASM chunks (`--split`): see `app::lazy_page!`.
    leptos::mount::hydrate_lazy(app::App);
}
