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
use crate::dto::{InboundMailDto, NotificationDto, OutboxMessageDto, Page, PreferenceDto, UserDto};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{de::DeserializeOwned, Serialize};

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
    let headers = ["Created", "To", "Subject", "Status", "Tries", "Last error"];
    mail_card("outbox", "Mail outbox", "No mail yet.", headers, messages, |m: OutboxMessageDto| {
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
        }
        .into_any()
    })
}

/// What came in by e-mail (admins): each message, what it became, and why one was refused.
#[component]
fn Inbound() -> impl IntoView {
    let messages = Resource::new(|| (), |_| inbound_messages());
    let headers = ["Received", "From", "Subject", "Became", "Why"];
    mail_card("inbound", "Mail received", "No mail received yet.", headers, messages, |m: InboundMailDto| {
        let (class, became) = (format!("mail-{}", m.outcome), m.outcome.replace('_', " "));
        let became = match m.ticket_id {
            Some(id) => view! { <a href=format!("/tickets/{id}")>{became}</a> }.into_any(),
            None => became.into_any(),
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
        .into_any()
    })
}

/// An admin's card of one list of mail: loading, empty, a table of `row`s, or the error.
fn mail_card<T, const N: usize>(
    id: &'static str,
    title: &'static str,
    empty: &'static str,
    headers: [&'static str; N],
    list: Resource<Result<Page<T>, AppError>>,
    row: fn(T) -> AnyView,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
{
    view! {
        <section class="card" id=id>
            <h2>{title}</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || once_loaded(async move {
                    match list.await {
                        Ok(page) if page.items.is_empty() => view! { <p class="empty">{empty}</p> }.into_any(),
                        Ok(page) => view! {
                            <table class="outbox">
                                <thead><tr>{headers.map(|h| view! { <th>{h}</th> }).into_iter().collect_view()}</tr></thead>
                                <tbody>{page.items.into_iter().map(row).collect_view()}</tbody>
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
