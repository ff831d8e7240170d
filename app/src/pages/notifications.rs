//! Notifications: what the portal told the signed-in person, marking it read, and which kinds
//! also come by e-mail. Admins also read the mail outbox here.

use crate::api::notifications::{
    inbound_messages, notifications_page, outbox_messages, MarkAllNotificationsRead, OpenNotification,
    SetMailPreference,
};
use crate::components::layout::{AuthActions, Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::{short_time, ActionError, ErrorBanner, QueryError};
use crate::domain::people::Role;
use crate::dto::{NotificationDto, PreferenceDto, UserDto};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    view! {
        <Title text="Notifications"/>
        <Guard need=Need::Active children=|user: UserDto| view! { <Notifications admin=user.role == Role::Admin/> }/>
    }
}

#[component]
fn Notifications(admin: bool) -> impl IntoView {
    let auth = AuthActions::get();
    let open = ServerAction::<OpenNotification>::new();
    let all_read = ServerAction::<MarkAllNotificationsRead>::new();
    let prefer = ServerAction::<SetMailPreference>::new();
    let data = Resource::new(
        move || (open.version().get(), all_read.version().get(), prefer.version().get()),
        |_| notifications_page(Some(1)),
    );
    // The bell follows what is read here.
    Effect::new(move |_| {
        let _ = (open.version().get(), all_read.version().get());
        auth.bell.update(|v| *v += 1);
    });
    view! {
        <section class="hero">
            <h1>"Notifications"</h1>
            <ActionForm action=all_read attr:class="inline">
                <button type="submit" class="button small">"Mark all read"</button>
            </ActionForm>
        </section>
        <QueryError/>
        <ActionError value=open.value()/>
        <ActionError value=prefer.value()/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match data.await {
                    Ok((list, prefs)) => view! {
                        <section class="card">
                            {if list.items.is_empty() {
                                view! { <p class="empty">"Nothing yet. Replies, status changes and approvals appear here."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="notifications">
                                        {list.items.into_iter().map(|n| view! { <Notice n open/> }).collect_view()}
                                    </ul>
                                }
                                .into_any()
                            }}
                        </section>
                        <Preferences items=prefs.items prefer/>
                    }
                    .into_any(),
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Transition>
        <Show when=move || admin>
            <Outbox/>
            <Inbound/>
        </Show>
    }
}

#[component]
fn Notice(n: NotificationDto, open: ServerAction<OpenNotification>) -> impl IntoView {
    let unread = n.read_at.is_none();
    view! {
        <li class=if unread { "notification unread" } else { "notification" } data-kind=n.kind.as_str()>
            <ActionForm action=open attr:class="inline">
                <input type="hidden" name="id" value=n.id.clone()/>
                <input type="hidden" name="link" value=n.link.clone().unwrap_or_default()/>
                <button type="submit" class="link title">{n.title.clone()}</button>
            </ActionForm>
            <span class="muted small">{short_time(n.created_at)} {unread.then_some(" · unread")}</span>
            <p class="body">{n.body.chars().take(300).collect::<String>()}</p>
        </li>
    }
}

#[component]
fn Preferences(items: Vec<PreferenceDto>, prefer: ServerAction<SetMailPreference>) -> impl IntoView {
    view! {
        <section class="card" id="preferences">
            <h2>"E-mail me about"</h2>
            <p class="muted small">"Everything is listed here in the portal; these choose what also comes by e-mail."</p>
            <table class="preferences">
                <tbody>
                    {items
                        .into_iter()
                        .map(|p| {
                            let turn = if p.mail { "off" } else { "on" };
                            view! {
                                <tr data-kind=p.kind.as_str()>
                                    <td>{p.label.clone()}</td>
                                    <td>{if p.mail { "E-mail on" } else { "E-mail off" }}</td>
                                    <td>
                                        {if p.essential {
                                            view! { <span class="muted small">"Always sent"</span> }.into_any()
                                        } else {
                                            view! {
                                                <ActionForm action=prefer attr:class="inline">
                                                    <input type="hidden" name="kind" value=p.kind.as_str()/>
                                                    <input type="hidden" name="mail" value=turn/>
                                                    <button type="submit" class="button small">{format!("Turn e-mail {turn}")}</button>
                                                </ActionForm>
                                            }
                                            .into_any()
                                        }}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// What the portal sent or tried to send (admins): failures stay here with their last error.
#[component]
fn Outbox() -> impl IntoView {
    let messages = Resource::new(|| (), |_| outbox_messages(None));
    view! {
        <section class="card" id="outbox">
            <h2>"Mail outbox"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || once_loaded(async move {
                    match messages.await {
                        Ok(page) if page.items.is_empty() => view! { <p class="empty">"No mail yet."</p> }.into_any(),
                        Ok(page) => view! {
                            <table class="outbox">
                                <thead><tr><th>"Created"</th><th>"To"</th><th>"Subject"</th><th>"Status"</th><th>"Tries"</th><th>"Last error"</th></tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|m| {
                                        let class = format!("mail-{}", m.status);
                                        view! {
                                        <tr class=class>
                                            <td>{short_time(m.created_at)}</td>
                                            <td>{m.to_address}</td>
                                            <td>{m.title}</td>
                                            <td>{m.status}</td>
                                            <td>{m.attempts}</td>
                                            <td class="small">{m.last_error.unwrap_or_default()}</td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                        }
                        .into_any(),
                        Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// What came in by e-mail (admins): each message, what it became, and why one was refused.
#[component]
fn Inbound() -> impl IntoView {
    let messages = Resource::new(|| (), |_| inbound_messages());
    view! {
        <section class="card" id="inbound">
            <h2>"Mail received"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || once_loaded(async move {
                    match messages.await {
                        Ok(page) if page.items.is_empty() => view! { <p class="empty">"No mail received yet."</p> }.into_any(),
                        Ok(page) => view! {
                            <table class="outbox">
                                <thead><tr><th>"Received"</th><th>"From"</th><th>"Subject"</th><th>"Became"</th><th>"Why"</th></tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|m| {
                                        let class = format!("mail-{}", m.outcome);
                                        let became = match m.ticket_id {
                                            Some(id) => view! { <a href=format!("/tickets/{id}")>{m.outcome.replace('_', " ")}</a> }.into_any(),
                                            None => m.outcome.replace('_', " ").into_any(),
                                        };
                                        view! {
                                            <tr class=class>
                                                <td>{short_time(m.created_at)}</td>
                                                <td>{m.from_address}</td>
                                                <td>{m.subject}</td>
                                                <td>{became}</td>
                                                <td class="small">{m.reason.unwrap_or_default()}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }
                        .into_any(),
                        Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
