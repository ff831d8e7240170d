//! The forms of a deployment project after the Stakeholders form: Pre-install (the client
//! acknowledges each module's requirements and gives the site), the installation's inclusions,
//! the Go-Live form (conditions, signature or assessed go-live) and the Deployment Completion
//! form (outstanding issues, signature, or deemed). Each prints as a one-page document from
//! `/deployment-projects/:id/forms/:form`.

use super::projects::ProjectActions;
use crate::api::projects::deployment_project;
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::{short_time, ErrorBanner};
use crate::domain::billing::long_date;
use crate::domain::deployment::{FormStatus, InclusionItem, SignedFormStatus};
use crate::dto::{
    CompletionFormDto, GoLiveFormDto, InclusionDto, PreInstallFormDto, ProjectDto, SignatureDto, UserDto,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Checkboxes of the catalogue's modules (`modules[]`), those in `chosen` ticked.
#[component]
pub fn ModuleChoice(names: Vec<String>, chosen: Vec<String>) -> impl IntoView {
    view! {
        <fieldset class="modules">
            <legend>"Modules deployed"</legend>
            {names.into_iter().map(|name| {
                let checked = chosen.contains(&name);
                view! {
                    <label class="check">
                        <input type="checkbox" name="modules[]" value=name.clone() checked=checked/>
                        " " {name.clone()}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// An account manager's decision on a submitted form: accept it, or return it with what to mend.
#[component]
pub fn ReviewDecision(id: String, form: &'static str, accept: &'static str, actions: ProjectActions) -> impl IntoView {
    let return_id = id.clone();
    view! {
        <div class="row">
            <ActionForm action=actions.decide attr:class="inline">
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="form" value=form/>
                <button type="submit" class="button primary">{accept}</button>
            </ActionForm>
            <ActionForm action=actions.decide attr:class="form compact">
                <input type="hidden" name="id" value=return_id/>
                <input type="hidden" name="form" value=form/>
                <label>"What to mend" <input name="reason" required maxlength="500"/></label>
                <button type="submit" class="button">"Return it"</button>
            </ActionForm>
        </div>
    }
}

/// The client's signature on a form: what signing means, and the full name typed.
#[component]
fn SignatureForm(
    id: String,
    form: &'static str,
    consent: &'static str,
    button: &'static str,
    actions: ProjectActions,
) -> impl IntoView {
    view! {
        <ActionForm action=actions.sign attr:class="form compact sign">
            <input type="hidden" name="id" value=id/>
            <input type="hidden" name="form" value=form/>
            <p class="muted">{consent}</p>
            <label>"Type your full name to sign" <input name="full_name" required maxlength="100" autocomplete="name"/></label>
            <button type="submit" class="button primary">{button}</button>
        </ActionForm>
    }
}

fn print_link(id: &str, form: &str) -> impl IntoView {
    // A page load of its own (rel="external"): the document alone, as the printer gets it.
    view! {
        <a class="button small print-link" rel="external" href=format!("/deployment-projects/{id}/forms/{form}")>
            "Printable form"
        </a>
    }
}

fn signature_line(signature: Option<SignatureDto>) -> impl IntoView {
    signature.map(|s| {
        view! {
            <p class="signature" data-testid="signature">
                "Signed “" <strong>{s.typed_name.clone()}</strong> "”"
                {s.signed_by_name.map(|n| format!(" by {n}"))}
                " on " {short_time(s.signed_at)}
            </p>
        }
    })
}

/// The Pre-install form: with `fills`, the client's superuser ticks each requirement and gives
/// the site; with `manages`, an account manager chooses the modules and decides on the form.
#[component]
pub fn PreInstallCard(
    id: String,
    form: PreInstallFormDto,
    modules: Vec<String>,
    /// The catalogue's module names (for account managers choosing the modules).
    catalogue: Vec<String>,
    manages: bool,
    fills: bool,
    actions: ProjectActions,
) -> impl IntoView {
    let status = form.status;
    let (fill_id, accept_id, modules_id) = (id.clone(), id.clone(), id.clone());
    let site = form.site.clone();
    let editing = fills && status != FormStatus::Accepted;
    view! {
        <section class="card" id="pre-install">
            <h2>"Pre-install form " <span class="chip" data-testid="pre-install-status">{status.label()}</span></h2>
            {form.decision_note.clone().map(|note| view! { <div class="banner error" role="status">"Returned: " {note}</div> })}
            {form.modules.is_empty().then(|| view! { <p class="empty">"No modules are recorded for this project yet."</p> })}
            {if editing {
                view! {
                    <p class="muted">"Confirm each minimum requirement of the modules you bought is met, and tell us about the site."</p>
                    <ActionForm action=actions.pre_install attr:class="form pre-install">
                        <input type="hidden" name="id" value=fill_id.clone()/>
                        {form.modules.iter().enumerate().map(|(mi, m)| view! {
                            <fieldset>
                                <legend>{m.module.clone()}</legend>
                                {m.requirements.iter().enumerate().map(|(ri, r)| view! {
                                    <label class="check">
                                        <input type="checkbox" name="acknowledged[]" value=format!("{mi}.{ri}") checked=r.acknowledged/>
                                        " " {r.text.clone()}
                                    </label>
                                }).collect_view()}
                            </fieldset>
                        }).collect_view()}
                        <fieldset>
                            <legend>"Site"</legend>
                            <label>"Site address" <textarea name="address" rows="2" required maxlength="500">{site.address.clone()}</textarea></label>
                            <label>"Site contact" <input name="contact_name" value=site.contact_name.clone() required maxlength="100"/></label>
                            <label>"Contact phone" <input type="tel" name="contact_phone" value=site.contact_phone.clone() required/></label>
                            <label>"Remote access" <input name="remote_access" value=site.remote_access.clone() maxlength="500" placeholder="TeamViewer ID"/></label>
                            <label>"Notes" <textarea name="notes" rows="2" maxlength="2000">{site.notes.clone()}</textarea></label>
                        </fieldset>
                        <button type="submit" class="button primary">"Submit the Pre-install form"</button>
                    </ActionForm>
                }
                .into_any()
            } else {
                view! {
                    {form.modules.iter().map(|m| view! {
                        <h3>{m.module.clone()}</h3>
                        <ul class="requirements">
                            {m.requirements.iter().map(|r| view! {
                                <li class=if r.acknowledged { "met" } else { "open" }>
                                    {if r.acknowledged { "✓ " } else { "○ " }} {r.text.clone()}
                                </li>
                            }).collect_view()}
                        </ul>
                    }).collect_view()}
                    {(!site.address.is_empty()).then(|| view! {
                        <dl class="site">
                            <dt>"Site address"</dt><dd>{site.address.clone()}</dd>
                            <dt>"Site contact"</dt><dd>{site.contact_name.clone()} " · " {site.contact_phone.clone()}</dd>
                            <dt>"Remote access"</dt><dd>{site.remote_access.clone()}</dd>
                            <dt>"Notes"</dt><dd>{site.notes.clone()}</dd>
                        </dl>
                    })}
                }
                .into_any()
            }}
            {(manages && status != FormStatus::Accepted).then(|| view! {
                <ActionForm action=actions.modules attr:class="form compact">
                    <input type="hidden" name="id" value=modules_id.clone()/>
                    <ModuleChoice names=catalogue.clone() chosen=modules.clone()/>
                    <button type="submit" class="button">"Save the modules"</button>
                </ActionForm>
            })}
            {(manages && status == FormStatus::Submitted).then(|| view! {
                <ReviewDecision id=accept_id.clone() form="pre_install" accept="Accept the Pre-install form" actions/>
            })}
            {print_link(&id, "pre-install")}
        </section>
    }
}

/// The installation: agreed against installed per item; beyond the agreement is an additional
/// fee. Account managers record it until the project leaves its Installation stage.
#[component]
pub fn InstallationCard(id: String, rows: Vec<InclusionDto>, edits: bool, actions: ProjectActions) -> impl IntoView {
    let value = |item: InclusionItem, agreed: bool| {
        rows.iter()
            .find(|r| r.item == item)
            .map(|r| if agreed { r.agreed } else { r.installed }.to_string())
            .unwrap_or_default()
    };
    let inputs: Vec<(InclusionItem, String, String)> =
        InclusionItem::ALL.iter().map(|&i| (i, value(i, true), value(i, false))).collect();
    view! {
        <section class="card" id="installation">
            <h2>"Installation"</h2>
            {if edits {
                view! {
                    <ActionForm action=actions.installation attr:class="form installation">
                        <input type="hidden" name="id" value=id.clone()/>
                        <table class="tickets">
                            <thead><tr><th>"Item"</th><th>"Agreed"</th><th>"Installed"</th></tr></thead>
                            <tbody>
                                {inputs.into_iter().map(|(item, agreed, installed)| view! {
                                    <tr data-item=item.as_str()>
                                        <td>{item.label()}</td>
                                        <td><input type="number" min="0" max="10000" name="agreed[]" value=agreed aria-label=format!("{} agreed", item.label())/></td>
                                        <td><input type="number" min="0" max="10000" name="installed[]" value=installed aria-label=format!("{} installed", item.label())/></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <button type="submit" class="button">"Record the installation"</button>
                    </ActionForm>
                }
                .into_any()
            } else if rows.is_empty() {
                view! { <p class="empty">"The installation is not recorded yet."</p> }.into_any()
            } else {
                ().into_any()
            }}
            {(!rows.is_empty()).then(|| view! {
                <table class="tickets inclusions" data-testid="inclusions">
                    <thead><tr><th>"Item"</th><th>"Agreed"</th><th>"Installed"</th><th>"Beyond the agreement"</th></tr></thead>
                    <tbody>
                        {rows.iter().map(|r| view! {
                            <tr data-item=r.item.as_str()>
                                <td>{r.label.clone()}</td>
                                <td>{r.agreed}</td>
                                <td>{r.installed}</td>
                                <td>{(r.additional > 0).then(|| view! {
                                    <span class="chip uat-failed">{format!("{} additional fee", r.additional)}</span>
                                })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}

/// The Go-Live form: CyTrack's commercial conditions; once all are fulfilled the client's
/// superuser signs it, or an account manager records an assessed go-live.
#[component]
pub fn GoLiveCard(
    id: String,
    form: GoLiveFormDto,
    manages: bool,
    fills: bool,
    actions: ProjectActions,
) -> impl IntoView {
    let status = form.status;
    let open = status == SignedFormStatus::Issued;
    let unfulfilled = form.conditions.iter().any(|c| !c.fulfilled);
    let (add_id, sign_id, assess_id) = (id.clone(), id.clone(), id.clone());
    view! {
        <section class="card" id="go-live">
            <h2>"Go-Live form " <span class="chip" data-testid="go-live-status">{status.label()}</span></h2>
            <h3>"Commercial conditions"</h3>
            {if form.conditions.is_empty() {
                view! { <p class="empty">"No conditions are attached to go-live."</p> }.into_any()
            } else {
                view! {
                    <ul class="conditions">
                        {form.conditions.iter().enumerate().map(|(i, c)| {
                            let fulfil_id = id.clone();
                            view! {
                                <li class=if c.fulfilled { "met" } else { "open" } data-condition=c.text.clone()>
                                    {if c.fulfilled { "✓ " } else { "○ " }} {c.text.clone()}
                                    <span class="muted small">{if c.fulfilled { " fulfilled" } else { " not fulfilled yet" }}</span>
                                    {(manages && open && !c.fulfilled).then(|| view! {
                                        <ActionForm action=actions.conditions attr:class="inline">
                                            <input type="hidden" name="id" value=fulfil_id.clone()/>
                                            <input type="hidden" name="fulfil" value=i.to_string()/>
                                            <button type="submit" class="button small">"Mark fulfilled"</button>
                                        </ActionForm>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {(manages && open).then(|| view! {
                <ActionForm action=actions.conditions attr:class="form compact">
                    <input type="hidden" name="id" value=add_id.clone()/>
                    <label>"New condition" <input name="add" required maxlength="300" placeholder="Deposit invoice paid"/></label>
                    <button type="submit" class="button">"Add the condition"</button>
                </ActionForm>
            })}
            {form.go_live_on.map(|d| view! { <p><strong>"Go-live: "</strong> {long_date(d)}</p> })}
            {signature_line(form.signature.clone())}
            {form.assessed_reason.clone().map(|r| view! {
                <p class="signature">"Assessed by " {form.assessed_by_name.clone().unwrap_or_default()} ": " {r}</p>
            })}
            {(fills && open && unfulfilled).then(|| view! {
                <p class="muted">"You can sign once CyTrack has marked every condition fulfilled."</p>
            })}
            {(fills && open && !unfulfilled).then(|| view! {
                <SignatureForm
                    id=sign_id.clone()
                    form="go_live"
                    consent="By signing you approve the system going live today."
                    button="Sign the Go-Live form"
                    actions
                />
            })}
            {(manages && open).then(|| view! {
                <ActionForm action=actions.assess attr:class="form compact">
                    <input type="hidden" name="id" value=assess_id.clone()/>
                    <label>"Go-live date" <input type="date" name="go_live_on" required/></label>
                    <label>"Why assessed" <input name="reason" required maxlength="500" placeholder="The client could not be reached"/></label>
                    <button type="submit" class="button">"Record an assessed go-live"</button>
                </ActionForm>
            })}
            {print_link(&id, "go-live")}
        </section>
    }
}

/// The Deployment Completion form: issued a week after go-live; the client's superuser lists the
/// issues still outstanding (each a ticket) and signs, or the project is deemed complete.
#[component]
pub fn CompletionCard(id: String, form: CompletionFormDto, fills: bool, actions: ProjectActions) -> impl IntoView {
    let status = form.status;
    let open = fills && status == SignedFormStatus::Issued;
    let (link_id, raise_id, sign_id) = (id.clone(), id.clone(), id.clone());
    view! {
        <section class="card" id="completion">
            <h2>"Deployment Completion form " <span class="chip" data-testid="completion-status">{status.label()}</span></h2>
            {match (status, form.issued_on, form.deemed_on) {
                (SignedFormStatus::NotIssued, Some(issued), Some(deemed)) => Some(format!(
                    "Issued on {} (a week after go-live); not signed by {}, the project is deemed complete.",
                    long_date(issued), long_date(deemed)
                )),
                (SignedFormStatus::Issued, _, Some(deemed)) => Some(format!(
                    "List any issues still outstanding and sign before {}; after that the project is deemed complete.",
                    long_date(deemed)
                )),
                (SignedFormStatus::Deemed, _, Some(deemed)) => Some(format!(
                    "Not returned within 21 days of go-live: the project was deemed complete on {}.",
                    long_date(deemed)
                )),
                _ => None,
            }.map(|text| view! { <p class="muted">{text}</p> })}
            <h3>"Outstanding issues"</h3>
            {if form.outstanding.is_empty() {
                view! { <p class="empty">"None listed."</p> }.into_any()
            } else {
                view! {
                    <table class="tickets" data-testid="outstanding">
                        <tbody>
                            {form.outstanding.iter().map(|o| {
                                let remove_id = id.clone();
                                let ticket = o.ticket_id.clone();
                                view! {
                                    <tr>
                                        <td><a href=format!("/tickets/{}", o.ticket_id)>{o.number.clone()}</a></td>
                                        <td>{o.subject.clone()}</td>
                                        <td>{open.then(|| view! {
                                            <ActionForm action=actions.outstanding attr:class="inline">
                                                <input type="hidden" name="id" value=remove_id.clone()/>
                                                <input type="hidden" name="remove" value=ticket.clone()/>
                                                <button type="submit" class="button small">"Take off"</button>
                                            </ActionForm>
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
            {signature_line(form.signature.clone())}
            {open.then(|| view! {
                <div class="row">
                    <ActionForm action=actions.outstanding attr:class="form compact">
                        <input type="hidden" name="id" value=link_id.clone()/>
                        <label>"Ticket number" <input name="ticket" required placeholder="CT-000042"/></label>
                        <button type="submit" class="button">"List the ticket"</button>
                    </ActionForm>
                    <ActionForm action=actions.outstanding attr:class="form compact">
                        <input type="hidden" name="id" value=raise_id.clone()/>
                        <label>"New issue" <input name="subject" required maxlength="200"/></label>
                        <label>"Describe it" <textarea name="description" rows="2" required></textarea></label>
                        <button type="submit" class="button">"Raise and list it"</button>
                    </ActionForm>
                </div>
                <SignatureForm
                    id=sign_id.clone()
                    form="completion"
                    consent="By signing you accept the deployment as complete; the issues listed stay under warranty whenever they are worked."
                    button="Sign the Completion form"
                    actions
                />
            })}
            {print_link(&id, "completion")}
        </section>
    }
}

/// One form of a project as a document to print or keep: the project, the form, who signed.
#[component]
pub fn ProjectFormPage() -> impl IntoView {
    view! {
        <Title text="Deployment form"/>
        <Guard need=Need::Active children=|_user: UserDto| view! { <FormPrint/> }/>
    }
}

#[component]
fn FormPrint() -> impl IntoView {
    let params = use_params_map();
    let project = Resource::new(move || params.read().get("id").unwrap_or_default(), deployment_project);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                let form = params.read_untracked().get("form").unwrap_or_default();
                match project.await {
                    Ok(p) => view! { <FormDocument project=p form/> }.into_any(),
                    Err(e) if e.status() == 404 => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FormDocument(project: ProjectDto, form: String) -> impl IntoView {
    let actions = ProjectActions::new();
    let id = project.id.clone();
    let (title, body) = match form.as_str() {
        "pre-install" => (
            "Pre-install form",
            view! { <PreInstallCard id=id.clone() form=project.pre_install.clone() modules=vec![] catalogue=vec![] manages=false fills=false actions/> }.into_any(),
        ),
        "go-live" => (
            "Go-Live form",
            view! { <GoLiveCard id=id.clone() form=project.go_live.clone() manages=false fills=false actions/> }.into_any(),
        ),
        "completion" => (
            "Deployment Completion form",
            view! { <CompletionCard id=id.clone() form=project.completion.clone() fills=false actions/> }.into_any(),
        ),
        _ => return view! { <crate::pages::not_found::NotFound/> }.into_any(),
    };
    view! {
        <article class="form-document">
            <header>
                <p class="muted">"CyTrack · deployment project"</p>
                <h1>{title}</h1>
                <p><strong>{project.organization_name.clone()}</strong> " · " {project.name.clone()}</p>
            </header>
            {body}
            <p class="muted small no-print"><a href=format!("/deployment-projects/{id}")>"Back to the project"</a></p>
        </article>
    }
    .into_any()
}
