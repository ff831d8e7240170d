//! Account managers' view of client organisations: deployment timeline, IRS cover, renewals,
//! and the monthly billing export.

use crate::api::billing::{get_account, list_accounts, monthly_billing, AddIrsContract, SaveDeployment};
use crate::api::people::EditOrganization;
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::{field_message, ActionError, ErrorBanner, QueryError};
use crate::domain::billing::{deployment_stage, long_date, GoLiveBasis, IrsStatus};
use crate::dto::{AccountDto, DeploymentDto, UserDto};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn AccountsPage() -> impl IntoView {
    view! {
        <Title text="Accounts"/>
        <Guard need=Need::AccountManager children=|_user: UserDto| view! { <AccountList/> }/>
    }
}

#[component]
fn IrsBadge(status: IrsStatus) -> impl IntoView {
    let class = match status {
        IrsStatus::Active { .. } => "chip status-resolved",
        IrsStatus::DueForRenewal { .. } => "chip priority-p2",
        IrsStatus::Lapsed { .. } => "chip priority-p1",
        _ => "chip",
    };
    view! { <span class=class>{status.label()}</span> }
}

fn stage(deployment: &Option<DeploymentDto>, today: chrono::NaiveDate) -> &'static str {
    let stage = match deployment {
        None => deployment_stage(None, false, None, today),
        Some(d) => deployment_stage(d.go_live_on, d.go_live_held, d.completion_on, today),
    };
    stage.label()
}

#[component]
fn AccountList() -> impl IntoView {
    let query = use_query_map();
    let page = move || query.read().get("page").and_then(|p| p.parse::<u64>().ok());
    let accounts = Resource::new(page, list_accounts);
    let today = chrono::Utc::now().date_naive();
    view! {
        <section class="hero"><h1>"Client accounts"</h1></section>
        <section class="card">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || once_loaded(async move {
                    match accounts.await {
                        Ok(listed) => {
                            let at = page().unwrap_or(1);
                            let has_next = listed.has_next(at, crate::dto::PER_PAGE_DEFAULT);
                            let total = listed.total_label("organisation");
                            let list = listed.items;
                            view! {
                            <p class="muted small">{total}</p>
                            <table class="tickets">
                                <thead><tr><th>"Organisation"</th><th>"Stage"</th><th>"Go-live"</th><th>"Completion"</th><th>"IRS"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|a| {
                                        let due = a.irs_status.is_due_for_renewal();
                                        view! {
                                            <tr class:due=due>
                                                <td><a href=format!("/accounts/{}", a.organization.id)>{a.organization.name.clone()}</a></td>
                                                <td>{stage(&a.deployment, today)}</td>
                                                <td>{a.deployment.as_ref().and_then(|d| d.go_live_on).map(long_date).unwrap_or_else(|| "—".into())}</td>
                                                <td>{a.deployment.as_ref().and_then(|d| d.completion_on).map(long_date).unwrap_or_else(|| "—".into())}</td>
                                                <td><IrsBadge status=a.irs_status/></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <crate::components::widgets::Pager path="/accounts" page=at has_next/>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text="Account"/>
        <Guard need=Need::AccountManager children=|_user: UserDto| view! { <AccountView/> }/>
    }
}

#[component]
fn AccountView() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let save = ServerAction::<SaveDeployment>::new();
    let add_irs = ServerAction::<AddIrsContract>::new();
    let edit = ServerAction::<EditOrganization>::new();
    let account = Resource::new(
        move || (id(), save.version().get() + add_irs.version().get() + edit.version().get()),
        |(id, _)| get_account(Some(id)),
    );
    view! {
        <QueryError/>
        <ActionError value=save.value()/>
        <ActionError value=add_irs.value()/>
        <ActionError value=edit.value()/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match account.await {
                    Ok(Some(a)) => view! { <AccountDetail account=a save add_irs edit/> }.into_any(),
                    Ok(None) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                    Err(e) if e.status() == 404 => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Suspense>
        {move || view! { <crate::pages::projects::ProjectsPanel organization_id=Some(id()) manage=true/> }}
        <Export organization_id=Signal::derive(id)/>
        {move || view! { <crate::pages::vouchers::VoucherPanel organization_id=Some(id()) manage=true/> }}
    }
}

/// The seed's stages from go-live on, drawn as a timeline with their dates.
#[component]
fn Timeline(deployment: Option<DeploymentDto>) -> impl IntoView {
    let today = chrono::Utc::now().date_naive();
    let d = deployment.as_ref();
    let steps: Vec<(&str, Option<chrono::NaiveDate>, String)> = vec![
        (
            "Go-live",
            d.and_then(|d| d.go_live_on),
            d.map(|d| {
                if d.go_live_held {
                    "held: commercial condition".to_string()
                } else {
                    d.go_live_basis.label().to_string()
                }
            })
            .unwrap_or_default(),
        ),
        ("Completion form issued", d.and_then(|d| d.completion_form_issued_on), "go-live + 7 days".into()),
        ("Warranty ends", d.and_then(|d| d.warranty_ends_on), "last day covered".into()),
        (
            "Completed",
            d.and_then(|d| d.completion_on),
            d.and_then(|d| d.completion_basis).map(|b| b.label().to_string()).unwrap_or_default(),
        ),
    ];
    view! {
        <ol class="timeline">
            {steps.into_iter().map(|(name, date, note)| {
                let state = match date { Some(day) if day <= today => "done", Some(_) => "next", None => "unknown" };
                view! {
                    <li class=state>
                        <strong>{name}</strong>
                        <span>{date.map(long_date).unwrap_or_else(|| "not yet".into())}</span>
                        <small class="muted">{note}</small>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

#[component]
fn AccountDetail(
    account: AccountDto,
    save: ServerAction<SaveDeployment>,
    add_irs: ServerAction<AddIrsContract>,
    edit: ServerAction<EditOrganization>,
) -> impl IntoView {
    let (deployment_org, irs_org) = (account.organization.id.clone(), account.organization.id.clone());
    let org = account.organization.clone();
    let d = account.deployment.clone();
    let basis = d.as_ref().map(|d| d.go_live_basis).unwrap_or(GoLiveBasis::Signed);
    let value = save.value();
    view! {
        <section class="hero">
            <div>
                <h1>{account.organization.name.clone()}</h1>
                <p class="muted">{account.organization.email_domains.join(", ")}</p>
            </div>
            <IrsBadge status=account.irs_status/>
        </section>
        <section class="card" id="organisation">
            <h2>"Organisation"</h2>
            <p><a href=format!("/people?organization_id={}", org.id)>"Its people"</a> " · "
               <a href=format!("/audit?organization_id={}", org.id)>"Its audit log"</a></p>
            <ActionForm action=edit attr:class="form">
                <input type="hidden" name="organization_id" value=org.id.clone()/>
                <label>"Name" <input name="name" required maxlength="200" value=org.name.clone()/></label>
                {field_message(edit.value(), "name")}
                <label>"E-mail domains " <small class="muted">"(a registration from one of these joins the organisation once its address is proven)"</small>
                    <input name="email_domains" value=org.email_domains.join(", ") placeholder="acme.com.au, acme.com"/>
                </label>
                {field_message(edit.value(), "email_domains")}
                <button type="submit" class="button">"Save the organisation"</button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>"Deployment"</h2>
            <Timeline deployment=d.clone()/>
            <ActionForm action=save attr:class="form">
                <input type="hidden" name="organization_id" value=deployment_org/>
                <div class="row">
                    <label>"Go-live date" <input type="date" name="go_live_on" value=d.as_ref().and_then(|d| d.go_live_on).map(|x| x.to_string()).unwrap_or_default()/></label>
                    <label>"Basis"
                        <select name="go_live_basis">
                            {GoLiveBasis::ALL.iter().map(|b| view! { <option value=b.as_str() selected=*b == basis>{b.label()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>"Completion form signed" <input type="date" name="completion_signed_on" value=d.as_ref().and_then(|d| d.completion_signed_on).map(|x| x.to_string()).unwrap_or_default()/></label>
                </div>
                {field_message(value, "go_live_on")}
                {field_message(value, "completion_signed_on")}
                <label class="check"><input type="checkbox" name="go_live_held" value="on" checked=d.as_ref().is_some_and(|d| d.go_live_held)/> "Go-live held: a commercial condition is unfulfilled"</label>
                <label>"Outstanding on the completion form " <small class="muted">"(ticket numbers, e.g. CT-000012, CT-000015)"</small>
                    <input name="outstanding" value=d.as_ref().map(|d| d.outstanding_ticket_numbers.join(", ")).unwrap_or_default()/>
                </label>
                {field_message(value, "outstanding_ticket_ids")}
                <button type="submit" class="button primary">"Save deployment"</button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>"Issue Resolution Service"</h2>
            {if account.irs_contracts.is_empty() {
                view! { <p class="empty">"No IRS contract yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain">
                        {account.irs_contracts.iter().map(|c| view! { <li>{long_date(c.starts_on)} " – " {long_date(c.ends_on)}</li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <ActionForm action=add_irs attr:class="form">
                <input type="hidden" name="organization_id" value=irs_org/>
                <div class="row">
                    <label>"Starts" <input type="date" name="starts_on" required/></label>
                    <label>"Ends" <input type="date" name="ends_on" required/></label>
                </div>
                {field_message(add_irs.value(), "starts_on")}
                {field_message(add_irs.value(), "ends_on")}
                <button type="submit" class="button">"Add contract period"</button>
            </ActionForm>
        </section>
    }
}

/// Billable minutes for a month, with the CSV download.
#[component]
fn Export(organization_id: Signal<String>) -> impl IntoView {
    let query = use_query_map();
    // None asked for: the server takes the month it is now in the support calendar's zone, and
    // the form then shows the month it took.
    let month = move || query.read().get("month").unwrap_or_default();
    let export = Resource::new(move || (organization_id.get(), month()), |(id, month)| monthly_billing(id, month));
    let filters = move |id: String, shown: String| {
        view! {
            <form method="get" class="filters">
                <input type="month" name="month" aria-label="Month of the export" value=shown.clone()/>
                <button type="submit" class="button">"Show"</button>
                <a class="button" href=format!("/api/v1/organizations/{id}/billing-export.csv?month={shown}")>"Download CSV"</a>
                <a class="button" href=format!("/statements/{id}?month={shown}")>"Monthly statement"</a>
            </form>
        }
    };
    view! {
        <section class="card">
            <h2>"Billing export"</h2>
            <Suspense fallback=|| ()>
                {move || once_loaded(async move {
                    match export.await {
                        Ok(e) if e.rows.is_empty() && e.additional_fees.is_empty() => view! { {filters(e.organization_id.clone(), e.month.clone())} <p class="empty">"No billable time in " {e.month.clone()} "."</p> }.into_any(),
                        Ok(e) => view! {
                            {filters(e.organization_id.clone(), e.month.clone())}
                            <table class="tickets">
                                <thead><tr><th>"Ticket"</th><th>"Subject"</th><th>"Minutes"</th><th>"Paid by vouchers"</th><th>"To invoice"</th><th>"Hours to invoice"</th></tr></thead>
                                <tbody>
                                    {e.rows.iter().map(|r| view! {
                                        <tr>
                                            <td class="mono"><a href=format!("/tickets/{}", r.ticket_id)>{r.number.clone()}</a></td>
                                            <td>{r.subject.clone()}</td>
                                            <td>{r.minutes}</td>
                                            <td>{r.paid_by_vouchers_minutes}</td>
                                            <td>{r.to_invoice_minutes}</td>
                                            <td>{format!("{:.2}", r.to_invoice_minutes as f64 / 60.0)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                                <tfoot><tr>
                                    <th colspan="2">"Total"</th>
                                    <th data-testid="export-total">{e.total_billable_minutes}</th>
                                    <th>{e.total_paid_by_vouchers_minutes}</th>
                                    <th data-testid="export-invoice">{e.total_to_invoice_minutes}</th>
                                    <th>{format!("{:.2}", e.total_to_invoice_minutes as f64 / 60.0)}</th>
                                </tr></tfoot>
                            </table>
                            {(!e.additional_fees.is_empty()).then(|| view! {
                                <h3>"Additional fees (installation beyond the agreed inclusions)"</h3>
                                <table class="tickets" data-testid="additional-fees">
                                    <thead><tr><th>"Project"</th><th>"Item"</th><th>"Agreed"</th><th>"Installed"</th><th>"To invoice"</th></tr></thead>
                                    <tbody>
                                        {e.additional_fees.iter().map(|f| view! {
                                            <tr><td>{f.project_name.clone()}</td><td>{f.label.clone()}</td><td>{f.agreed}</td><td>{f.installed}</td><td>{f.additional}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            })}
                        }.into_any(),
                        Err(e) => view! { {filters(organization_id.get_untracked(), month())} <ErrorBanner error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
