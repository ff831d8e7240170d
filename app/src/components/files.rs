//! Files: the list of a ticket's or a form's files, and the form that sends more. The form is a
//! multipart post to the page's own door: before the page's WASM has loaded, a plain form post
//! answered with a redirect; once hydrated, files can be dropped on it, and the page sends it
//! itself, asking for JSON, with a progress bar per file.

use crate::api::files::RemoveFile;
use crate::dto::AttachmentDto;
use leptos::prelude::*;

/// A size as people read it: KB up to a megabyte, then MB with one decimal.
pub fn file_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// Files, each a download link (the route decides inline or attachment, and who may have it);
/// with `remove` (staff), each with a button that removes it and comes `back` to the page.
#[component]
pub fn FileList(
    files: Vec<AttachmentDto>,
    #[prop(default = None)] remove: Option<ServerAction<RemoveFile>>,
    #[prop(optional, into)] back: String,
) -> impl IntoView {
    view! {
        <ul class="attachments">
            {files.into_iter().map(|f| {
                let (id, label, back) = (f.id.clone(), format!("Remove {}", f.file_name), back.clone());
                let removal = remove.map(move |remove| view! {
                    <ActionForm action=remove attr:class="inline">
                        <input type="hidden" name="attachment_id" value=id/>
                        <input type="hidden" name="back" value=back/>
                        <button type="submit" class="link small" aria-label=label>"Remove"</button>
                    </ActionForm>
                });
                view! {
                    <li data-file=f.file_name.clone()>
                        <a rel="external" href=format!("/api/v1/attachments/{}", f.id)>{f.file_name.clone()}</a>
                        <span class="muted small">" " {file_size(f.size)} " · " {f.uploaded_by_name.clone()}</span>
                        {removal}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// A file chosen for sending.
#[derive(Debug, Clone, PartialEq)]
struct Chosen {
    name: String,
    size: f64,
}

/// How far along each chosen file is, from the share of the whole body sent: the files go in
/// order, so a file is done once the bytes before it and its own have gone.
fn progress_of(sizes: &[f64], sent: f64) -> Vec<f64> {
    let total: f64 = sizes.iter().sum();
    let mut before = 0.0;
    sizes
        .iter()
        .map(|&size| {
            let done = ((sent * total - before) / size.max(1.0)).clamp(0.0, 1.0);
            before += size;
            done
        })
        .collect()
}

/// The upload form, posted to the page's door `action`: as a plain form before hydration (the
/// answer is a redirect), by the hydrated page itself asking for JSON after. `children` are the
/// form's other fields, sent with the files.
#[component]
pub fn FileDrop(action: String, label: &'static str, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    let input: NodeRef<leptos::html::Input> = NodeRef::new();
    let chosen = RwSignal::new(Vec::<Chosen>::new());
    // The share of the body sent, while sending.
    let sent = RwSignal::new(None::<f64>);
    let refusal = RwSignal::new(None::<String>);
    let over = RwSignal::new(false);
    let pick = move || browser::read_chosen(input, chosen);
    view! {
        <form
            class="form files"
            method="post"
            enctype="multipart/form-data"
            action=action
            on:submit=move |ev| browser::send(ev, sent, refusal)
        >
            {children.map(|c| c())}
            <label
                class="drop-zone"
                class:over=move || over.get()
                on:dragover=move |ev| {
                    ev.prevent_default();
                    over.set(true);
                }
                on:dragleave=move |_| over.set(false)
                on:drop=move |ev| {
                    over.set(false);
                    browser::take_dropped(ev, input);
                    pick();
                }
            >
                {label}
                <span class="muted small">" Drop files here or choose them."</span>
                <input type="file" name="file" multiple required node_ref=input on:change=move |_| pick()/>
            </label>
            <ul class="chosen">
                {move || {
                    let files = chosen.get();
                    let sizes: Vec<f64> = files.iter().map(|c| c.size).collect();
                    let done = sent.get().map(|s| progress_of(&sizes, s));
                    files.into_iter().enumerate().map(|(i, c)| {
                        let percent = done.as_ref().map(|d| (d[i] * 100.0).round());
                        view! {
                            <li data-chosen=c.name.clone()>
                                {c.name.clone()} " " <span class="muted small">{file_size(c.size as i64)}</span>
                                {percent.map(|p| view! {
                                    <progress max="100" value=p aria-label="Sent">{format!("{p}%")}</progress>
                                })}
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
            {move || refusal.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <button type="submit" class="button" disabled=move || sent.get().is_some()>
                {move || if sent.get().is_some() { "Sending…" } else { "Attach" }}
            </button>
        </form>
    }
}

/// What the browser does once the page is hydrated; on the server these are never called.
#[cfg(feature = "hydrate")]
mod browser {
    use super::Chosen;
    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast};

    pub fn read_chosen(input: NodeRef<leptos::html::Input>, chosen: RwSignal<Vec<Chosen>>) {
        let Some(files) = input.get_untracked().and_then(|el| el.files()) else { return };
        let list = (0..files.length())
            .filter_map(|i| files.get(i))
            .map(|f| Chosen { name: f.name(), size: f.size() })
            .collect();
        chosen.set(list);
    }

    /// Files dropped on the zone become the input's files, as if chosen.
    pub fn take_dropped(ev: leptos::ev::DragEvent, input: NodeRef<leptos::html::Input>) {
        ev.prevent_default();
        let (Some(files), Some(el)) = (ev.data_transfer().and_then(|d| d.files()), input.get_untracked()) else {
            return;
        };
        el.set_files(Some(&files));
    }

    /// Sends the form itself, asking for JSON, with progress; on success the page reloads with
    /// the files. Anything the browser cannot do leaves the plain form post to happen.
    pub fn send(ev: leptos::ev::SubmitEvent, sent: RwSignal<Option<f64>>, refusal: RwSignal<Option<String>>) {
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else { return };
        let (Ok(data), Ok(xhr)) = (web_sys::FormData::new_with_form(&form), web_sys::XmlHttpRequest::new()) else {
            return;
        };
        if xhr.open("POST", &form.action()).is_err() || xhr.set_request_header("Accept", "application/json").is_err() {
            return;
        }
        ev.prevent_default();
        refusal.set(None);
        sent.set(Some(0.0));
        let progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |p: web_sys::ProgressEvent| {
            if p.length_computable() && p.total() > 0.0 {
                sent.set(Some(p.loaded() / p.total()));
            }
        });
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
        }
        let answered = xhr.clone();
        let done = Closure::once_into_js(move || {
            drop(progress);
            let status = answered.status().unwrap_or(0);
            if (200..300).contains(&status) {
                let _ = window().location().reload();
                return;
            }
            sent.set(None);
            let body = answered.response_text().ok().flatten().unwrap_or_default();
            refusal.set(Some(super::refusal_of(status, &body)));
        });
        xhr.set_onloadend(Some(done.unchecked_ref()));
        if xhr.send_with_opt_form_data(Some(&data)).is_err() {
            sent.set(None);
            refusal.set(Some(super::refusal_of(0, "")));
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    use super::Chosen;
    use leptos::prelude::*;

    pub fn read_chosen(_: NodeRef<leptos::html::Input>, _: RwSignal<Vec<Chosen>>) {}
    pub fn take_dropped(_: leptos::ev::DragEvent, _: NodeRef<leptos::html::Input>) {}
    pub fn send(_: leptos::ev::SubmitEvent, _: RwSignal<Option<f64>>, _: RwSignal<Option<String>>) {}
}

/// The sentence for a refused upload: the API's own message (API.md's error shape), or what
/// the status says when the answer carries none.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn refusal_of(status: u16, body: &str) -> String {
    let message = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.pointer("/error/message").and_then(|m| m.as_str()).map(str::to_string));
    match (message, status) {
        (Some(message), _) => message,
        (None, 0) => "The files did not reach the portal; check the connection and send them again.".into(),
        (None, 413) => "The upload is too large: at most 20 files of 25 MB each.".into(),
        (None, status) => format!("The portal could not take the files (status {status}); send them again."),
    }
}

#[cfg(test)]
mod tests {
    use super::{progress_of, refusal_of};

    #[test]
    fn each_file_fills_its_bar_in_the_order_sent() {
        let cases: [(&[f64], f64, &[f64]); 5] = [
            (&[100.0, 300.0], 0.0, &[0.0, 0.0]),
            (&[100.0, 300.0], 0.125, &[0.5, 0.0]),
            (&[100.0, 300.0], 0.25, &[1.0, 0.0]),
            (&[100.0, 300.0], 0.625, &[1.0, 0.5]),
            (&[100.0, 0.0, 300.0], 1.0, &[1.0, 1.0, 1.0]),
        ];
        for (sizes, sent, expected) in cases {
            assert_eq!(progress_of(sizes, sent), expected, "{sizes:?} at {sent}");
        }
    }

    #[test]
    fn a_refusal_says_what_the_portal_said() {
        let said = r#"{"error":{"code":"file_too_large","message":"A file may be at most 25 MB."}}"#;
        assert_eq!(refusal_of(413, said), "A file may be at most 25 MB.");
        assert!(refusal_of(413, "").contains("too large"));
        assert!(refusal_of(0, "").contains("did not reach"));
        assert!(refusal_of(502, "<html>").contains("status 502"));
    }
}
