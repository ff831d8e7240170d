//! Ticket text search: what a typed search matches, and counting matches only as far as a list
//! shows them.
//!
//! A ticket number typed as `CT-000042` is looked up by its index alone; other text is searched
//! word by word in the subject and description, each word as the start of indexed words
//! ("wallb" finds "wallboard"), every word required; text that is all digits also matches the
//! ticket with that number.
//!
//! On SQLite the words go to FTS5. Each typed word is first turned into the indexed words it
//! begins, read from `search_words` (migration 11), so FTS5 gets an OR of whole words it can walk
//! lazily instead of a prefix query it would merge in full. A word that begins more than
//! `EXPANSION_MAX` indexed words, or holds characters other than ASCII letters and digits (whose
//! folding is the tokenizer's business), goes to FTS5 as a prefix query. On PostgreSQL the words go
//! to the GIN-indexed `search_document` as a prefix `tsquery`.

use crate::domain::text::search_terms;
use crate::dto::SEARCH_COUNT_MAX;
use crate::error::AppError;
use crate::ssr::entities::ticket;
use sea_orm::sea_query::{Alias, BinOper, Expr, Func, JoinType, Order, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, QueryTrait, Select, Statement};

/// How a search joins the rest of a list (see `TextSearch::plan`).
pub enum Plan {
    /// A condition on tickets like any other filter.
    Filter(Condition),
    /// Each ticket the other filters give is checked against the index (SQLite; the FTS5 query).
    CheckEachTicket(String),
    /// The index's matches are walked in this number order, each ticket looked up (SQLite).
    WalkMatches(String, Order),
}

/// The most indexed words one typed word is expanded into before FTS5's prefix query is used.
const EXPANSION_MAX: usize = 64;

/// Up to this many matches, a search narrowed by other filters reads its matches first and looks
/// the tickets up; beyond, it checks each ticket the other filters give against the index.
const FEW_MATCHES: u64 = 2_000;

/// A search, ready for the database it runs on.
#[derive(Debug, Clone, PartialEq)]
pub struct TextSearch {
    /// The full-text query (FTS5 `MATCH` or PostgreSQL `tsquery` text); `None` when no word was
    /// typed or a word begins no indexed word.
    index: Option<String>,
    /// The ticket number the text names.
    number: Option<i64>,
}

impl TextSearch {
    /// Reads what `q` asks for. On SQLite this looks each word up in the word list.
    pub async fn prepare(db: &impl ConnectionTrait, q: &str) -> Result<TextSearch, AppError> {
        let trimmed = q.trim();
        if let Some(digits) = trimmed.strip_prefix("CT-").or_else(|| trimmed.strip_prefix("ct-")) {
            if let Ok(number) = digits.parse::<i64>() {
                return Ok(TextSearch { index: None, number: Some(number) });
            }
        }
        let terms = search_terms(trimmed);
        let index = if terms.is_empty() {
            None
        } else {
            match db.get_database_backend() {
                DatabaseBackend::Sqlite => fts_query(db, &terms).await?,
                _ => Some(terms.iter().map(|t| format!("{t}:*")).collect::<Vec<_>>().join(" & ")),
            }
        };
        Ok(TextSearch { index, number: trimmed.parse::<i64>().ok() })
    }

    /// How to join the search to the rest of a list narrowed by other filters. On SQLite this
    /// first counts the matches up to `FEW_MATCHES`: SQLite cannot weigh the ways itself (it sees
    /// the FTS5 table as a black box, and turns a correlated `EXISTS` into an `IN` that reads every
    /// match), so the choice is made here:
    /// - few matches: read them first (`IN`), a handful of lookups;
    /// - many, and the other filters leave few tickets (one organisation, one requester, one
    ///   assignee) or the order is not the index's: check each ticket they give against the index;
    /// - many, and the filters are broad (a queue, a status): walk the matches in number order
    ///   and look each ticket up until the page is full.
    ///
    /// A common word read first would read 250,000 matches; a rare one checked ticket by ticket
    /// would visit every ticket of a queue.
    /// `number_order` is the list's order when it sorts by ticket number.
    pub async fn plan(
        &self,
        db: &impl ConnectionTrait,
        narrow: bool,
        number_order: Option<Order>,
    ) -> Result<Plan, AppError> {
        let (DatabaseBackend::Sqlite, Some(index), None) = (db.get_database_backend(), &self.index, self.number) else {
            return Ok(Plan::Filter(self.condition(db.get_database_backend())));
        };
        let (found, _) = count_up_to(db, fts_numbers(index), FEW_MATCHES).await?;
        Ok(if found < FEW_MATCHES {
            Plan::Filter(self.condition(DatabaseBackend::Sqlite))
        } else {
            match number_order {
                Some(order) if !narrow => Plan::WalkMatches(index.clone(), order),
                _ => Plan::CheckEachTicket(index.clone()),
            }
        })
    }

    /// The tickets it matches, as a condition on `tickets` (nothing at all when nothing can match).
    fn condition(&self, backend: DatabaseBackend) -> Condition {
        let mut condition = Condition::any();
        if let Some(index) = &self.index {
            condition = condition.add(match backend {
                // The FTS5 table is keyed by ticket number.
                DatabaseBackend::Sqlite => ticket::Column::Number.in_subquery(fts_numbers(index)),
                _ => {
                    let query =
                        Func::cust(Alias::new("to_tsquery")).arg(Expr::cust("'simple'::regconfig")).arg(index.clone());
                    Expr::col((ticket::Entity, Alias::new("search_document"))).binary(BinOper::Custom("@@"), query)
                }
            });
        }
        if let Some(number) = self.number {
            condition = condition.add(ticket::Column::Number.eq(number));
        }
        if condition.is_empty() {
            condition = condition.add(Expr::val(1).eq(0));
        }
        condition
    }

    /// The FTS5 query alone, when words are all the search holds (SQLite): the index can then
    /// count and page the matches by itself.
    pub fn words_only(&self, backend: DatabaseBackend) -> Option<&str> {
        match (backend, &self.index, self.number) {
            (DatabaseBackend::Sqlite, Some(index), None) => Some(index),
            _ => None,
        }
    }
}

/// The FTS5 query for these words: each the OR of the indexed words it begins (or a prefix query),
/// all of them required. `None` when a word begins no indexed word, so nothing can match.
async fn fts_query(db: &impl ConnectionTrait, terms: &[String]) -> Result<Option<String>, AppError> {
    let mut parts = Vec::with_capacity(terms.len());
    for term in terms {
        let prefix = format!("\"{}\"*", term.replace('"', "\"\""));
        if !term.chars().all(|c| c.is_ascii_alphanumeric()) {
            parts.push(prefix);
            continue;
        }
        let words = words_beginning(db, term).await?;
        match words.len() {
            0 => return Ok(None),
            n if n > EXPANSION_MAX => parts.push(prefix),
            _ => parts.push(format!(
                "({})",
                words.iter().map(|w| format!("\"{}\"", w.replace('"', "\"\""))).collect::<Vec<_>>().join(" OR ")
            )),
        }
    }
    Ok(Some(parts.join(" AND ")))
}

/// Up to `EXPANSION_MAX + 1` indexed words beginning with `prefix` (ASCII), in order.
async fn words_beginning(db: &impl ConnectionTrait, prefix: &str) -> Result<Vec<String>, AppError> {
    // Every word beginning with the prefix sorts at or after it and before the prefix followed by
    // the highest character there is.
    let statement = Statement::from_sql_and_values(
        DatabaseBackend::Sqlite,
        "SELECT word FROM search_words WHERE word >= ? AND word < ? ORDER BY word LIMIT ?",
        [prefix.into(), format!("{prefix}\u{10FFFF}").into(), ((EXPANSION_MAX + 1) as i64).into()],
    );
    Ok(db.query_all(statement).await?.iter().map(|row| row.try_get_by_index::<String>(0)).collect::<Result<_, _>>()?)
}

/// Narrows `query` to tickets the index matches, checked ticket by ticket: the tickets table comes
/// first in a `CROSS JOIN`, which SQLite keeps as the outer loop.
pub fn check_each_ticket(query: &mut Select<ticket::Entity>, index: &str) {
    let table = Alias::new("tickets_fts");
    query
        .query()
        .join(
            JoinType::CrossJoin,
            table.clone(),
            Expr::col((table.clone(), Alias::new("rowid"))).equals((ticket::Entity, ticket::Column::Number)),
        )
        .and_where(Expr::col(table).binary(BinOper::Custom("MATCH"), index));
}

/// The ticket numbers of `filtered` (a select of `tickets.number` with the list's filters) the
/// index matches, walked in the index's order: the FTS5 table comes first in a `CROSS JOIN`.
fn walked(filtered: SelectStatement, index: &str) -> SelectStatement {
    let table = Alias::new("tickets_fts");
    let mut walk = filtered;
    walk.from_clear()
        .from(table.clone())
        .join(
            JoinType::CrossJoin,
            ticket::Entity,
            Expr::col((ticket::Entity, ticket::Column::Number)).equals((table.clone(), Alias::new("rowid"))),
        )
        .and_where(Expr::col(table).binary(BinOper::Custom("MATCH"), index));
    walk
}

/// A page of ticket numbers by walking the matches (`Plan::WalkMatches`).
pub async fn walk_page(
    db: &impl ConnectionTrait,
    filtered: SelectStatement,
    index: &str,
    order: Order,
    offset: u64,
    limit: u64,
) -> Result<Vec<i64>, AppError> {
    let page = walked(filtered, index)
        .order_by((Alias::new("tickets_fts"), Alias::new("rowid")), order)
        .limit(limit)
        .offset(offset)
        .to_owned();
    numbers(db, page).await
}

/// How many tickets walking the matches finds, up to `SEARCH_COUNT_MAX`.
pub async fn walk_count(
    db: &impl ConnectionTrait,
    filtered: SelectStatement,
    index: &str,
) -> Result<(u64, bool), AppError> {
    count_at_most(db, walked(filtered, index)).await
}

async fn numbers(db: &impl ConnectionTrait, query: SelectStatement) -> Result<Vec<i64>, AppError> {
    Ok(db
        .query_all(db.get_database_backend().build(&query))
        .await?
        .iter()
        .map(|r| r.try_get_by_index::<i64>(0))
        .collect::<Result<_, _>>()?)
}

/// The ticket numbers (FTS5 rowids) an FTS5 query matches.
fn fts_numbers(index: &str) -> SelectStatement {
    let table = Alias::new("tickets_fts");
    Query::select()
        .expr(Expr::col(Alias::new("rowid")))
        .from(table.clone())
        .and_where(Expr::col(table).binary(BinOper::Custom("MATCH"), index))
        .to_owned()
}

/// How many rows `query` returns, counted up to `SEARCH_COUNT_MAX`; the bool says whether that is
/// all of them.
pub async fn count_at_most(db: &impl ConnectionTrait, query: SelectStatement) -> Result<(u64, bool), AppError> {
    count_up_to(db, query, SEARCH_COUNT_MAX).await
}

/// How many rows `query` returns, counted up to `most`; the bool says whether that is all of them.
async fn count_up_to(
    db: &impl ConnectionTrait,
    mut query: SelectStatement,
    most: u64,
) -> Result<(u64, bool), AppError> {
    let limited = query.limit(most + 1).to_owned();
    let count = Query::select().expr(Expr::cust("COUNT(*)")).from_subquery(limited, Alias::new("matches")).to_owned();
    let row = db.query_one(db.get_database_backend().build(&count)).await?;
    let found = row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0).max(0) as u64;
    Ok((found.min(most), found <= most))
}

/// How many tickets an FTS5 query matches, up to `SEARCH_COUNT_MAX` (SQLite).
pub async fn index_count(db: &impl ConnectionTrait, index: &str) -> Result<(u64, bool), AppError> {
    count_at_most(db, fts_numbers(index)).await
}

/// A page of an FTS5 query's matches in number order: the index holds ticket numbers, so it pages
/// its own matches and only the page's tickets are read (SQLite).
pub async fn index_page(
    db: &impl ConnectionTrait,
    index: &str,
    order: Order,
    offset: u64,
    limit: u64,
) -> Result<Vec<i64>, AppError> {
    numbers(db, fts_numbers(index).order_by(Alias::new("rowid"), order).limit(limit).offset(offset).to_owned()).await
}
