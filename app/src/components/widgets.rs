//! Small presentational pieces: banners, badges, field messages.

use crate::domain::billing::BillingTag;
use crate::domain::tickets::{Priority, TicketStatus};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ErrorBanner(error: AppError) -> impl IntoView {
    view! { <div class="banner error" role="alert">{error.message}</div> }
}

/// The refusal a plain (not yet hydrated) form post came back with: its code in `?error=`, its
/// sentence in the flash cookie the server set (read while the page renders on the server and
/// handed to the browser with the page). Text in the address is never shown: a code without the
/// cookie's sentence reads as our own sentence for it (`error::sentence_for_code`).
#[component]
pub fn QueryError() -> impl IntoView {
    let query = use_query_map();
    let flash = leptos::prelude::SharedValue::new(flash_of_request).into_inner();
    move || {
        query.read().get("error").map(|code| {
            let sentence = match &flash {
                Some((flashed, sentence)) if *flashed == code => sentence.clone(),
                _ => crate::error::sentence_for_code(&code).to_string(),
            };
            view! { <div class="banner error" role="alert">{sentence}</div> }
        })
    }
}

/// The flash cookie's refusal, on the server; in the browser the page brings it.
fn flash_of_request() -> Option<(String, String)> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().and_then(|parts| crate::ssr::auth::flash_from_headers(&parts.headers))
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// A confirmation a plain form post came back with (`?KEY=1` in the address).
#[component]
pub fn QueryNote(key: &'static str, text: &'static str) -> impl IntoView {
    let query = use_query_map();
    move || query.read().get(key).map(|_| view! { <div class="banner ok" role="status">{text}</div> })
}

/// The latest result of an action: its error as a banner.
#[component]
pub fn ActionError<T, S>(value: S) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    move || match value.get() {
        Some(Err(e)) => Some(view! { <ErrorBanner error=e/> }),
        _ => None,
    }
}

/// The message for one field from the latest result of an action, shown under its input.
pub fn field_message<T, S>(value: S, field: &'static str) -> impl Fn() -> Option<AnyView> + Send + Sync + 'static
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    move || {
        value
            .get()
            .and_then(|r| r.err())
            .and_then(|e| e.field(field))
            .map(|m| view! { <span class="field-error">{m}</span> }.into_any())
    }
}

#[component]
pub fn BillingBadge(tag: BillingTag) -> impl IntoView {
    view! { <span class=format!("badge billing-{}", tag.as_str())>{tag.label()}</span> }
}

#[component]
pub fn StatusChip(status: TicketStatus) -> impl IntoView {
    view! { <span class=format!("chip status-{}", status.as_str())>{status.label()}</span> }
}

#[component]
pub fn PriorityChip(priority: Priority) -> impl IntoView {
    view! { <span class=format!("chip priority-{}", priority.as_str())>{priority.as_str().to_uppercase()}</span> }
}

/// The time zone the signed-in person reads times in (their profile's choice), set by the page
/// guard once it knows who they are; none: UTC.
#[derive(Clone, Copy)]
pub struct DisplayZone(pub RwSignal<Option<chrono_tz::Tz>>);

impl DisplayZone {
    pub fn provide() {
        provide_context(DisplayZone(RwSignal::new(None)));
    }

    /// The person's zone from now on (their profile's, when it is one the portal knows).
    pub fn set(zone: Option<&str>) {
        if let Some(DisplayZone(current)) = use_context::<DisplayZone>() {
            let zone = zone.and_then(|z| crate::domain::calendar::parse_time_zone(z).ok());
            if current.get_untracked() != zone {
                current.set(zone);
            }
        }
    }
}

/// A timestamp as a short, unambiguous date and time, in the reader's time zone (named, so it
/// is never mistaken), else UTC.
pub fn short_time(at: chrono::DateTime<chrono::Utc>) -> String {
    match use_context::<DisplayZone>().and_then(|z| z.0.get_untracked()) {
        Some(zone) => at.with_timezone(&zone).format("%-d %b %Y, %H:%M %Z").to_string(),
        None => at.format("%-d %b %Y, %H:%M UTC").to_string(),
    }
}

/// Links to the pages before and after this one, keeping the rest of the address's query (the
/// filters), so a view can be bookmarked and shared page by page.
#[component]
pub fn Pager(path: &'static str, page: u64, has_next: bool) -> impl IntoView {
    let query = use_query_map();
    let link = move |to: u64| {
        let mut q = query.get_untracked();
        q.remove("error");
        q.replace("page", to.to_string());
        format!("{path}{}", q.to_query_string())
    };
    let (previous, next) = ((page > 1).then(|| link(page - 1)), has_next.then(|| link(page + 1)));
    (previous.is_some() || next.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                {previous.map(|href| view! { <a href=href rel="prev">"← Previous"</a> })}
                <span class="muted small">{format!("Page {page}")}</span>
                {next.map(|href| view! { <a href=href rel="next">"Next →"</a> })}
            </nav>
        }
    })
}

/// A filter's choice in a list page's GET form: labelled, its options as (value, text), the one
/// in the address chosen. `any` is the first option, meaning no filter (value empty); without
/// it the first of `options` stands for the default.
#[component]
pub fn QuerySelect(
    label: &'static str,
    name: &'static str,
    #[prop(optional)] any: Option<&'static str>,
    options: Vec<(String, String)>,
) -> impl IntoView {
    let current = use_query_map().read_untracked().get(name).unwrap_or_default();
    view! {
        <label>{label}
            <select name=name>
                {any.map(|text| view! { <option value="">{text}</option> })}
                {options.into_iter().map(|(value, text)| {
                    let selected = value == current;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}
