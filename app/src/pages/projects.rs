//! Deployment projects: an organisation's list (account managers on the account page, the
//! client's superuser on their own page) and one project's timeline, which account managers move.

use super::project_forms::{
    CompletionCard, GoLiveCard, InstallationCard, ModuleChoice, PreInstallCard, ReviewDecision,
};
use crate::api::files::RemoveFile;
use crate::api::projects::{
    organization_projects, project_page, AddUatItem, AdvanceProject, AssessGoLive, ChangeGoLiveConditions,
    ChangeOutstanding, DecideForm, OpenProject, RecordInstallation, RecordTrainingSession, RecordUatResult,
    SetProjectModules, SignForm, SubmitPreInstallForm, SubmitStakeholdersForm, WaiveUatItem,
};
use crate::components::files::{FileDrop, FileList};
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::{short_time, ActionError, ErrorBanner, QueryError};
use crate::domain::billing::long_date;
use crate::domain::deployment::{
    test_items_open, FormStatus, ProjectForm, SignedFormStatus, Stage, StageState, StakeholderRole, UatStatus,
};
use crate::dto::{AttachmentDto, ProjectDto, StakeholdersFormDto, TrainingDto, UatItemDto, UserDto};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The caller's organisation's projects (the client's superuser).
#[component]
pub fn ProjectsPage() -> impl IntoView {
    view! {
        <Title text="Deployment"/>
        <section class="hero"><h1>"Deployment"</h1></section>
        <Guard need=Need::Active children=|_user: UserDto| view! { <ProjectsPanel organization_id=None manage=false/> }/>
    }
}

/// An organisation's projects; with `manage`, account managers open a new one here.
#[component]
pub fn ProjectsPanel(organization_id: Option<String>, manage: bool) -> impl IntoView {
    let open = ServerAction::<OpenProject>::new();
    let projects =
        Resource::new(move || (organization_id.clone(), open.version().get()), |(id, _)| organization_projects(id));
    view! {
        <ActionError value=open.value()/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match projects.await {
                    Ok(Some((org, list, catalogue))) => view! {
                        <section class="card" id="projects">
                            <h2>"Deployment projects"</h2>
                            {if list.is_empty() {
                                view! { <p class="empty">"No deployment project yet."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="projects">
                                        {list.into_iter().map(|p| view! {
                                            <li>
                                                <a href=format!("/deployment-projects/{}", p.id)>{p.name.clone()}</a>
                                                <span class="chip">{p.stage.label()}</span>
                                                <span class="muted small">"opened " {short_time(p.created_at)}</span>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }
                                .into_any()
                            }}
                            {manage.then(|| view! {
                                <ActionForm action=open attr:class="form compact">
                                    <input type="hidden" name="organization_id" value=org.clone()/>
                                    <label>"New project" <input name="name" required maxlength="200" placeholder="Sydney contact centre"/></label>
                                    <ModuleChoice names=catalogue.clone() chosen=vec![]/>
                                    <button type="submit" class="button">"Open the project"</button>
                                </ActionForm>
                            })}
                        </section>
                    }
                    .into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ProjectPage() -> impl IntoView {
    view! {
        <Title text="Deployment project"/>
        <Guard need=Need::Active children=|user: UserDto| {
            let fills = !user.is_staff() && user.superuser;
            view! { <Project manages=user.role.manages_accounts() fills/> }
        }/>
    }
}

/// The actions on a project's page, so the page reads the project again after each.
#[derive(Clone, Copy)]
pub struct ProjectActions {
    pub advance: ServerAction<AdvanceProject>,
    pub submit: ServerAction<SubmitStakeholdersForm>,
    pub decide: ServerAction<DecideForm>,
    pub train: ServerAction<RecordTrainingSession>,
    pub add_item: ServerAction<AddUatItem>,
    pub result: ServerAction<RecordUatResult>,
    pub waive: ServerAction<WaiveUatItem>,
    pub modules: ServerAction<SetProjectModules>,
    pub pre_install: ServerAction<SubmitPreInstallForm>,
    pub installation: ServerAction<RecordInstallation>,
    pub conditions: ServerAction<ChangeGoLiveConditions>,
    pub sign: ServerAction<SignForm>,
    pub assess: ServerAction<AssessGoLive>,
    pub outstanding: ServerAction<ChangeOutstanding>,
    pub remove_file: ServerAction<RemoveFile>,
}

impl Default for ProjectActions {
    fn default() -> Self {
        Self::new()
    }
}

impl ProjectActions {
    pub fn new() -> ProjectActions {
        ProjectActions {
            advance: ServerAction::new(),
            submit: ServerAction::new(),
            decide: ServerAction::new(),
            train: ServerAction::new(),
            add_item: ServerAction::new(),
            result: ServerAction::new(),
            waive: ServerAction::new(),
            modules: ServerAction::new(),
            pre_install: ServerAction::new(),
            installation: ServerAction::new(),
            conditions: ServerAction::new(),
            sign: ServerAction::new(),
            assess: ServerAction::new(),
            outstanding: ServerAction::new(),
            remove_file: ServerAction::new(),
        }
    }

    /// Changes with every action done: the page reads the project again.
    fn version(&self) -> usize {
        self.advance.version().get()
            + self.submit.version().get()
            + self.decide.version().get()
            + self.train.version().get()
            + self.add_item.version().get()
            + self.result.version().get()
            + self.waive.version().get()
            + self.modules.version().get()
            + self.pre_install.version().get()
            + self.installation.version().get()
            + self.conditions.version().get()
            + self.sign.version().get()
            + self.assess.version().get()
            + self.outstanding.version().get()
            + self.remove_file.version().get()
    }

    fn errors(&self) -> impl IntoView {
        view! {
            <ActionError value=self.advance.value()/>
            <ActionError value=self.submit.value()/>
            <ActionError value=self.decide.value()/>
            <ActionError value=self.train.value()/>
            <ActionError value=self.add_item.value()/>
            <ActionError value=self.result.value()/>
            <ActionError value=self.waive.value()/>
            <ActionError value=self.modules.value()/>
            <ActionError value=self.pre_install.value()/>
            <ActionError value=self.installation.value()/>
            <ActionError value=self.conditions.value()/>
            <ActionError value=self.sign.value()/>
            <ActionError value=self.assess.value()/>
            <ActionError value=self.outstanding.value()/>
            <ActionError value=self.remove_file.value()/>
        }
    }
}

#[component]
fn Project(manages: bool, fills: bool) -> impl IntoView {
    let params = use_params_map();
    let actions = ProjectActions::new();
    let advance = actions.advance;
    let project = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), actions.version()),
        |(id, _)| project_page(id),
    );
    view! {
        <QueryError/>
        {actions.errors()}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match project.await {
                    Ok((p, catalogue)) => {
                        let form = p.stakeholders.clone();
                        let open = p.stage == Stage::Stakeholders;
                        let training = p.training.clone();
                        let records = manages && p.stage == Stage::Training;
                        let uat = p.uat.clone();
                        let (testing, before_go_live) = (p.stage == Stage::Testing, test_items_open(p.stage));
                        let (id, training_id, uat_id) = (p.id.clone(), p.id.clone(), p.id.clone());
                        let (pre_id, install_id, go_live_id, completion_id) = (p.id.clone(), p.id.clone(), p.id.clone(), p.id.clone());
                        let stage = p.stage;
                        let pre_install = p.pre_install.clone();
                        let modules = p.modules.clone();
                        let installation = p.installation.clone();
                        let go_live = p.go_live.clone();
                        let completion = p.completion.clone();
                        let (files, files_id) = (p.files.clone(), p.id.clone());
                        let shows_installation = stage >= Stage::Installation || !installation.is_empty();
                        view! {
                            <ProjectTimeline project=p manages advance/>
                            <StakeholdersCard id form manages fills=fills && open actions/>
                            {(stage >= Stage::PreInstall || manages).then(|| view! {
                                <PreInstallCard
                                    id=pre_id
                                    form=pre_install
                                    modules
                                    catalogue
                                    manages
                                    fills=fills && stage == Stage::PreInstall
                                    actions
                                />
                            })}
                            {shows_installation.then(|| view! {
                                <InstallationCard
                                    id=install_id
                                    rows=installation
                                    edits=manages && stage <= Stage::Installation
                                    actions
                                />
                            })}
                            <TrainingCard id=training_id sessions=training records actions/>
                            <UatCard
                                id=uat_id
                                items=uat
                                adds=manages && before_go_live
                                tests=fills && testing
                                waives=manages && before_go_live
                                actions
                            />
                            {(go_live.status != SignedFormStatus::NotIssued).then(|| view! {
                                <GoLiveCard id=go_live_id form=go_live manages fills actions/>
                            })}
                            {completion.issued_on.is_some().then(|| view! {
                                <CompletionCard id=completion_id form=completion fills actions/>
                            })}
                            <DocumentsCard id=files_id files staff=manages remove=actions.remove_file/>
                        }
                        .into_any()
                    }
                    Err(e) if e.status() == 404 => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProjectTimeline(project: ProjectDto, manages: bool, advance: ServerAction<AdvanceProject>) -> impl IntoView {
    let next = project.stage.next().filter(|_| project.timeline.iter().any(|s| s.state == StageState::Current));
    let id = project.id.clone();
    view! {
        <section class="hero">
            <h1>{project.name.clone()}</h1>
            <p class="muted">{project.organization_name.clone()} " · deployment project"</p>
        </section>
        <section class="card">
            <ol class="stages" data-testid="stages">
                {project.timeline.into_iter().map(|s| {
                    let state = match s.state {
                        StageState::Done => "done",
                        StageState::Current => "current",
                        StageState::Upcoming => "upcoming",
                    };
                    view! {
                        <li class=format!("stage {state}") data-stage=s.stage.as_str()>
                            <strong>{s.label.clone()}</strong>
                            <span class="muted small">
                                {match (s.entered_at, s.entered_by_name) {
                                    (Some(at), Some(by)) => format!("entered {} by {by}", short_time(at)),
                                    (Some(at), None) => format!("entered {}", short_time(at)),
                                    _ => String::new(),
                                }}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ol>
            {(manages && next.is_some()).then(|| {
                let next = next.unwrap_or(project.stage);
                view! {
                    <ActionForm action=advance attr:class="inline">
                        <input type="hidden" name="id" value=id.clone()/>
                        <input type="hidden" name="to" value=next.as_str()/>
                        <button type="submit" class="button primary">{format!("Move to {}", next.label())}</button>
                    </ActionForm>
                }
            })}
        </section>
    }
}

/// The Stakeholders form: the client's superuser fills it in while the project is at its first
/// stage; an account manager accepts it or returns it with what to mend.
#[component]
fn StakeholdersCard(
    id: String,
    form: StakeholdersFormDto,
    manages: bool,
    fills: bool,
    actions: ProjectActions,
) -> impl IntoView {
    let status = form.status;
    let value = |role: StakeholderRole, part: &str| {
        form.contacts
            .iter()
            .find(|c| c.role == role)
            .map(|c| match part {
                "name" => c.name.clone(),
                "email" => c.email.clone(),
                _ => c.phone.clone().unwrap_or_default(),
            })
            .unwrap_or_default()
    };
    let (fill_id, accept_id) = (id.clone(), id);
    let rows: Vec<(StakeholderRole, String, String, String)> =
        StakeholderRole::ALL.iter().map(|&r| (r, value(r, "name"), value(r, "email"), value(r, "phone"))).collect();
    view! {
        <section class="card" id="stakeholders">
            <h2>"Stakeholders form " <span class="chip" data-testid="stakeholders-status">{status.label()}</span></h2>
            {form.decision_note.clone().map(|note| view! { <div class="banner error" role="status">"Returned: " {note}</div> })}
            {(!form.contacts.is_empty() && !fills).then(|| view! {
                <table class="tickets">
                    <thead><tr><th>"Responsibility"</th><th>"Name"</th><th>"E-mail"</th><th>"Phone"</th></tr></thead>
                    <tbody>
                        {form.contacts.iter().map(|c| view! {
                            <tr><td>{c.role.label()}</td><td>{c.name.clone()}</td><td>{c.email.clone()}</td><td>{c.phone.clone().unwrap_or_default()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(fills && status != FormStatus::Accepted).then(|| view! {
                <p class="muted">"Your contacts for the deployment. The trainer is trained first and becomes your organisation's superuser in the portal."</p>
                <ActionForm action=actions.submit attr:class="form stakeholders">
                    <input type="hidden" name="id" value=fill_id.clone()/>
                    {rows.into_iter().map(|(role, name, email, phone)| {
                        let key = role.as_str();
                        let required = StakeholderRole::REQUIRED.contains(&role);
                        view! {
                            <fieldset>
                                <legend>{role.label()}{(!required).then_some(" (optional)")}</legend>
                                <label>"Name" <input name=format!("{key}_name") value=name required=required maxlength="100"/></label>
                                <label>"E-mail" <input type="email" name=format!("{key}_email") value=email required=required/></label>
                                <label>"Phone" <input type="tel" name=format!("{key}_phone") value=phone/></label>
                            </fieldset>
                        }
                    }).collect_view()}
                    <button type="submit" class="button primary">"Submit the Stakeholders form"</button>
                </ActionForm>
            })}
            {(manages && status == FormStatus::Submitted).then(|| view! {
                <ReviewDecision id=accept_id.clone() form="stakeholders" accept="Accept the form" actions/>
            })}
        </section>
    }
}

/// Training sessions ("train the trainer"): account managers record them at the Training stage;
/// testing waits for one the superuser attended.
#[component]
fn TrainingCard(id: String, sessions: Vec<TrainingDto>, records: bool, actions: ProjectActions) -> impl IntoView {
    let shown = !sessions.is_empty() || records;
    shown.then(|| view! {
        <section class="card" id="training">
            <h2>"Training"</h2>
            {if sessions.is_empty() {
                view! { <p class="empty">"No training recorded yet."</p> }.into_any()
            } else {
                view! {
                    <table class="tickets">
                        <thead><tr><th>"Held"</th><th>"Trainer"</th><th>"Attended"</th><th>"Superuser trained"</th></tr></thead>
                        <tbody>
                            {sessions.into_iter().map(|t| view! {
                                <tr>
                                    <td>{long_date(t.held_on)}</td>
                                    <td>{t.trainer}</td>
                                    <td>{t.attendees.join(", ")}</td>
                                    <td>{if t.superuser_trained { "yes" } else { "no" }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
            {records.then(|| view! {
                <ActionForm action=actions.train attr:class="form compact">
                    <input type="hidden" name="id" value=id.clone()/>
                    <label>"Held on" <input type="date" name="held_on" required/></label>
                    <label>"Trainer" <input name="trainer" required maxlength="100"/></label>
                    <label>"Attended (one per line)" <textarea name="attendees" rows="3" required></textarea></label>
                    <label class="check"><input type="checkbox" name="superuser_trained" value="on"/> "The superuser was trained"</label>
                    <button type="submit" class="button">"Record the session"</button>
                </ActionForm>
            })}
        </section>
    })
}

/// The files on the project's forms (a scanned signed copy, a site plan), by form, and the form
/// that adds more to the one chosen.
#[component]
fn DocumentsCard(
    id: String,
    files: Vec<AttachmentDto>,
    staff: bool,
    remove: ServerAction<RemoveFile>,
) -> impl IntoView {
    let (back, remove) = (format!("/deployment-projects/{id}"), staff.then_some(remove));
    view! {
        <section class="card" id="documents">
            <h2>"Documents"</h2>
            {files.is_empty().then(|| view! { <p class="empty">"No documents on the forms yet."</p> })}
            {ProjectForm::ALL.iter().map(|&form| {
                let on_form: Vec<AttachmentDto> = files.iter().filter(|f| f.form == Some(form)).cloned().collect();
                (!on_form.is_empty()).then(|| view! {
                    <h3 class="small">{form.label()}</h3>
                    <FileList files=on_form remove=remove back=back.clone()/>
                })
            }).collect_view()}
            <FileDrop action=format!("/deployment-projects/{id}/files") label="Files (up to 20, 25 MB each)">
                <label>"For the"
                    <select name="form">
                        {ProjectForm::ALL.iter().map(|f| view! { <option value=f.as_str()>{f.label()}</option> }).collect_view()}
                    </select>
                </label>
            </FileDrop>
        </section>
    }
}

/// User acceptance testing: CyTrack lists what to test, the client's superuser records each
/// result (a failure raises a ticket), CyTrack may waive an item with a reason.
#[component]
fn UatCard(
    id: String,
    items: Vec<UatItemDto>,
    adds: bool,
    tests: bool,
    waives: bool,
    actions: ProjectActions,
) -> impl IntoView {
    let shown = !items.is_empty() || adds;
    shown.then(|| view! {
        <section class="card" id="uat">
            <h2>"User acceptance testing"</h2>
            {if items.is_empty() {
                view! { <p class="empty">"No test items yet."</p> }.into_any()
            } else {
                view! {
                    <table class="tickets uat">
                        <thead><tr><th>"Test"</th><th>"Result"</th><th>"Ticket"</th><th></th></tr></thead>
                        <tbody>
                            {items.into_iter().map(|item| {
                                let (pass_project, fail_project, waive_project) = (id.clone(), id.clone(), id.clone());
                                let (pass_item, fail_item, waive_item) = (item.id.clone(), item.id.clone(), item.id.clone());
                                let open = item.status != UatStatus::Waived;
                                let waivable = item.status != UatStatus::Passed && item.status != UatStatus::Waived;
                                view! {
                                    <tr data-item=item.title.clone()>
                                        <td>{item.title.clone()}</td>
                                        <td>
                                            <span class=format!("chip uat-{}", item.status.as_str())>{item.status.label()}</span>
                                            {item.note.clone().map(|n| view! { <div class="muted small">{n}</div> })}
                                        </td>
                                        <td>{item.ticket_id.clone().map(|t| view! {
                                            <a href=format!("/tickets/{t}")>{item.ticket_number.clone().unwrap_or_default()}</a>
                                        })}</td>
                                        <td>
                                            {(tests && open).then(|| view! {
                                                <ActionForm action=actions.result attr:class="inline">
                                                    <input type="hidden" name="project_id" value=pass_project.clone()/>
                                                    <input type="hidden" name="item_id" value=pass_item.clone()/>
                                                    <input type="hidden" name="result" value="passed"/>
                                                    <button type="submit" class="button small">"Passed"</button>
                                                </ActionForm>
                                                <ActionForm action=actions.result attr:class="form compact">
                                                    <input type="hidden" name="project_id" value=fail_project.clone()/>
                                                    <input type="hidden" name="item_id" value=fail_item.clone()/>
                                                    <input type="hidden" name="result" value="failed"/>
                                                    <label>"What went wrong" <input name="note" required maxlength="2000"/></label>
                                                    <button type="submit" class="button small danger">"Failed"</button>
                                                </ActionForm>
                                            })}
                                            {(waives && waivable).then(|| view! {
                                                <ActionForm action=actions.waive attr:class="form compact">
                                                    <input type="hidden" name="project_id" value=waive_project.clone()/>
                                                    <input type="hidden" name="item_id" value=waive_item.clone()/>
                                                    <label>"Why waive it" <input name="reason" required maxlength="500"/></label>
                                                    <button type="submit" class="button small">"Waive"</button>
                                                </ActionForm>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
            {adds.then(|| view! {
                <ActionForm action=actions.add_item attr:class="form compact">
                    <input type="hidden" name="id" value=id.clone()/>
                    <label>"Something to test" <input name="title" required maxlength="200" placeholder="Calls reach queue 1"/></label>
                    <button type="submit" class="button">"Add the test"</button>
                </ActionForm>
            })}
        </section>
    })
}
