//! The signed-in person's own account: their details and the time zone they read times in,
//! the devices signed in (one signed out, or every other), and changing their password.

use crate::api::auth::{my_sessions, ChangePassword, EndSession, LogoutEverywhere, SaveProfile};
use crate::components::layout::{AuthActions, Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::{field_message, short_time, ActionError, ErrorBanner, QueryError, QueryNote};
use crate::domain::calendar::TIME_ZONES;
use crate::dto::UserDto;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <Title text="Your profile"/>
        <Guard need=Need::Active children=|user: UserDto| view! { <Profile user/> }/>
    }
}

#[component]
fn Profile(user: UserDto) -> impl IntoView {
    // Success comes back as `?changed=1` (the server function redirects, hydrated or not).
    let change = ServerAction::<ChangePassword>::new();
    let everywhere = ServerAction::<LogoutEverywhere>::new();
    AuthActions::get().read_again_after(everywhere.version());
    let value = change.value();
    view! {
        <section class="hero"><h1>"Your profile"</h1></section>
        <section class="card narrow">
            <dl class="inline">
                <dt>"Name"</dt><dd>{user.name.clone()}</dd>
                <dt>"E-mail"</dt><dd>{user.email.clone()}</dd>
                <dt>"Role"</dt><dd>{user.role.label()}</dd>
            </dl>
            <p class="muted"><A href="/notifications#preferences">"Choose what we e-mail you"</A></p>
        </section>
        <Details user=user.clone()/>
        <Devices/>
        <section class="card narrow">
            <p class="muted">"Lost a laptop, or signed in on a shared PC? Sign out everywhere, this device included."</p>
            <ActionForm action=everywhere attr:class="inline">
                <button type="submit" class="button">"Sign out everywhere"</button>
            </ActionForm>
        </section>
        <section class="card narrow">
            <h2>"Change your password"</h2>
            <QueryNote key="changed" text="Your password was changed; your other devices were signed out."/>
            <QueryError/>
            <ActionError value/>
            <ActionForm action=change attr:class="form">
                <label>"Current password" <input type="password" name="current_password" autocomplete="current-password" required/></label>
                {field_message(value, "current_password")}
                <label>"New password" <input type="password" name="new_password" autocomplete="new-password" required minlength="10"/></label>
                {field_message(value, "new_password")}
                <button type="submit" class="button primary">"Change password"</button>
            </ActionForm>
        </section>
    }
}

/// Name, phone, and the time zone the pages show times in.
#[component]
fn Details(user: UserDto) -> impl IntoView {
    let save = ServerAction::<SaveProfile>::new();
    let value = save.value();
    let zone = user.time_zone.clone().unwrap_or_default();
    view! {
        <section class="card narrow" id="details">
            <h2>"Your details"</h2>
            <QueryNote key="saved" text="Saved."/>
            <ActionForm action=save attr:class="form">
                <label>"Name" <input name="name" required maxlength="100" value=user.name.clone()/></label>
                {field_message(value, "name")}
                <label>"Phone" <input type="tel" name="phone" value=user.phone.clone().unwrap_or_default()/></label>
                {field_message(value, "phone")}
                <label>"Show times in"
                    <select name="time_zone">
                        <option value="" selected=zone.is_empty()>"UTC"</option>
                        {TIME_ZONES.iter().map(|z| view! { <option value=*z selected=zone == *z>{*z}</option> }).collect_view()}
                    </select>
                </label>
                {field_message(value, "time_zone")}
                <button type="submit" class="button primary">"Save my details"</button>
            </ActionForm>
        </section>
    }
}

/// The devices signed in to the account: sign one out, or every other.
#[component]
fn Devices() -> impl IntoView {
    let end = ServerAction::<EndSession>::new();
    let sessions = Resource::new(move || end.version().get(), |_| my_sessions());
    view! {
        <section class="card narrow" id="devices">
            <h2>"Devices"</h2>
            <ActionError value=end.value()/>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || once_loaded(async move {
                    match sessions.await {
                        Ok(list) => {
                            let others = list.iter().any(|s| !s.current);
                            view! {
                                <ul class="plain devices">
                                    {list.into_iter().map(|s| view! {
                                        <li data-current=s.current.to_string()>
                                            <strong>{s.device.clone()}</strong>
                                            <span class="muted small">
                                                " signed in " {short_time(s.signed_in_at)} ", last used " {short_time(s.last_seen_at)}
                                            </span>
                                            {if s.current {
                                                view! { <span class="chip">"this device"</span> }.into_any()
                                            } else {
                                                view! {
                                                    <ActionForm action=end attr:class="inline">
                                                        <input type="hidden" name="session_id" value=s.id.clone()/>
                                                        <button type="submit" class="link small">"Sign it out"</button>
                                                    </ActionForm>
                                                }
                                                .into_any()
                                            }}
                                        </li>
                                    }).collect_view()}
                                </ul>
                                {others.then(|| view! {
                                    <ActionForm action=end attr:class="inline">
                                        <button type="submit" class="button">"Sign out every other device"</button>
                                    </ActionForm>
                                })}
                            }
                            .into_any()
                        }
                        Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
