//! The signed-in person's own account: who they are, and changing their password.

use crate::api::auth::ChangePassword;
use crate::components::layout::{AuthActions, Guard, Need};
use crate::components::widgets::{field_message, ActionError, QueryError, QueryNote};
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
    let everywhere = AuthActions::get().logout_everywhere;
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
        <section class="card narrow">
            <h2>"Devices"</h2>
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
