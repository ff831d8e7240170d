//! Sign-in, registration and the page a pending account sees.

use crate::components::layout::AuthActions;
use crate::components::suspend::once_loaded;
use crate::components::widgets::{field_message, ActionError, QueryError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = AuthActions::get();
    let value = auth.login.value();
    view! {
        <Title text="Sign in"/>
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <p class="muted">"Raise and follow your support tickets with CyTrack."</p>
            <QueryError/>
            <ActionError value/>
            <ActionForm action=auth.login attr:class="form">
                <label>"E-mail" <input type="email" name="email" autocomplete="username" required/></label>
                <label>"Password" <input type="password" name="password" autocomplete="current-password" required/></label>
                <button type="submit" class="button primary">"Sign in"</button>
            </ActionForm>
            <p class="muted">"New to the portal? " <A href="/register">"Register your account"</A></p>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let auth = AuthActions::get();
    let value = auth.register.value();
    view! {
        <Title text="Register"/>
        <section class="card narrow">
            <h1>"Register"</h1>
            <p class="muted">
                "Tell us who you are. CyTrack approves each registration into your company's account; "
                "colleagues from a company domain we know join it straight away."
            </p>
            <QueryError/>
            <ActionError value/>
            <ActionForm action=auth.register attr:class="form">
                <label>"Company" <input name="company" autocomplete="organization" required maxlength="200"/></label>
                {field_message(value, "company")}
                <label>"Your name" <input name="name" autocomplete="name" required maxlength="100"/></label>
                {field_message(value, "name")}
                <label>"Work e-mail" <input type="email" name="email" autocomplete="email" required/></label>
                {field_message(value, "email")}
                <label>"Phone " <small class="muted">"(optional)"</small> <input type="tel" name="phone" autocomplete="tel"/></label>
                {field_message(value, "phone")}
                <label>"Password" <input type="password" name="password" autocomplete="new-password" required minlength="10"/></label>
                <small class="muted">"At least 10 characters; a short sentence works well."</small>
                {field_message(value, "password")}
                <button type="submit" class="button primary">"Create account"</button>
            </ActionForm>
            <p class="muted">"Already registered? " <A href="/login">"Sign in"</A></p>
        </section>
    }
}

#[component]
pub fn AwaitingApprovalPage() -> impl IntoView {
    let auth = AuthActions::get();
    view! {
        <Title text="Awaiting approval"/>
        <Suspense fallback=|| ()>
            {move || once_loaded(async move {
                match auth.me.await {
                    Ok(Some(user)) if user.is_active() => view! { <Redirect path="/"/> }.into_any(),
                    Ok(Some(user)) => view! {
                        <section class="card narrow center">
                            <h1>"Awaiting approval"</h1>
                            <p>"Thanks, " {user.name.clone()} ". Your registration is awaiting approval by CyTrack."</p>
                            <p class="muted">
                                "An account manager checks each registration and attaches it to your company's account. "
                                "Once approved, sign in again to raise and follow tickets."
                            </p>
                        </section>
                    }
                    .into_any(),
                    _ => view! { <Redirect path="/login"/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
