//! The browser entry point: hydrate the server-rendered page, nothing else.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Pages other than sign-in load their own WASM chunks (`--split`): see `app::lazy_page!`.
    leptos::mount::hydrate_lazy(app::App);
}

/// Room for the WASM splitter to move each page's constants into the page's own chunk.
///
/// cargo-leptos's splitter (`wasm_split_cli_support`) lays the read-only data out again, each
/// module's constants together, every module starting on the segment's alignment; when that
/// padding makes the segment longer than the linker's, it gives up and leaves all the data (every
/// page's strings and tables) in the main module, the one every first visit downloads. Nothing
/// reads these bytes, so no module includes them and none of them is emitted: they only make the
/// linker's segment long enough. `#[used]` keeps them through the linker on WebAssembly; they are
/// not zero, so they sit in `.rodata` and not in `.bss`. `docs/benchmarks.md` (session 27) has the
/// measurement.
#[cfg(target_arch = "wasm32")]
#[used]
static SPLIT_SLACK: [u8; 16384] = [0xA5; 16384];
