//! Sign-in, registration and the page a pending account sees.

use crate::api::auth::{
    AcceptInvitation, ForgotPassword, Login, Register, ResendVerification, ResetPassword, VerifyEmail,
};
use crate::components::layout::AuthActions;
use crate::components::suspend::once_loaded;
use crate::components::widgets::{field_message, ActionError, QueryError, QueryNote};
use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = AuthActions::get();
    let value = auth.login.value();
    let (email, password) = (NodeRef::<Input>::new(), NodeRef::<Input>::new());
    let sign_in = move |ev: SubmitEvent| {
        ev.prevent_default();
        let read = |field: NodeRef<Input>| field.get().map(|input| input.value()).unwrap_or_default();
        auth.login.dispatch(Login { email: read(email), password: read(password) });
    };
    view! {
        <Title text="Sign in"/>
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <p class="muted">"Raise and follow your support tickets with CyTrack."</p>
            <QueryNote key="reset" text="Your password was changed, and every device signed out. Sign in with the new one."/>
            <QueryNote key="welcome" text="Welcome: your password is set. Sign in with your address and it."/>
            <QueryError/>
            <ActionError value/>
            // Not an `ActionForm`, which reads a form's fields with a URL-encoding library the
            // first page would then carry: the fields are read here (`api::codec`).
            <form method="post" action=Login::url() class="form" on:submit=sign_in>
                <label>"E-mail" <input type="email" name="email" autocomplete="username" required node_ref=email/></label>
                <label>"Password" <input type="password" name="password" autocomplete="current-password" required node_ref=password/></label>
                <button type="submit" class="button primary">"Sign in"</button>
            </form>
            <p class="muted"><A href="/forgot-password">"Forgot your password?"</A></p>
            <p class="muted">"New to the portal? " <A href="/register">"Register your account"</A></p>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let register = ServerAction::<Register>::new();
    AuthActions::get().read_again_after(register.version());
    let value = register.value();
    view! {
        <Title text="Register"/>
        <section class="card narrow">
            <h1>"Register"</h1>
            <p class="muted">
                "Tell us who you are. We e-mail you a link to confirm your address; then CyTrack approves "
                "the registration into your company's account (colleagues from a company domain we know "
                "join it as soon as they confirm)."
            </p>
            <QueryError/>
            <ActionError value/>
            <ActionForm action=register attr:class="form">
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
    let resend = ServerAction::<ResendVerification>::new();
    view! {
        <Title text="Awaiting approval"/>
        <Suspense fallback=|| ()>
            {move || once_loaded(async move {
                match auth.me.await {
                    Ok(Some(user)) if user.is_active() => view! { <Redirect path="/"/> }.into_any(),
                    Ok(Some(user)) if !user.email_verified => view! {
                        <section class="card narrow center">
                            <h1>"Confirm your e-mail address"</h1>
                            <p>"Thanks, " {user.name.clone()} ". We sent a link to " <strong>{user.email.clone()}</strong> "."</p>
                            <p class="muted">
                                "Open it to confirm the address is yours; your registration goes ahead once you do. "
                                "Nothing arrived? Look in your spam folder, or ask for another link."
                            </p>
                            <QueryNote key="sent" text="If your address still needs confirming, a new link is on its way."/>
                            <ActionError value=resend.value()/>
                            <ActionForm action=resend attr:class="inline">
                                <button type="submit" class="button">"Send the link again"</button>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                    Ok(Some(user)) => view! {
                        <section class="card narrow center">
                            <h1>"Awaiting approval"</h1>
                            <p>"Thanks, " {user.name.clone()} ". Your registration is awaiting approval by CyTrack."</p>
                            <p class="muted">
                                "An account manager checks each registration and attaches it to your company's account. "
                                "We e-mail you once it is decided."
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

/// The link from the confirmation mail. The token is spent only by the button, never by opening
/// the page: mail scanners open links too.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    // Proving the address may activate the account: who is signed in is read again after it.
    let verify = ServerAction::<VerifyEmail>::new();
    AuthActions::get().read_again_after(verify.version());
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <Title text="Confirm your e-mail address"/>
        <section class="card narrow">
            <h1>"Confirm your e-mail address"</h1>
            <p class="muted">"One click, and CyTrack knows this address is yours."</p>
            <QueryError/>
            <ActionError value=verify.value()/>
            <ActionForm action=verify attr:class="form">
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="button primary">"Confirm my address"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    // Success comes back as `?sent=1` (the server function redirects, hydrated or not).
    let forgot = ServerAction::<ForgotPassword>::new();
    view! {
        <Title text="Forgot your password?"/>
        <section class="card narrow">
            <h1>"Forgot your password?"</h1>
            <p class="muted">"Give the address you sign in with; we e-mail a link to choose a new password."</p>
            <QueryNote key="sent" text="If an account uses that address, a link is on its way. It works for an hour."/>
            <QueryError/>
            <ActionError value=forgot.value()/>
            <ActionForm action=forgot attr:class="form">
                <label>"E-mail" <input type="email" name="email" autocomplete="username" required/></label>
                <button type="submit" class="button primary">"Send me a link"</button>
            </ActionForm>
            <p class="muted"><A href="/login">"Back to sign in"</A></p>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let reset = ServerAction::<ResetPassword>::new();
    let value = reset.value();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <Title text="Choose a new password"/>
        <section class="card narrow">
            <h1>"Choose a new password"</h1>
            <QueryError/>
            <ActionError value/>
            <ActionForm action=reset attr:class="form">
                <input type="hidden" name="token" value=token/>
                <label>"New password" <input type="password" name="password" autocomplete="new-password" required minlength="10"/></label>
                <small class="muted">"At least 10 characters; a short sentence works well."</small>
                {field_message(value, "password")}
                <button type="submit" class="button primary">"Set the new password"</button>
            </ActionForm>
            <p class="muted"><A href="/forgot-password">"Ask for a new link"</A></p>
        </section>
    }
}

/// The link of an invitation: the invitee chooses their password.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let accept = ServerAction::<AcceptInvitation>::new();
    let value = accept.value();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <Title text="Welcome to CyTrack Support"/>
        <section class="card narrow">
            <h1>"Welcome to CyTrack Support"</h1>
            <p class="muted">"Choose the password you will sign in with."</p>
            <QueryError/>
            <ActionError value/>
            <ActionForm action=accept attr:class="form">
                <input type="hidden" name="token" value=token/>
                <label>"Your password" <input type="password" name="password" autocomplete="new-password" required minlength="10"/></label>
                <small class="muted">"At least 10 characters; a short sentence works well."</small>
                {field_message(value, "password")}
                <button type="submit" class="button primary">"Set my password"</button>
            </ActionForm>
        </section>
    }
}
