//! Deployment projects: an organisation's list (account managers on the account page, the
//! client's superuser on their own page) and one project's timeline, which account managers move.

use crate::api::projects::{deployment_project, organization_projects, AdvanceProject, OpenProject};
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::{short_time, ActionError, ErrorBanner, QueryError};
use crate::domain::deployment::StageState;
use crate::dto::{ProjectDto, UserDto};
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
                    Ok(Some((org, list))) => view! {
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
        <Guard need=Need::Active children=|user: UserDto| view! { <Project manages=user.role.manages_accounts()/> }/>
    }
}

#[component]
fn Project(manages: bool) -> impl IntoView {
    let params = use_params_map();
    let advance = ServerAction::<AdvanceProject>::new();
    let project = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), advance.version().get()),
        |(id, _)| deployment_project(id),
    );
    view! {
        <QueryError/>
        <ActionError value=advance.value()/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match project.await {
                    Ok(p) => view! { <ProjectTimeline project=p manages advance/> }.into_any(),
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
