//! The browser entry point: hydrate the server-rendered page, nothing else.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // What `leptos::mount::hydrate_lazy` does, and then the page says it is hydrated.
    _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        // Pages other than sign-in load their own WASM chunks (`--split`): see `app::lazy_page!`.
        let app = leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), app::App).await;
        app.forget();
        // Views waiting on data already in the page finish on the next tick.
        leptos::task::tick().await;
        mark_hydrated();
    });
}

/// `<html data-hydrated>`: the page, its own chunk included, is live. The browser journeys
/// (end2end) wait for it before they act, so they drive the live page, as people mostly do. Set
/// by an effect of `App` before (session 33), it came as soon as the main module had hydrated,
/// 0.3 to 1 s before a page's own chunk had even arrived: text typed into the server's reply box
/// then was cleared when the chunk hydrated it.
fn mark_hydrated() {
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
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
