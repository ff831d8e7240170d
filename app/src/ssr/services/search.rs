//! Ticket text search: what a typed search matches, narrowed by a list's filters, counted only as
//! far as a list shows it.
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
//! folding is the tokenizer's business), goes to FTS5 as a prefix query. The index also holds each
//! ticket's facets (migration 12), so the list's filters join the words in one FTS5 query and the
//! index alone counts and pages a search (`Indexed`). On PostgreSQL the words go to the
//! GIN-indexed `search_document` as a prefix `tsquery`, a condition like any other filter.

use crate::domain::text::search_terms;
use crate::dto::SEARCH_COUNT_MAX;
use crate::error::AppError;
use crate::ssr::entities::ticket;
use sea_orm::sea_query::{Alias, BinOper, Expr, Func, JoinType, Order, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, QueryFilter, QuerySelect, QueryTrait, Select, Statement,
};

/// The most indexed words one typed word is expanded into before FTS5's prefix query is used.
const EXPANSION_MAX: usize = 64;

/// A field lists filter tickets by, which the search index also holds (SQLite, migration 12: the
/// letters there and here agree).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Facet {
    Organization,
    Requester,
    Queue,
    Status,
    Kind,
    Priority,
    Billing,
    /// The empty value is "no assignee".
    Assignee,
}

impl Facet {
    fn letter(self) -> char {
        match self {
            Facet::Organization => 'o',
            Facet::Requester => 'r',
            Facet::Queue => 'q',
            Facet::Status => 's',
            Facet::Kind => 'k',
            Facet::Priority => 'p',
            Facet::Billing => 'b',
            Facet::Assignee => 'a',
        }
    }

    fn column(self) -> ticket::Column {
        match self {
            Facet::Organization => ticket::Column::OrganizationId,
            Facet::Requester => ticket::Column::RequesterId,
            Facet::Queue => ticket::Column::Queue,
            Facet::Status => ticket::Column::Status,
            Facet::Kind => ticket::Column::Kind,
            Facet::Priority => ticket::Column::Priority,
            Facet::Billing => ticket::Column::BillingTag,
            Facet::Assignee => ticket::Column::AssigneeId,
        }
    }

    /// The index's token for this value: the letter and the hex of the value's bytes (as SQLite's
    /// `hex()` writes it in migration 12; the tokenizer folds the case).
    fn token(self, value: &str) -> String {
        let hex: String = value.bytes().map(|b| format!("{b:02x}")).collect();
        format!("\"{}{hex}\"", self.letter())
    }
}

/// What a list is narrowed to, field by field (each field one of some values): the same narrowing
/// as a condition on tickets and as clauses for the search index.
#[derive(Debug, Clone)]
pub struct Facets {
    condition: Condition,
    clauses: Vec<String>,
}

impl Default for Facets {
    fn default() -> Self {
        Facets { condition: Condition::all(), clauses: Vec::new() }
    }
}

impl Facets {
    /// Narrows to tickets whose `facet` is one of `values` (none of them: no ticket).
    pub fn add<S: AsRef<str>>(&mut self, facet: Facet, values: &[S]) {
        let mut any = Condition::any();
        for value in values.iter().map(AsRef::as_ref) {
            any = any.add(match (facet, value) {
                (Facet::Assignee, "") => facet.column().is_null(),
                _ => facet.column().eq(value),
            });
        }
        if values.is_empty() {
            any = any.add(Expr::val(1).eq(0));
        }
        self.condition = std::mem::replace(&mut self.condition, Condition::all()).add(any);
        let tokens: Vec<String> = values.iter().map(|v| facet.token(v.as_ref())).collect();
        // An empty OR is no FTS5 syntax; "0" is no token the facets hold (each starts with a letter).
        let tokens = if tokens.is_empty() { "\"0\"".to_string() } else { tokens.join(" OR ") };
        self.clauses.push(format!("facets : ({tokens})"));
    }

    /// `query` narrowed to these facets.
    pub fn apply(&self, query: Select<ticket::Entity>) -> Select<ticket::Entity> {
        query.filter(self.condition.clone())
    }
}

/// A search, ready for the database it runs on.
#[derive(Debug, Clone, PartialEq)]
pub struct TextSearch {
    /// The words as a full-text query (FTS5 `MATCH` text limited to the subject and description,
    /// or PostgreSQL `tsquery` text); `None` when no word was typed or a word begins no indexed
    /// word.
    words: Option<String>,
    /// The ticket number the text names.
    number: Option<i64>,
}

impl TextSearch {
    /// Reads what `q` asks for. On SQLite this looks each word up in the word list.
    pub async fn prepare(db: &impl ConnectionTrait, q: &str) -> Result<TextSearch, AppError> {
        let trimmed = q.trim();
        if let Some(digits) = trimmed.strip_prefix("CT-").or_else(|| trimmed.strip_prefix("ct-")) {
            if let Ok(number) = digits.parse::<i64>() {
                return Ok(TextSearch { words: None, number: Some(number) });
            }
        }
        let terms = search_terms(trimmed);
        let words = if terms.is_empty() {
            None
        } else {
            match db.get_database_backend() {
                DatabaseBackend::Sqlite => fts_query(db, &terms).await?,
                _ => Some(terms.iter().map(|t| format!("{t}:*")).collect::<Vec<_>>().join(" & ")),
            }
        };
        Ok(TextSearch { words, number: trimmed.parse::<i64>().ok() })
    }

    /// On SQLite, a search for words alone is answered by the index: the words and the list's
    /// facets in one FTS5 query. `None` for any other search (see `condition`).
    pub fn indexed(&self, backend: DatabaseBackend, facets: &Facets) -> Option<Indexed> {
        match (backend, &self.words, self.number) {
            (DatabaseBackend::Sqlite, Some(words), None) => {
                let clauses: Vec<&str> =
                    std::iter::once(words.as_str()).chain(facets.clauses.iter().map(String::as_str)).collect();
                Some(Indexed(clauses.join(" AND ")))
            }
            _ => None,
        }
    }

    /// The tickets it matches, as a condition on `tickets` (nothing at all when nothing can match).
    pub fn condition(&self, backend: DatabaseBackend) -> Condition {
        let mut condition = Condition::any();
        if let Some(words) = &self.words {
            condition = condition.add(match backend {
                // The FTS5 table is keyed by ticket number.
                DatabaseBackend::Sqlite => ticket::Column::Number.in_subquery(fts_numbers(words)),
                _ => {
                    let query =
                        Func::cust(Alias::new("to_tsquery")).arg(Expr::cust("'simple'::regconfig")).arg(words.clone());
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
}

/// A search the index answers alone, narrowed by the list's facets (SQLite): one FTS5 query.
#[derive(Debug, Clone, PartialEq)]
pub struct Indexed(String);

impl Indexed {
    /// How many tickets match, counted up to `SEARCH_COUNT_MAX`; the bool says whether that is
    /// all of them.
    pub async fn count(&self, db: &impl ConnectionTrait) -> Result<(u64, bool), AppError> {
        count_at_most(db, fts_numbers(&self.0)).await
    }

    /// A page of the matches' numbers in number order: the index holds ticket numbers, so it pages
    /// its own matches and only the page's tickets are read.
    pub async fn page(
        &self,
        db: &impl ConnectionTrait,
        order: Order,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<i64>, AppError> {
        let page = fts_numbers(&self.0).order_by(Alias::new("rowid"), order).limit(limit).offset(offset).to_owned();
        Ok(db
            .query_all(db.get_database_backend().build(&page))
            .await?
            .iter()
            .map(|r| r.try_get_by_index::<i64>(0))
            .collect::<Result<_, _>>()?)
    }

    /// A page of the matches' numbers ordered by `facet` (its values in the order given), then by
    /// number: one query per value, each narrowed to that value and paged by the index in number
    /// order, the offset carried from one value to the next. A value's matches are counted only
    /// when the page starts past them, and then only as far as the offset.
    pub async fn page_grouped(
        &self,
        db: &impl ConnectionTrait,
        facet: Facet,
        values: &[&str],
        offset: u64,
        limit: u64,
    ) -> Result<Vec<i64>, AppError> {
        let mut numbers = Vec::new();
        let mut skip = offset;
        for value in values {
            let wanted = limit.saturating_sub(numbers.len() as u64);
            if wanted == 0 {
                break;
            }
            let group = Indexed(format!("{} AND facets : ({})", self.0, facet.token(value)));
            let found = group.page(db, Order::Asc, skip, wanted).await?;
            skip = match (found.is_empty(), skip) {
                // The page starts past this value's matches, which are fewer than `skip`.
                (true, 1..) => skip - count_up_to(db, fts_numbers(&group.0), skip).await?,
                // Some were found (or none skipped): the next value's matches follow at once.
                _ => 0,
            };
            numbers.extend(found);
        }
        Ok(numbers)
    }

    /// The numbers of a page of `query` (in an order of its own, such as last update) narrowed to
    /// the matches. The matches are read first and each looked up by number (`tickets_fts CROSS
    /// JOIN tickets`, an order SQLite keeps as written), then sorted: the cost grows with the
    /// matches. Walking `query` in its order and checking each ticket against the index instead
    /// costs 1 ms or more per ticket checked at 1,000,000 tickets (docs/benchmarks.md), and a
    /// page of scattered matches checks thousands.
    pub async fn page_sorted(
        &self,
        db: &impl ConnectionTrait,
        query: Select<ticket::Entity>,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<i64>, AppError> {
        let table = Alias::new("tickets_fts");
        let joined = Expr::col((table.clone(), Alias::new("rowid"))).equals((ticket::Entity, ticket::Column::Number));
        let mut query = query.select_only().column(ticket::Column::Number).offset(offset).limit(limit);
        QueryTrait::query(&mut query)
            .from_clear()
            .from(table.clone())
            .join(JoinType::CrossJoin, ticket::Entity, joined)
            .and_where(Expr::col(table).binary(BinOper::Custom("MATCH"), self.0.clone()));
        Ok(query.into_tuple::<i64>().all(db).await?)
    }
}

/// The FTS5 query for these words: each the OR of the indexed words it begins (or a prefix query),
/// all of them required, in the subject or description (not the facets). `None` when a word
/// begins no indexed word, so nothing can match.
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
    Ok(Some(format!("{{subject description}} : ({})", parts.join(" AND "))))
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
    let found = count_up_to(db, query, SEARCH_COUNT_MAX + 1).await?;
    Ok((found.min(SEARCH_COUNT_MAX), found <= SEARCH_COUNT_MAX))
}

/// How many rows `query` returns, or `max` if that many or more.
async fn count_up_to(db: &impl ConnectionTrait, mut query: SelectStatement, max: u64) -> Result<u64, AppError> {
    let limited = query.limit(max).to_owned();
    let count = Query::select().expr(Expr::cust("COUNT(*)")).from_subquery(limited, Alias::new("matches")).to_owned();
    let row = db.query_one(db.get_database_backend().build(&count)).await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0).max(0) as u64)
}
