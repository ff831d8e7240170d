//! Releases: every release with its state; staff number, plan, slate and ship them; a client sees
//! what they run, what is newer and what it fixes, and asks for an upgrade; account managers see
//! which clients run what.

use crate::api::releases::{
    load_release, load_releases, AskUpgrade, CreateRelease, SetInstalledRelease, ShipRelease, SlateTicket,
    UnslateTicket, UpdateRelease,
};
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::{field_message, short_time, ActionError, ErrorBanner, QueryError, StatusChip};
use crate::domain::billing::long_date;
use crate::domain::releases::ReleaseState;
use crate::dto::{InstalledReleaseDto, NextNumbersDto, ReleaseDto, ReleaseInUseDto, UserDto};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ReleasesPage() -> impl IntoView {
    view! {
        <Title text="Releases"/>
        <section class="hero"><h1>"Releases"</h1>
            <p class="muted">"Numbered YY-N.P: the year the work was defined, its version in that year, its point release."</p>
        </section>
        <QueryError/>
        <Guard need=Need::Active children=|user: UserDto| view! { <ReleasesPanel user=user/> }/>
    }
}

#[component]
fn ReleasesPanel(user: UserDto) -> impl IntoView {
    let create = ServerAction::<CreateRelease>::new();
    let upgrade = ServerAction::<AskUpgrade>::new();
    let installed = ServerAction::<SetInstalledRelease>::new();
    let overview = Resource::new(move || (create.version().get(), installed.version().get()), |_| load_releases());
    let staff = user.is_staff();
    view! {
        <ActionError value=create.value()/>
        <ActionError value=upgrade.value()/>
        <ActionError value=installed.value()/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match overview.await {
                    Ok(o) => view! {
                        {o.installed.map(|i| view! { <YourRelease installed=i upgrade=upgrade/> })}
                        <ReleaseTable releases=o.releases staff=staff/>
                        {o.next.map(|next| view! { <NewRelease next=next create=create/> })}
                        {o.in_use.map(|rows| view! { <InUse rows=rows installed=installed/> })}
                    }
                    .into_any(),
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn state_chip(state: ReleaseState) -> impl IntoView {
    view! { <span class=format!("chip release-{}", state.as_str())>{state.label()}</span> }
}

#[component]
fn ReleaseTable(releases: Vec<ReleaseDto>, staff: bool) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"All releases"</h2>
            {if releases.is_empty() {
                view! { <p class="empty">"No release yet."</p> }.into_any()
            } else {
                view! {
                    <table class="tickets" data-testid="releases">
                        <thead><tr>
                            <th>"Release"</th><th>"State"</th><th>"Planned"</th><th>"Released"</th>
                            <th>{if staff { "Tickets slated" } else { "Your tickets slated" }}</th>
                        </tr></thead>
                        <tbody>
                            {releases.into_iter().map(|r| view! {
                                <tr>
                                    <td><a href=format!("/releases/{}", r.id) class="mono">{r.number.clone()}</a></td>
                                    <td>{state_chip(r.state)}</td>
                                    <td>{r.planned_on.map(long_date).unwrap_or_default()}</td>
                                    <td>{r.released_at.map(short_time).unwrap_or_default()}</td>
                                    <td>{r.slated_count}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}

/// A client's own release and the newer ones, each with the fixes slated for their tickets.
#[component]
fn YourRelease(installed: InstalledReleaseDto, upgrade: ServerAction<AskUpgrade>) -> impl IntoView {
    let current = installed.installed.as_ref().map(|r| r.number.clone());
    view! {
        <section class="card" data-testid="your-release">
            <h2>"Your release"</h2>
            <p>{match &current {
                Some(n) => format!("You run release {n}."),
                None => "CyTrack has not recorded which release you run yet.".into(),
            }}</p>
            {if installed.newer.is_empty() {
                view! { <p class="muted">"You are on the newest release."</p> }.into_any()
            } else {
                view! {
                    <h3>"Newer releases"</h3>
                    <ul class="releases">
                        {installed.newer.into_iter().map(|r| {
                            let fixes = match r.slated_count {
                                0 => String::new(),
                                1 => " · fixes one of your tickets".into(),
                                n => format!(" · fixes {n} of your tickets"),
                            };
                            view! {
                                <li>
                                    <a href=format!("/releases/{}", r.id) class="mono">{r.number.clone()}</a>
                                    <span class="muted small">{fixes}</span>
                                    <ActionForm action=upgrade attr:class="inline">
                                        <input type="hidden" name="release_id" value=r.id.clone()/>
                                        <input name="note" placeholder="A preferred window (optional)" maxlength="5000"/>
                                        <button type="submit" class="button small">{format!("Ask for an upgrade to {}", r.number)}</button>
                                    </ActionForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn NewRelease(next: NextNumbersDto, create: ServerAction<CreateRelease>) -> impl IntoView {
    let suggested = next.sequence.clone().or(next.new_year.clone()).unwrap_or_default();
    let hints: Vec<String> = [
        next.point.map(|n| format!("next point release {n}")),
        next.sequence.map(|n| format!("next version {n}")),
        next.new_year.map(|n| format!("first of the year {n}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    view! {
        <section class="card">
            <h2>"New release"</h2>
            <ActionForm action=create attr:class="form">
                <div class="row">
                    <label>"Number" <input name="number" required value=suggested class="mono" aria-describedby="number-hint"/></label>
                    <label>"Planned for" <input type="date" name="planned_on"/></label>
                </div>
                <p class="muted small" id="number-hint">{format!("May follow as: {}.", hints.join(", "))}</p>
                {field_message(create.value(), "number")}
                {field_message(create.value(), "planned_on")}
                <label>"Release notes (Markdown)" <textarea name="notes" rows="5"></textarea></label>
                <button type="submit" class="button primary">"Create the release"</button>
            </ActionForm>
        </section>
    }
}

/// Which clients run what: a bar per release (an SVG drawn here) and the same as a table.
#[component]
fn InUse(rows: Vec<ReleaseInUseDto>, installed: ServerAction<SetInstalledRelease>) -> impl IntoView {
    let mut orgs: Vec<(String, String)> =
        rows.iter().flat_map(|r| r.organizations.iter().map(|o| (o.id.clone(), o.name.clone()))).collect();
    orgs.sort_by(|a, b| a.1.cmp(&b.1));
    let most = rows.iter().map(|r| r.organizations.len()).max().unwrap_or(1).max(1);
    let bar_height = 24;
    let height = rows.len() * bar_height + 8;
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let y = i * bar_height + 4;
            let width = 300 * row.organizations.len() / most;
            let label = row.release.clone().unwrap_or_else(|| "not recorded".into());
            view! {
                <text x="0" y={y + 16} class="chart-label">{label}</text>
                <rect x="110" y={y} width={width.max(2)} height={bar_height - 6} class="chart-bar"/>
                <text x={116 + width} y={y + 16} class="chart-value">{row.organizations.len()}</text>
            }
        })
        .collect_view();
    view! {
        <section class="card" data-testid="releases-in-use">
            <h2>"Releases in use"</h2>
            <svg class="chart" role="img" aria-label="Clients per release" viewBox=format!("0 0 460 {height}") width="460" height={height}>
                {bars}
            </svg>
            <table class="tickets">
                <thead><tr><th>"Release"</th><th>"Clients"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <td class="mono">{row.release.unwrap_or_else(|| "not recorded".into())}</td>
                            <td>{row.organizations.into_iter().map(|o| o.name).collect::<Vec<_>>().join(", ")}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <OrganizationRelease orgs=orgs installed=installed/>
        </section>
    }
}

/// Records a client's release (account managers); every client is in one of the rows.
#[component]
fn OrganizationRelease(orgs: Vec<(String, String)>, installed: ServerAction<SetInstalledRelease>) -> impl IntoView {
    view! {
        <ActionForm action=installed attr:class="form compact">
            <div class="row">
                <label>"Client" <select name="organization_id" required>
                    {orgs.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select></label>
                <label>"Runs release" <input name="release" required class="mono" placeholder="20-1.1"/></label>
            </div>
            {field_message(installed.value(), "release")}
            <button type="submit" class="button">"Record"</button>
        </ActionForm>
    }
}

#[component]
pub fn ReleasePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    view! {
        <Title text="Release"/>
        <QueryError/>
        <Guard need=Need::Active children=move |user: UserDto| view! { <ReleaseView id=id() staff=user.is_staff()/> }/>
    }
}

#[component]
fn ReleaseView(id: String, staff: bool) -> impl IntoView {
    let update = ServerAction::<UpdateRelease>::new();
    let ship = ServerAction::<ShipRelease>::new();
    let slate = ServerAction::<SlateTicket>::new();
    let unslate = ServerAction::<UnslateTicket>::new();
    let detail = Resource::new(
        move || {
            (id.clone(), update.version().get(), ship.version().get(), slate.version().get(), unslate.version().get())
        },
        |(id, ..)| load_release(id),
    );
    view! {
        <ActionError value=update.value()/>
        <ActionError value=ship.value()/>
        <ActionError value=slate.value()/>
        <ActionError value=unslate.value()/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match detail.await {
                    Ok(d) => {
                        let r = d.release;
                        let planned = r.state == ReleaseState::Planned;
                        let rid = r.id.clone();
                        let (rid_edit, rid_slate, rid_ship) = (rid.clone(), rid.clone(), rid.clone());
                        view! {
                            <section class="hero">
                                <h1>"Release " <span class="mono">{r.number.clone()}</span> " " {state_chip(r.state)}</h1>
                                <p class="muted">{match (r.released_at, r.planned_on) {
                                    (Some(at), _) => format!("Released {}", short_time(at)),
                                    (None, Some(day)) => format!("Planned for {}", long_date(day)),
                                    (None, None) => "Planned".into(),
                                }}</p>
                            </section>
                            <section class="card">
                                <h2>"Release notes"</h2>
                                {if r.notes_html.is_empty() {
                                    view! { <p class="empty">"No notes yet."</p> }.into_any()
                                } else {
                                    view! { <div class="markdown" inner_html=r.notes_html.clone()></div> }.into_any()
                                }}
                                {(staff && planned).then(|| view! {
                                    <details>
                                        <summary>"Edit the plan and notes"</summary>
                                        <ActionForm action=update attr:class="form">
                                            <input type="hidden" name="id" value=rid_edit/>
                                            <label>"Planned for" <input type="date" name="planned_on" value=r.planned_on.map(|d| d.to_string()).unwrap_or_default()/></label>
                                            {field_message(update.value(), "planned_on")}
                                            <label>"Release notes (Markdown)" <textarea name="notes" rows="8">{r.notes.clone()}</textarea></label>
                                            <button type="submit" class="button">"Save"</button>
                                        </ActionForm>
                                    </details>
                                })}
                            </section>
                            <section class="card">
                                <h2>{if staff { "Tickets slated" } else { "Your tickets slated" }}</h2>
                                {if d.tickets.is_empty() {
                                    view! { <p class="empty">"None."</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="tickets" data-testid="slated">
                                            <thead><tr><th>"Ticket"</th><th>"Subject"</th>{staff.then(|| view! { <th>"Client"</th> })}<th>"Status"</th>{(staff && planned).then(|| view! { <th></th> })}</tr></thead>
                                            <tbody>
                                                {d.tickets.into_iter().map(|t| {
                                                    let rid = rid.clone();
                                                    view! {
                                                        <tr>
                                                            <td><a href=format!("/tickets/{}", t.id) class="mono">{t.number.clone()}</a></td>
                                                            <td>{t.subject.clone()}</td>
                                                            {staff.then(|| view! { <td>{t.organization_name.clone()}</td> })}
                                                            <td><StatusChip status=t.status/></td>
                                                            {(staff && planned).then(|| view! {
                                                                <td>
                                                                    <ActionForm action=unslate attr:class="inline">
                                                                        <input type="hidden" name="release_id" value=rid/>
                                                                        <input type="hidden" name="ticket_id" value=t.id.clone()/>
                                                                        <button type="submit" class="button small">"Take off"</button>
                                                                    </ActionForm>
                                                                </td>
                                                            })}
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }
                                    .into_any()
                                }}
                                {(staff && planned).then(|| view! {
                                    <ActionForm action=slate attr:class="form compact">
                                        <input type="hidden" name="release_id" value=rid_slate/>
                                        <label>"Slate a ticket" <input name="ticket" required placeholder="CT-000042" class="mono"/></label>
                                        {field_message(slate.value(), "ticket")}
                                        <button type="submit" class="button">"Slate"</button>
                                    </ActionForm>
                                    <ActionForm action=ship attr:class="form compact">
                                        <input type="hidden" name="id" value=rid_ship/>
                                        <p class="muted small">"Shipping resolves the open fixes slated here and tells their clients; upgrade tickets stay open."</p>
                                        <button type="submit" class="button primary">{format!("Ship {}", r.number)}</button>
                                    </ActionForm>
                                })}
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
