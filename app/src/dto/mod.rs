//! Wire types: what the JSON API and the server functions send and receive. Never a database row.
//! Request fields that name a choice are plain strings, parsed by the domain so that a wrong
//! value gets a 422 naming the field rather than a generic decoding error.

use crate::domain::billing::{BillingTag, CompletionBasis, GoLiveBasis, IrsStatus};
use crate::domain::people::{Role, UserStatus};
use crate::domain::tickets::{Priority, Product, TicketKind, TicketStatus};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct UserDto {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub status: UserStatus,
    pub organization_id: Option<String>,
    pub superuser: bool,
    pub phone: Option<String>,
    pub company: Option<String>,
    #[serde(deserialize_with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    /// Whether the person proved they own the address (by the link mailed at registration).
    pub email_verified: bool,
    /// The time zone their pages show times in; none: the support time zone.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// An instant as chrono writes it (RFC 3339), read with chrono's RFC 3339 parser: the derived
/// reading goes through its general parser, which every first page then carried, since the header
/// reads the signed-in person (docs/benchmarks.md, session 28).
fn rfc3339<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(d)?;
    DateTime::parse_from_rfc3339(&text).map(|t| t.with_timezone(&Utc)).map_err(serde::de::Error::custom)
}

impl UserDto {
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    pub fn is_active(&self) -> bool {
        self.status == UserStatus::Active
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct UserEnvelope {
    pub user: UserDto,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct LoginResponse {
    pub token: String,
    pub user: UserDto,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct RegisterRequest {
    pub name: String,
    pub email: String,
    pub password: String,
    pub company: String,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ApproveRequest {
    pub organization_id: String,
    #[serde(default)]
    pub superuser: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct RejectRequest {
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CreateStaffRequest {
    pub name: String,
    pub email: String,
    /// A first password; left out or empty, the new staff member is mailed a link to choose one.
    #[serde(default)]
    pub password: String,
    /// `agent`, `account_manager` or `admin`.
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct OrganizationDto {
    pub id: String,
    pub name: String,
    pub email_domains: Vec<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct OrganizationEnvelope {
    pub organization: OrganizationDto,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CreateOrganizationRequest {
    pub name: String,
    #[serde(default)]
    pub email_domains: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct BillingDto {
    pub tag: BillingTag,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct TicketDto {
    pub id: String,
    pub number: String,
    pub organization_id: String,
    pub organization_name: String,
    pub requester_id: String,
    pub requester_name: String,
    pub subject: String,
    pub description: String,
    pub kind: TicketKind,
    pub priority: Priority,
    pub status: TicketStatus,
    pub queue: String,
    pub product: Option<Product>,
    pub assignee_id: Option<String>,
    pub assignee_name: Option<String>,
    pub billing: BillingDto,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// The SLA clocks; absent once the ticket is resolved or closed.
    pub sla: Option<SlaDto>,
}

/// SLA clocks travel as the domain computes them.
pub use crate::domain::sla::Clocks as SlaDto;
pub use crate::domain::vouchers::ReservedFor;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct QueueDto {
    pub id: String,
    pub name: String,
    pub position: i32,
    pub kinds: Vec<String>,
    pub products: Vec<String>,
    pub tags: Vec<String>,
    /// Tickets in this queue that still need work.
    pub open_count: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct QueueRequest {
    pub name: String,
    /// Routing order: lower first.
    #[serde(default)]
    pub position: i32,
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub products: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct QueueEnvelope {
    pub queue: QueueDto,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CommentRequest {
    pub body: String,
    /// Internal notes are for CyTrack staff only.
    #[serde(default)]
    pub internal: bool,
    /// The newest reply or note the writer had seen on the ticket ("" when there was none). Given,
    /// the reply is refused with 409 `replied_since` when someone else has posted since; sending
    /// again with the newest id posts it anyway. Left out, nothing is checked.
    #[serde(default)]
    pub last_seen_comment_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CommentEnvelope {
    pub comment: CommentDto,
}

/// Fields to change; absent fields stay. `assignee_id: ""` unassigns.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct UpdateTicketRequest {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub assignee_id: Option<String>,
    #[serde(default)]
    pub queue: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct BulkUpdateRequest {
    pub ticket_ids: Vec<String>,
    #[serde(flatten)]
    pub changes: UpdateTicketRequest,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct BulkUpdateResult {
    pub updated: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct TicketEnvelope {
    pub ticket: TicketDto,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CommentDto {
    pub id: String,
    pub author_id: String,
    pub author_name: String,
    pub body: String,
    pub internal: bool,
    pub created_at: DateTime<Utc>,
    /// The files that came with it.
    #[serde(default)]
    pub attachments: Vec<AttachmentDto>,
}

/// A file on a ticket or a deployment form, downloaded from `GET /api/v1/attachments/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct AttachmentDto {
    pub id: String,
    pub file_name: String,
    /// What the file's bytes are (sniffed), not what the uploader said.
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub comment_id: Option<String>,
    /// The deployment form the file is on; none for a ticket's file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<crate::domain::deployment::ProjectForm>,
    pub internal: bool,
    pub uploaded_by_name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct AttachmentEnvelope {
    /// The first (or only) file sent.
    pub attachment: AttachmentDto,
    /// Every file sent, in order.
    pub attachments: Vec<AttachmentDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct TicketDetail {
    pub ticket: TicketDto,
    pub comments: Vec<CommentDto>,
    /// Files attached to the ticket itself (not with a reply).
    #[serde(default)]
    pub attachments: Vec<AttachmentDto>,
    /// The release the ticket is slated for (its fix's, or an upgrade's target).
    #[serde(default)]
    pub release: Option<SlatedDto>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CreateTicketRequest {
    pub subject: String,
    pub description: String,
    /// `fault`, `change_request`, `macs`, `upgrade` or `question`.
    pub kind: String,
    /// `p1` .. `p4`.
    pub priority: String,
    #[serde(default)]
    pub product: Option<String>,
    /// Staff raise tickets on behalf of an organisation; customers' own is implied.
    #[serde(default)]
    pub organization_id: Option<String>,
}

/// Filters of the ticket list; every one optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct TicketFilter {
    /// One status, several comma-separated, or `open` for every status that still needs work.
    pub status: Option<String>,
    pub kind: Option<String>,
    pub priority: Option<String>,
    pub queue: Option<String>,
    pub billing: Option<String>,
    pub organization_id: Option<String>,
    /// A user's id, `me`, or `none` for unassigned tickets.
    pub assignee_id: Option<String>,
    /// Text to find in the number, subject or description.
    pub q: Option<String>,
    /// `priority` (most urgent, then oldest), `oldest`, `newest` (the default) or `updated`.
    pub sort: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct UserFilter {
    /// `pending`, `active`, `rejected` or `disabled`.
    pub status: Option<String>,
    /// One organisation's people (staff; a client's superuser always sees their own).
    pub organization_id: Option<String>,
    /// `newest` (the default), `oldest` or `name`.
    #[serde(default)]
    pub sort: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Every item the list holds; for a text search, the matches up to `SEARCH_COUNT_MAX`.
    pub total: u64,
    /// False when a text search matched more than `SEARCH_COUNT_MAX` tickets: `total` is then
    /// that bound, the pages go on past it, and a page shorter than asked is the last.
    pub total_exact: bool,
}

/// The page of a list asked for (`page` from 1, `per_page` up to `PER_PAGE_MAX`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct Paging {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl<T> Page<T> {
    /// The page `paging` asks for of a list read whole (a list bounded by the organisations or
    /// by one ticket's entries), with the whole list's total.
    pub fn window(items: Vec<T>, paging: Paging) -> Result<Self, crate::error::AppError> {
        let total = items.len() as u64;
        let (skip, take) = page_window(paging.page, paging.per_page)?;
        let items = items.into_iter().skip(usize::try_from(skip).unwrap_or(usize::MAX)).take(take as usize).collect();
        Ok(Page { items, total, total_exact: true })
    }

    /// A list given whole.
    pub fn whole(items: Vec<T>) -> Self {
        Page { total: items.len() as u64, items, total_exact: true }
    }

    /// One page of a list of `total` items.
    pub fn of(items: Vec<T>, total: u64) -> Self {
        Page { items, total, total_exact: true }
    }

    /// "1 ticket", "37 tickets", or "1000+ tickets" for a search that stopped counting.
    pub fn total_label(&self, noun: &str) -> String {
        let plural = if self.total == 1 && self.total_exact { "" } else { "s" };
        let more = if self.total_exact { "" } else { "+" };
        format!("{}{more} {noun}{plural}", self.total)
    }

    /// Whether a page follows page `page` of `per_page` items (and lies within `PAGE_DEPTH`).
    pub fn has_next(&self, page: u64, per_page: u64) -> bool {
        if page.saturating_mul(per_page) >= PAGE_DEPTH {
            false
        } else if self.total_exact {
            page.saturating_mul(per_page) < self.total
        } else {
            self.items.len() as u64 == per_page
        }
    }
}

/// A text search counts its matches up to this many and says "1,000 or more" beyond: an exact
/// count of a broad search walks every match (the bar products do the same: Zendesk's search stops
/// at 1,000 results, Elasticsearch counts to 10,000 unless told otherwise).
pub const SEARCH_COUNT_MAX: u64 = 1_000;

pub const PER_PAGE_DEFAULT: u64 = 50;
pub const PER_PAGE_MAX: u64 = 200;

/// How deep a list pages: a page must start within the first 10,000 items (issue 20, finding 4:
/// page numbers in the millions made the database walk the whole history to skip to them). Past
/// that, filters or a search narrow the list, as in the bar products (Zendesk's offset paging
/// stops at 10,000 records too).
pub const PAGE_DEPTH: u64 = 10_000;

/// The rows the page asked for covers: how many to skip, and how many to read. A 422 names
/// `page` when it is 0 or starts past `PAGE_DEPTH`, and `per_page` outside 1 to `PER_PAGE_MAX`
/// (the OpenAPI document declares the same bounds: `openapi::PagingBounds`).
pub fn page_window(page: Option<u64>, per_page: Option<u64>) -> Result<(u64, u64), crate::error::AppError> {
    let (page, per_page) = (page.unwrap_or(1), per_page.unwrap_or(PER_PAGE_DEFAULT));
    let mut fields = crate::error::FieldErrors::new();
    if !(1..=PER_PAGE_MAX).contains(&per_page) {
        fields.insert("per_page".into(), format!("Ask for 1 to {PER_PAGE_MAX} items a page."));
    }
    let skip = page.saturating_sub(1).saturating_mul(per_page.max(1));
    if page == 0 {
        fields.insert("page".into(), "Pages are counted from 1.".into());
    } else if skip >= PAGE_DEPTH {
        fields.insert(
            "page".into(),
            format!(
                "Lists go {PAGE_DEPTH} items deep; narrow this one with its filters or a search to reach older items."
            ),
        );
    }
    match fields.is_empty() {
        true => Ok((skip, per_page)),
        false => Err(crate::error::AppError::invalid_fields(fields)),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct DeploymentDto {
    pub organization_id: String,
    pub go_live_on: Option<NaiveDate>,
    pub go_live_basis: GoLiveBasis,
    pub go_live_held: bool,
    pub completion_signed_on: Option<NaiveDate>,
    pub completion_form_issued_on: Option<NaiveDate>,
    pub completion_on: Option<NaiveDate>,
    pub completion_basis: Option<CompletionBasis>,
    pub warranty_ends_on: Option<NaiveDate>,
    pub outstanding_ticket_ids: Vec<String>,
    /// The same tickets by number (`CT-000012`), in the same order.
    pub outstanding_ticket_numbers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct DeploymentEnvelope {
    pub deployment: DeploymentDto,
}

/// What an account manager records of a deployment (API.md). Dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct DeploymentRequest {
    #[serde(default)]
    pub go_live_on: Option<String>,
    /// `signed` or `assessed`.
    pub go_live_basis: String,
    /// A commercial condition attached to go-live is unfulfilled.
    #[serde(default)]
    pub go_live_held: bool,
    #[serde(default)]
    pub completion_signed_on: Option<String>,
    #[serde(default)]
    pub outstanding_ticket_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct IrsContractRequest {
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub starts_on: String,
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub ends_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct IrsContractDto {
    pub id: String,
    pub organization_id: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct IrsContractEnvelope {
    pub irs_contract: IrsContractDto,
}

/// An organisation as an account manager watches it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct AccountDto {
    pub organization: OrganizationDto,
    pub deployment: Option<DeploymentDto>,
    pub irs_contracts: Vec<IrsContractDto>,
    pub irs_status: IrsStatus,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ReclassifyRequest {
    /// `deployment`, `warranty`, `irs` or `billable`.
    pub tag: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct TimeEntryRequest {
    pub minutes: i64,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct TimeEntryDto {
    pub id: String,
    pub ticket_id: String,
    pub author_id: String,
    pub author_name: String,
    pub minutes: i32,
    pub note: String,
    pub worked_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct TimeEntryEnvelope {
    pub time_entry: TimeEntryDto,
}

/// One change in a ticket's history: who, when, what, from, to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct HistoryDto {
    pub id: i64,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct MonthQuery {
    /// `YYYY-MM`; none: the month it is now in the support calendar's zone
    pub month: Option<String>,
}

/// Billable minutes of one organisation in one month, by ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct BillingExport {
    pub organization_id: String,
    pub organization_name: String,
    pub month: String,
    pub rows: Vec<BillingExportRow>,
    pub total_billable_minutes: i64,
    /// Of the billable time, what vouchers redeemed on the tickets paid, and what is invoiced:
    /// the two add up to `total_billable_minutes`.
    pub total_paid_by_vouchers_minutes: i64,
    pub total_to_invoice_minutes: i64,
    /// Installation beyond the agreed inclusions, billed in the month the installation was done
    /// (its project moved on to training).
    pub additional_fees: Vec<AdditionalFeeRow>,
}

/// One item installed beyond what a deployment's standard fee includes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct AdditionalFeeRow {
    pub project_id: String,
    pub project_name: String,
    pub item: crate::domain::deployment::InclusionItem,
    pub label: String,
    pub agreed: u32,
    pub installed: u32,
    /// Installed beyond the agreement: the quantity to invoice.
    pub additional: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct BillingExportRow {
    pub ticket_id: String,
    pub number: String,
    pub subject: String,
    /// Billable time worked on the ticket in the month.
    pub minutes: i64,
    /// Of it, paid by vouchers (`domain::billing::split_billable`) and to invoice.
    pub paid_by_vouchers_minutes: i64,
    pub to_invoice_minutes: i64,
    /// The redemptions on the ticket (not refunded) that pay its time.
    pub redemption_ids: Vec<String>,
}

/// The API's error body: `{"error": {code, message, fields?}}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<std::collections::BTreeMap<String, String>>,
}

impl From<&crate::error::AppError> for ErrorBody {
    fn from(e: &crate::error::AppError) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code: e.code.clone(),
                message: e.message.clone(),
                fields: (!e.fields.is_empty()).then(|| e.fields.clone()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_is_the_page_asked_for_with_the_whole_total() {
        let numbers: Vec<u32> = (1..=120).collect();
        let cases = [
            (None, None, 1, 50, 120),
            (Some(2), None, 51, 50, 120),
            (Some(3), None, 101, 20, 120),
            (Some(4), None, 0, 0, 120),
            (Some(2), Some(7), 8, 7, 120),
            (Some(1), Some(200), 1, 120, 120),
        ];
        for (page, per_page, first, len, total) in cases {
            let got = Page::window(numbers.clone(), Paging { page, per_page }).unwrap();
            assert_eq!(
                (got.items.first().copied().unwrap_or(0), got.items.len(), got.total),
                (first, len, total),
                "{page:?} {per_page:?}"
            );
        }
    }

    #[test]
    fn paging_is_bounded_and_goes_so_deep() {
        let cases = [
            ((None, None), Some((0, 50))),
            ((Some(0), Some(10)), None),
            ((Some(1), Some(0)), None),
            ((Some(3), Some(500)), None),
            ((Some(3), Some(200)), Some((400, 200))),
            ((Some(3), Some(20)), Some((40, 20))),
            ((Some(200), Some(50)), Some((9_950, 50))),
            ((Some(201), Some(50)), None),
            ((Some(51), Some(200)), None),
            ((Some(10_000), Some(1)), Some((9_999, 1))),
            ((Some(10_001), Some(1)), None),
            ((Some(u64::MAX), Some(u64::MAX)), None),
        ];
        for ((page, per_page), expected) in cases {
            let got = page_window(page, per_page);
            assert_eq!(got.as_ref().ok().copied(), expected, "page {page:?} of {per_page:?}");
            if let Err(e) = got {
                assert!(e.fields.contains_key("page") || e.fields.contains_key("per_page"), "{e:?}");
            }
        }
    }

    #[test]
    fn page_totals_read_as_counts_or_lower_bounds() {
        let page = |items: usize, total: u64, total_exact: bool| Page { items: vec![(); items], total, total_exact };
        // (items on the page, total, exact, page number, per page) -> (label, a next page)
        let cases = [
            ((0, 0, true, 1, 50), ("0 tickets", false)),
            ((1, 1, true, 1, 50), ("1 ticket", false)),
            ((50, 120, true, 2, 50), ("120 tickets", true)),
            ((20, 120, true, 3, 50), ("120 tickets", false)),
            ((50, 100, true, 2, 50), ("100 tickets", false)),
            ((50, 1000, false, 1, 50), ("1000+ tickets", true)),
            ((50, 1000, false, 40, 50), ("1000+ tickets", true)),
            ((7, 1000, false, 41, 50), ("1000+ tickets", false)),
            // No link to a page past the depth lists page to.
            ((50, 20_000, true, 199, 50), ("20000 tickets", true)),
            ((50, 20_000, true, 200, 50), ("20000 tickets", false)),
        ];
        for ((items, total, exact, number, per_page), (label, next)) in cases {
            let p = page(items, total, exact);
            assert_eq!(p.total_label("ticket"), label);
            assert_eq!(p.has_next(number, per_page), next, "{label}, page {number}");
        }
    }

    #[test]
    fn a_person_reads_back_as_written_whatever_the_precision_of_their_creation() {
        let person = |created_at: &str| UserDto {
            id: "u1".into(),
            name: "Avery".into(),
            email: "avery@granite.test".into(),
            role: Role::Customer,
            status: UserStatus::Active,
            organization_id: Some("o1".into()),
            superuser: true,
            phone: None,
            company: None,
            created_at: DateTime::parse_from_rfc3339(created_at).unwrap().with_timezone(&Utc),
            email_verified: true,
            time_zone: None,
        };
        for written in ["2026-12-02T11:27:17Z", "2026-12-02T11:27:17.5Z", "2026-12-02T11:27:17.123456789+01:00"] {
            let user = person(written);
            let json = serde_json::to_string(&user).unwrap();
            assert_eq!(serde_json::from_str::<UserDto>(&json).unwrap(), user, "{json}");
        }
        let wrong =
            serde_json::to_string(&person("2026-12-02T11:27:17Z")).unwrap().replace("2026-12-02T", "2026-12-02 at ");
        assert!(serde_json::from_str::<UserDto>(&wrong).is_err(), "not an instant: {wrong}");
    }

    #[test]
    fn error_body_has_the_api_shape() {
        let mut fields = std::collections::BTreeMap::new();
        fields.insert("email".to_string(), "Enter your e-mail address.".to_string());
        let body = ErrorBody::from(&crate::error::AppError::invalid_fields(fields));
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["error"]["code"], "invalid_fields");
        assert_eq!(json["error"]["fields"]["email"], "Enter your e-mail address.");
        let plain = serde_json::to_value(ErrorBody::from(&crate::error::AppError::unauthenticated())).unwrap();
        assert!(plain["error"].get("fields").is_none());
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct IssueVoucherRequest {
    pub minutes: i64,
    /// `YYYY-MM-DD`, today or later.
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub expires_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct VoucherDto {
    pub id: String,
    pub code: String,
    pub minutes: i32,
    pub remaining_minutes: i64,
    pub reserved_minutes: i64,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub expired: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct VoucherEnvelope {
    pub voucher: VoucherDto,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct BalanceDto {
    pub available_minutes: i64,
    pub reserved_minutes: i64,
    /// `reserved_minutes` by what holds them: after-hours bookings and MACS orders.
    pub reserved_for: ReservedFor,
    pub expiring_soon_minutes: i64,
    pub next_expiry_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct VouchersDto {
    pub vouchers: Vec<VoucherDto>,
    pub balance: BalanceDto,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct LedgerEntryDto {
    pub id: String,
    /// `issue`, `reserve`, `release`, `redeem`, `refund` or `expire`.
    pub kind: String,
    pub minutes: i32,
    pub voucher_id: String,
    pub voucher_code: String,
    pub ticket_id: Option<String>,
    pub booking_id: Option<String>,
    /// The MACS order a reservation, release or redemption belongs to.
    pub order_id: Option<String>,
    pub redemption_id: Option<String>,
    pub actor_id: Option<String>,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct RedeemRequest {
    pub minutes: i64,
    /// Send the same key again to retry safely: the redemption happens once.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct RedemptionDto {
    pub id: String,
    pub ticket_id: String,
    pub minutes: i32,
    pub created_at: DateTime<Utc>,
    pub refunded: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct RedemptionResult {
    pub redemption: RedemptionDto,
    pub balance: BalanceDto,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct RefundRequest {
    pub reason: String,
}

/// One organisation's standing, for account managers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct BalanceRow {
    pub organization_id: String,
    pub organization_name: String,
    pub available_minutes: i64,
    pub reserved_minutes: i64,
    pub reserved_for: ReservedFor,
    pub expiring_soon_minutes: i64,
    pub next_expiry_on: Option<NaiveDate>,
    /// Redeemed minus refunded over the last 90 days.
    pub redeemed_last_90_days: i64,
    /// When the balance runs out at that pace.
    pub runs_out_on: Option<NaiveDate>,
}

/// The business calendar as API.md gives it: closed days are absent or null; multipliers as
/// numbers (1.5 means x1.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct BusinessHoursDto {
    pub time_zone: String,
    /// `"mon": ["08:30", "17:30"]`, ... through `"sun"`.
    pub week: std::collections::BTreeMap<String, Option<(String, String)>>,
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
    pub multipliers: MultipliersDto,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct MultipliersDto {
    pub weekday_evening: f64,
    pub weekend: f64,
    pub holiday: f64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct BookingRequest {
    /// RFC 3339, e.g. `2026-12-05T22:00:00Z`.
    pub starts_at: String,
    pub ends_at: String,
    pub description: String,
    pub contact_name: String,
    pub contact_phone: String,
    #[serde(default)]
    pub ticket_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct SegmentDto {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// 1.5 means x1.5.
    pub multiplier: f64,
}

/// A search of after-hours bookings: by status, a page at a time (soonest first).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct BookingFilter {
    /// `requested`, `approved`, `scheduled`, `completed`, `declined` or `cancelled`.
    pub status: Option<String>,
    /// `soonest` (the default) or `latest`.
    #[serde(default)]
    pub sort: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct BookingDto {
    pub id: String,
    /// `requested`, `approved`, `declined`, `scheduled`, `completed` or `cancelled`.
    pub status: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub quote_minutes: i64,
    pub segments: Vec<SegmentDto>,
    pub ticket_id: String,
    pub ticket_number: String,
    pub organization_id: String,
    pub organization_name: String,
    /// Who asked for the booking (they may cancel it).
    pub requester_id: String,
    pub description: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub engineer_id: Option<String>,
    pub engineer_name: Option<String>,
    pub actual_minutes: Option<i64>,
    pub decision_note: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct BookingEnvelope {
    pub booking: BookingDto,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct ScheduleRequest {
    pub engineer_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(ToSchema))]
pub struct CompleteRequest {
    pub actual_minutes: i64,
}

mod accounts;
mod audit;
mod deployment;
mod live;
mod macs;
mod notifications;
mod releases;
mod reports;
mod statements;
pub use accounts::*;
pub use audit::*;
pub use deployment::*;
pub use live::*;
pub use macs::*;
pub use notifications::*;
pub use releases::*;
pub use reports::*;
pub use statements::*;
