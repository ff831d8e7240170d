//! Services: they parse requests with the domain's rules, check the caller's access, own the
//! transactions, and return wire types. Both the JSON API and the server functions call these.

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod billing;
pub mod bookings;
pub mod insider;
pub mod live;
pub mod macs;
pub mod mail_in;
pub mod notifications;
pub mod organizations;
pub mod outbox;
pub mod passwords;
pub mod people;
pub mod projects;
pub mod queues;
pub mod redemptions;
pub mod releases;
pub mod reminders;
pub mod replies;
pub mod reports;
pub mod search;
pub mod settings;
pub mod statements;
pub mod tickets;
pub mod vouchers;

use crate::error::AppError;
use crate::ssr::auth::Access;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

/// A CSV document: the header, then the rows. Callers make each cell `spreadsheet_safe` where it
/// holds what someone typed.
pub(crate) fn csv_document<R>(header: &[&str], rows: R) -> Result<String, AppError>
where
    R: IntoIterator,
    R::Item: IntoIterator,
    <R::Item as IntoIterator>::Item: AsRef<[u8]>,
{
    let mut writer = csv::Writer::from_writer(Vec::new());
    let written =
        writer.write_record(header).and_then(|_| rows.into_iter().try_for_each(|row| writer.write_record(row)));
    written.map_err(|_| AppError::internal())?;
    let bytes = writer.into_inner().map_err(|_| AppError::internal())?;
    String::from_utf8(bytes).map_err(|_| AppError::internal())
}

/// What a client asked for (an after-hours booking, a MACS order) is seen by CyTrack's staff, by
/// the organisation's superusers and by the one who asked; to anyone else it does not exist.
pub(crate) fn sees_request(access: &Access, organization_id: &str, requester_id: &str) -> bool {
    match access {
        Access::Staff(_) => true,
        Access::Customer(c) => c.organization_id == organization_id && (c.superuser || c.user_id == requester_id),
    }
}

/// The same rule as a query's filter, on the request's organisation and requester columns.
pub(crate) fn requests_seen<E: EntityTrait>(
    query: Select<E>,
    access: &Access,
    organization: E::Column,
    requester: E::Column,
) -> Select<E> {
    match access {
        Access::Staff(_) => query,
        Access::Customer(c) => {
            let query = query.filter(organization.eq(c.organization_id.as_str()));
            match c.superuser {
                true => query,
                false => query.filter(requester.eq(c.user_id.as_str())),
            }
        }
    }
}

/// A new public id: a UUID of version 7, which begins with the time it was made, so the ids of
/// rows written together sit side by side in every index keyed by them. Random ids (version 4)
/// put each new row on another page of each such index: at 1,000,000 tickets each insert then
/// read and dirtied pages of its own in the tickets' primary key, their history's and
/// notifications' keys and their foreign keys (docs/architecture.md, "Ids"). An id is no secret:
/// what it names is checked for every reader, and it cannot be counted up to: after its
/// time come a counter seeded at random every millisecond and 32 random bits.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Ids arrive from URLs and bodies as text; anything that is not a UUID cannot exist.
pub fn looks_like_id(id: &str) -> bool {
    uuid::Uuid::parse_str(id).is_ok()
}

#[cfg(test)]
mod tests {
    use super::{looks_like_id, new_id};

    #[test]
    fn ids_made_one_after_another_sort_in_that_order() {
        let ids: Vec<String> = (0..2000).map(|_| new_id()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "each id sorts after the one made before it");
        for id in &ids {
            assert!(looks_like_id(id), "{id} is a UUID");
            assert_eq!(uuid::Uuid::parse_str(id).map(|u| u.get_version_num()).ok(), Some(7), "{id} is of version 7");
        }
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len(), "no id is made twice");
    }
}
