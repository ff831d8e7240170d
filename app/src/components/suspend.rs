//! Views that wait for their data: every page's `Suspense` children go through `once_loaded`.

use leptos::prelude::*;
use std::future::Future;

/// A view built when its data is here, and built once per server render.
///
/// Before rendering a `Suspense`, Leptos's server render walks its children ahead of time
/// (`dry_resolve`, more than once) and runs any `Suspend` that can finish right then; the
/// components it builds, and the resources they create, were then built two or three times,
/// depending on whether the data was already in. Resources are numbered in the order they are
/// created, and the browser, which builds each once while hydrating, read the wrong data for
/// them: the ticket page failed to hydrate about one load in five, and stayed a page of plain
/// forms. Here the future first yields once on the server, so a walk ahead of time never gets
/// far enough to build anything; the real render builds it once. In the browser nothing changes.
pub fn once_loaded<V, F>(view: F) -> Suspend<V>
where
    F: Future<Output = V> + Send + 'static,
    V: Send + 'static,
{
    Suspend::new(async move {
        #[cfg(feature = "ssr")]
        tokio::task::yield_now().await;
        view.await
    })
}
