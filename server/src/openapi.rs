//! The OpenAPI document, generated from the handlers' annotations.

use crate::rest;
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "CyTrack support portal", version = "1", description = "The integration API (see API.md)."),
    paths(
        rest::auth::register, rest::auth::login, rest::auth::logout, rest::auth::me,
        rest::auth::verify_email, rest::auth::resend_verification, rest::auth::forgot_password,
        rest::auth::reset_password, rest::auth::change_password, rest::auth::logout_everywhere,
        rest::users::list, rest::users::approve, rest::users::reject, rest::users::disable, rest::users::create_staff,
        rest::users::enable, rest::users::set_role, rest::users::set_superuser, rest::users::invite, rest::organizations::update,
        rest::auth::accept_invitation, rest::auth::update_profile, rest::auth::sessions, rest::auth::end_session,
        rest::auth::end_other_sessions, rest::audit::list, rest::audit::export_csv,
        rest::organizations::create, rest::organizations::list, rest::organizations::get,
        rest::tickets::create, rest::tickets::list, rest::tickets::get, rest::tickets::update,
        rest::tickets::bulk_update, rest::tickets::comment,
        rest::queues::list, rest::queues::create, rest::queues::update,
        rest::vouchers::issue, rest::vouchers::list, rest::vouchers::ledger, rest::vouchers::ledger_csv,
        rest::vouchers::redeem, rest::vouchers::refund, rest::vouchers::balances,
        rest::afterhours::create, rest::afterhours::list, rest::afterhours::get, rest::afterhours::approve,
        rest::afterhours::decline, rest::afterhours::schedule, rest::afterhours::complete, rest::afterhours::cancel,
        rest::afterhours::get_business_hours, rest::afterhours::put_business_hours,
        rest::macs::catalogue, rest::macs::add_item, rest::macs::update_item, rest::macs::order, rest::macs::list,
        rest::macs::get, rest::macs::quote, rest::macs::approve, rest::macs::decline, rest::macs::complete,
        rest::macs::cancel,
        rest::billing::put_deployment, rest::billing::add_irs_contract, rest::billing::irs_contracts,
        rest::billing::account, rest::billing::accounts, rest::billing::reclassify, rest::billing::add_time_entry,
        rest::billing::time_entries, rest::billing::history, rest::billing::export, rest::billing::export_csv,
        rest::billing::statement, rest::billing::statement_csv,
        rest::notifications::list, rest::notifications::unread_count, rest::notifications::read,
        rest::notifications::read_all, rest::notifications::preferences, rest::notifications::set_preferences,
        rest::notifications::outbox, rest::mail::inbound, rest::mail::received,
        rest::projects::create, rest::projects::list, rest::projects::get, rest::projects::advance,
        rest::projects::submit_stakeholders, rest::projects::accept_stakeholders, rest::projects::return_stakeholders,
        rest::projects::record_training, rest::projects::add_uat_item, rest::projects::record_uat_result,
        rest::projects::waive_uat_item, rest::projects::set_modules, rest::projects::submit_pre_install,
        rest::projects::accept_pre_install, rest::projects::return_pre_install, rest::projects::put_installation,
        rest::projects::put_go_live_conditions, rest::projects::sign_go_live, rest::projects::assess_go_live,
        rest::projects::add_outstanding, rest::projects::remove_outstanding, rest::projects::sign_completion,
        rest::afterhours::get_modules, rest::afterhours::put_modules,
        rest::attachments::upload, rest::attachments::upload_to_form, rest::attachments::download,
        rest::attachments::delete,
        rest::releases::list, rest::releases::create, rest::releases::next_numbers, rest::releases::in_use,
        rest::releases::get, rest::releases::update, rest::releases::ship, rest::releases::slate,
        rest::releases::unslate, rest::releases::request_upgrade, rest::releases::installed,
        rest::releases::set_installed, rest::releases::posts, rest::releases::create_post, rest::releases::post,
        rest::releases::update_post, rest::releases::ask, rest::releases::answer,
        rest::releases::question_to_ticket, rest::releases::feed_token, rest::releases::feed,
        rest::live::events, rest::live::presence, rest::live::beat, rest::live::leave,
        rest::reports::desk, rest::reports::desk_csv,
    ),
    modifiers(&BearerAuth, &ErrorResponses, &PagingBounds)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// Every operation can answer with the API's error shape (API.md): the statuses any request can
/// meet are declared on each operation that does not declare them itself, so a client generated
/// from the document knows them (issue 20: 49 operations answered statuses the document never
/// declared). 500 is not among them: the portal never means to answer it.
struct ErrorResponses;

const ERROR_STATUSES: [(&str, &str); 9] = [
    ("400", "Malformed: the body or query could not be read"),
    ("401", "Not signed in, or the session ended"),
    ("403", "Signed in, but not allowed"),
    ("404", "Not found, or not yours"),
    ("409", "Conflicts with what is stored"),
    ("413", "Too large"),
    ("422", "A rule or a field check refused it"),
    ("429", "Too many attempts; `Retry-After` says when to come back"),
    ("503", "Too busy for this now; `Retry-After` says when to come back"),
];

impl Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        for operation in operations(openapi) {
            for (status, description) in ERROR_STATUSES {
                operation.responses.responses.entry(status.to_string()).or_insert_with(|| {
                    let body = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
                    ResponseBuilder::new().description(description).content("application/json", body).build().into()
                });
            }
        }
    }
}

/// Every operation of the document, whatever its method.
fn operations(openapi: &mut utoipa::openapi::OpenApi) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    openapi.paths.paths.values_mut().flat_map(|item| {
        [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
    })
}

/// The bounds the lists enforce (`dto::page_window`), on every `page` and `per_page` parameter:
/// pages from 1 to `PAGE_DEPTH` (the deepest, at one item a page), 1 to `PER_PAGE_MAX` items a
/// page.
struct PagingBounds;

impl Modify for PagingBounds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use app::dto::{PAGE_DEPTH, PER_PAGE_MAX};
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        let bounded = |maximum: u64| {
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(1))
                .maximum(Some(maximum))
                .build()
        };
        for parameter in operations(openapi).flat_map(|o| o.parameters.iter_mut().flatten()) {
            let maximum = match parameter.name.as_str() {
                "page" => PAGE_DEPTH,
                "per_page" => PER_PAGE_MAX,
                _ => continue,
            };
            parameter.schema = Some(bounded(maximum).into());
        }
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
