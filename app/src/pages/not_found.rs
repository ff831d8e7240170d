use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for unknown paths and for things that are not the viewer's to see; answers 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found"/>
        <section class="card narrow center">
            <h1>"Page not found"</h1>
            <p class="muted">"There is nothing here, or it is not yours to see."</p>
            <a class="button" href="/">"Back to the start"</a>
        </section>
    }
}
