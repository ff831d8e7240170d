//! Ticket text search: what a typed search matches, narrowed by a list's filters, counted only as
//! far as a list shows it.
//!
//! A ticket number typed as `CT-000042` is looked up by its index alone; other text is searched
//! word by word in the subject and description, each word as the start of indexed words
//! ("wallb" finds "wallboard"), every word required; text that is all digits also matches the
//! ticket with that number.
//!
//! On SQLite the words go to FTS5. Each typed word is first turned into the indexed words it
//! begins, read from `search_words` (migration 11) and from the words of tickets written since the
//! last harvest (`harvest_words`, migration 32), so FTS5 gets an OR of whole words it can walk
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
use chrono::{DateTime, Datelike, Months, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use sea_orm::sea_query::{Alias, BinOper, Expr, Func, JoinType, Order, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Select, Statement,
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

    fn token(self, value: &str) -> String {
        token(self.letter(), value)
    }
}

/// The FTS5 clause for the tickets whose facets hold any of `tokens` (none: no ticket; an empty
/// OR is no FTS5 syntax, and "0" is no token the facets hold, each starting with a letter).
fn any_facet(tokens: &[String]) -> String {
    match tokens.is_empty() {
        true => "facets : \"0\"".to_string(),
        false => format!("facets : ({})", tokens.join(" OR ")),
    }
}

/// The index's token for a facet's value: its letter and the hex of the value's bytes (as SQLite's
/// `hex()` writes it in migrations 12 and 14; the tokenizer folds the case).
fn token(letter: char, value: &str) -> String {
    let hex: String = value.bytes().map(|b| format!("{b:02x}")).collect();
    format!("\"{letter}{hex}\"")
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
        self.clauses.push(any_facet(&tokens));
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
            let group = self.narrowed(&[facet.token(value)]);
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

    /// A page of the matches' numbers, most recently updated first, in the order of `query` (the
    /// list sorted by last update, then by number); `total` is how many match, as counted. A
    /// search of at most `SORT_MAX` matches reads them and sorts them. Otherwise the index, which
    /// holds the month, day and hour of each ticket's last update (migration 14), is asked for
    /// the matches a month at a time, newest first, until the page is reached, then a day and an
    /// hour at a time within the buckets the page falls in, until those hold at most `SORT_MAX`
    /// matches; only these are sorted.
    pub async fn page_updated(
        &self,
        db: &impl ConnectionTrait,
        query: Select<ticket::Entity>,
        total: u64,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<i64>, AppError> {
        if total <= SORT_MAX {
            let numbers = self.page(db, Order::Asc, 0, SORT_MAX + 1).await?;
            if numbers.len() as u64 <= SORT_MAX {
                return sorted_among(db, query, &numbers, offset, limit).await;
            }
        }
        let Some(span) = UpdateSpan::read(db).await? else {
            return Ok(Vec::new());
        };
        let mut buckets = span.months();
        let mut skip = offset;
        loop {
            let found = self.locate(db, &buckets, skip, limit).await?;
            skip = found.skip;
            if found.buckets.is_empty() {
                return Ok(Vec::new());
            }
            let finer: Vec<Bucket> = found.buckets.iter().flat_map(|b| span.within(b)).collect();
            let few = found.numbers.len() as u64 <= SORT_MAX;
            if few || (found.complete && finer.is_empty()) {
                return sorted_among(db, query, &found.numbers, skip, limit).await;
            }
            if finer.is_empty() {
                // Hours of more matches than the page needs, not all of them read.
                let tokens: Vec<String> = found.buckets.iter().map(Bucket::token).collect();
                return self.narrowed(&tokens).page_sorted(db, query, skip, limit).await;
            }
            buckets = finer;
        }
    }

    /// Where a page of `limit` matches after the first `skip` falls among `buckets` (in the list's
    /// order): the buckets it touches, how many of the first one's matches come before it, and
    /// the numbers of those buckets' matches (each read up to what the page needs or
    /// `SORT_MAX + 1`, whichever is more, so all of them when they are at most `SORT_MAX`).
    async fn locate(
        &self,
        db: &impl ConnectionTrait,
        buckets: &[Bucket],
        mut skip: u64,
        mut limit: u64,
    ) -> Result<Located, AppError> {
        let mut found = Located { buckets: Vec::new(), skip: 0, numbers: Vec::new(), complete: true };
        for bucket in buckets {
            if limit == 0 {
                break;
            }
            let max = (skip + limit).max(SORT_MAX + 1);
            let numbers = self.narrowed(&[bucket.token()]).page(db, Order::Asc, 0, max).await?;
            let matches = numbers.len() as u64;
            if matches <= skip {
                skip -= matches;
                continue;
            }
            if found.buckets.is_empty() {
                found.skip = skip;
            }
            found.buckets.push(*bucket);
            found.complete &= matches < max;
            found.numbers.extend(numbers);
            limit -= (matches - skip).min(limit);
            skip = 0;
        }
        Ok(found)
    }

    /// The numbers of a page of `query` (in an order of its own) narrowed to the matches. The
    /// matches are read first and each looked up by number (`tickets_fts CROSS JOIN tickets`, an
    /// order SQLite keeps as written), then sorted: the cost grows with the matches, so this is for
    /// a search narrowed to few. Walking `query` in its order and checking each ticket against the
    /// index instead costs 1 ms or more per ticket checked at 1,000,000 tickets
    /// (docs/benchmarks.md), and a page of scattered matches checks thousands.
    async fn page_sorted(
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

    /// This search narrowed to the tickets holding any of `tokens` (none: no ticket).
    fn narrowed(&self, tokens: &[String]) -> Indexed {
        Indexed(format!("{} AND {}", self.0, any_facet(tokens)))
    }
}

/// The most matches a page sorted by last update looks up and sorts before it narrows them to finer
/// buckets (each looked up costs about 10 µs at 1,000,000 tickets; asking the index for a
/// bucket's matches costs as much as a search).
const SORT_MAX: u64 = 300;

/// The buckets of a last update the index holds (migration 14, which writes them with `strftime`
/// in the same formats), coarsest first: month, day, hour.
const BUCKETS: [&str; 3] = ["%Y-%m", "%Y-%m-%d", "%Y-%m-%dT%H"];

/// A month, day or hour (`level` 0, 1 or 2 of `BUCKETS`) of last updates, from `start` (UTC).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bucket {
    level: usize,
    start: NaiveDateTime,
}

impl Bucket {
    /// The next bucket of the same size.
    fn end(&self) -> NaiveDateTime {
        match self.level {
            0 => self.start.checked_add_months(Months::new(1)).unwrap_or(NaiveDateTime::MAX),
            1 => self.start + TimeDelta::days(1),
            _ => self.start + TimeDelta::hours(1),
        }
    }

    fn token(&self) -> String {
        token('u', &self.start.format(BUCKETS[self.level]).to_string())
    }
}

/// The first and last update of any ticket.
#[derive(Debug, Clone, Copy, PartialEq)]
struct UpdateSpan {
    oldest: NaiveDateTime,
    newest: NaiveDateTime,
}

impl UpdateSpan {
    /// Read from `tickets_updated_number` (two steps in the index), reaching at least to now so a
    /// ticket updated meanwhile still falls in a bucket; `None` without tickets.
    async fn read(db: &impl ConnectionTrait) -> Result<Option<UpdateSpan>, AppError> {
        let edge = |order: Order| {
            ticket::Entity::find()
                .select_only()
                .column(ticket::Column::UpdatedAt)
                .order_by(ticket::Column::UpdatedAt, order)
                .into_tuple::<DateTime<Utc>>()
                .one(db)
        };
        Ok(match (edge(Order::Asc).await?, edge(Order::Desc).await?) {
            (Some(oldest), Some(newest)) => {
                Some(UpdateSpan { oldest: oldest.naive_utc(), newest: newest.max(Utc::now()).naive_utc() })
            }
            _ => None,
        })
    }

    /// The months holding any update, newest first.
    fn months(&self) -> Vec<Bucket> {
        let month = |at: NaiveDateTime| at.date().with_day(1).unwrap_or(at.date()).and_time(NaiveTime::MIN);
        let oldest = month(self.oldest);
        let mut months = Vec::new();
        let mut start = month(self.newest);
        while start >= oldest {
            months.push(Bucket { level: 0, start });
            let Some(before) = start.checked_sub_months(Months::new(1)) else { break };
            start = before;
        }
        months
    }

    /// The next finer buckets within `bucket` that hold any update, newest first (none within an
    /// hour).
    fn within(&self, bucket: &Bucket) -> Vec<Bucket> {
        let step = match bucket.level {
            0 => TimeDelta::days(1),
            1 => TimeDelta::hours(1),
            _ => return Vec::new(),
        };
        let mut finer = Vec::new();
        let mut start = bucket.start;
        while start < bucket.end() {
            let inner = Bucket { level: bucket.level + 1, start };
            if inner.start <= self.newest && inner.end() > self.oldest {
                finer.push(inner);
            }
            start += step;
        }
        finer.reverse();
        finer
    }
}

/// Where a page falls among buckets (`Indexed::locate`).
#[derive(Debug, PartialEq)]
struct Located {
    buckets: Vec<Bucket>,
    skip: u64,
    numbers: Vec<i64>,
    /// Whether `numbers` holds every match of `buckets` (none was read only up to its limit).
    complete: bool,
}

/// The numbers of a page of `query` (in its own order) among the tickets numbered `numbers`: each
/// looked up by number, then sorted.
async fn sorted_among(
    db: &impl ConnectionTrait,
    query: Select<ticket::Entity>,
    numbers: &[i64],
    offset: u64,
    limit: u64,
) -> Result<Vec<i64>, AppError> {
    let page = query.filter(ticket::Column::Number.is_in(numbers.iter().copied())).select_only();
    Ok(page.column(ticket::Column::Number).offset(offset).limit(limit).into_tuple::<i64>().all(db).await?)
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

/// Up to `EXPANSION_MAX + 1` indexed words beginning with `prefix` (ASCII), in order: those
/// harvested, and those of tickets written since (still in `search_words_new`).
async fn words_beginning(db: &impl ConnectionTrait, prefix: &str) -> Result<Vec<String>, AppError> {
    // Every word beginning with the prefix sorts at or after it and before the prefix followed by
    // the highest character there is.
    let (from, to) = (prefix.to_string(), format!("{prefix}\u{10FFFF}"));
    let statement = Statement::from_sql_and_values(
        DatabaseBackend::Sqlite,
        "SELECT word FROM search_words WHERE word >= ? AND word < ? \
         UNION SELECT term FROM search_words_new_terms WHERE term >= ? AND term < ? \
         ORDER BY 1 LIMIT ?",
        [from.clone().into(), to.clone().into(), from.into(), to.into(), ((EXPANSION_MAX + 1) as i64).into()],
    );
    Ok(db.query_all(statement).await?.iter().map(|row| row.try_get_by_index::<String>(0)).collect::<Result<_, _>>()?)
}

/// Keeps the words of the tickets written since the last harvest in `search_words`, and empties
/// the table that held them (SQLite; PostgreSQL's index needs no word list). The tickets'
/// triggers only write their text there (migration 32), and a batch of raised tickets reads the
/// words back through `fts5vocab` and empties the table once, in its transaction, rather than
/// once per ticket (within noise of it on two cores: docs/benchmarks.md, session 22). Words
/// waiting meanwhile (a ticket edited outside a batch) are found all the same (`words_beginning`).
pub async fn harvest_words(db: &impl ConnectionTrait) -> Result<(), AppError> {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(());
    }
    // Two statements, each prepared once per connection and kept (a script would be prepared
    // again on every batch: docs/benchmarks.md, sessions 30 and 31).
    for sql in [
        "INSERT OR IGNORE INTO search_words(word) SELECT term FROM search_words_new_terms",
        "INSERT INTO search_words_new(search_words_new) VALUES ('delete-all')",
    ] {
        db.execute(Statement::from_string(DatabaseBackend::Sqlite, sql)).await?;
    }
    Ok(())
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

/// Searches one account may run at once in one portal process (issue 20, finding 4): a person
/// (or a script with their token) can keep two searches busy, not every core.
pub const SEARCHES_AT_ONCE: usize = 2;

static SEARCHES: std::sync::LazyLock<Limiter> = std::sync::LazyLock::new(|| Limiter::new(SEARCHES_AT_ONCE));

/// A turn to search for `account`, held until dropped; 429 `too_many_searches` with
/// `Retry-After` while the account already has `SEARCHES_AT_ONCE` running.
pub fn turn(account: &str) -> Result<Turn<'static>, AppError> {
    SEARCHES.enter(account).ok_or_else(|| {
        AppError::new(
            crate::error::ErrorKind::TooManyAttempts,
            "too_many_searches",
            "Your other searches are still running; try again in a moment.",
        )
        .retry_after(1)
    })
}

/// How many turns each key holds, up to a limit. Keys leave the map with their last turn, so it
/// holds only the accounts searching right now.
pub struct Limiter {
    limit: usize,
    running: std::sync::Mutex<std::collections::HashMap<String, usize>>,
}

impl Limiter {
    pub fn new(limit: usize) -> Limiter {
        Limiter { limit, running: Default::default() }
    }

    fn running(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, usize>> {
        // The map is consistent after every statement; a panic elsewhere cannot leave it half-made.
        self.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A turn for `key`, or none while it holds `limit` already.
    pub fn enter(&self, key: &str) -> Option<Turn<'_>> {
        let mut running = self.running();
        let held = running.entry(key.to_string()).or_insert(0);
        if *held >= self.limit {
            return None;
        }
        *held += 1;
        Some(Turn { limiter: self, key: key.to_string() })
    }

    /// The turns `key` holds.
    pub fn held(&self, key: &str) -> usize {
        self.running().get(key).copied().unwrap_or(0)
    }

    fn leave(&self, key: &str) {
        let mut running = self.running();
        if let Some(held) = running.get_mut(key) {
            *held -= 1;
            if *held == 0 {
                running.remove(key);
            }
        }
    }
}

/// One running search's place in its account's limit.
pub struct Turn<'a> {
    limiter: &'a Limiter,
    key: String,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.limiter.leave(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_holds_at_most_its_limit_of_turns_and_each_ends_with_its_search() {
        let limiter = Limiter::new(2);
        let first = limiter.enter("jo").expect("a first turn");
        let second = limiter.enter("jo").expect("a second turn");
        assert!(limiter.enter("jo").is_none(), "a third waits");
        let other = limiter.enter("sam").expect("another account is not held back");
        drop(first);
        let third = limiter.enter("jo").expect("a turn ended makes room");
        assert_eq!((limiter.held("jo"), limiter.held("sam")), (2, 1));
        drop((second, third, other));
        assert_eq!(limiter.held("jo"), 0);
        assert!(limiter.running().is_empty(), "nobody searching, nothing kept");
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn names(buckets: &[Bucket]) -> Vec<String> {
        buckets.iter().map(|b| b.start.format(BUCKETS[b.level]).to_string()).collect()
    }

    #[test]
    fn the_months_of_a_span_run_newest_first_across_years() {
        for (oldest, newest, months) in [
            ("2026-11-28 17:00:00", "2026-11-28 17:30:00", vec!["2026-11"]),
            ("2026-10-31 23:59:59", "2026-11-01 00:00:00", vec!["2026-11", "2026-10"]),
            ("2025-11-15 08:00:00", "2026-02-01 00:00:00", vec!["2026-02", "2026-01", "2025-12", "2025-11"]),
        ] {
            let span = UpdateSpan { oldest: at(oldest), newest: at(newest) };
            assert_eq!(names(&span.months()), months, "{oldest} to {newest}");
        }
    }

    #[test]
    fn finer_buckets_are_those_of_the_span_newest_first() {
        let span = UpdateSpan { oldest: at("2024-02-27 22:10:00"), newest: at("2024-03-01 01:05:00") };
        let [march, february] = span.months()[..] else { panic!("two months") };
        // A leap year's February, from the oldest update's day; March up to the newest's.
        assert_eq!(names(&span.within(&february)), ["2024-02-29", "2024-02-28", "2024-02-27"]);
        let [first_of_march] = span.within(&march)[..] else { panic!("one day of March") };
        assert_eq!(names(&span.within(&first_of_march)), ["2024-03-01T01", "2024-03-01T00"]);
        let oldest_day = span.within(&february)[2];
        assert_eq!(names(&span.within(&oldest_day)), ["2024-02-27T23", "2024-02-27T22"]);
        // An hour is the finest bucket.
        assert!(span.within(&span.within(&first_of_march)[0]).is_empty());
    }

    #[test]
    fn a_bucket_token_is_the_hex_of_its_text_as_the_index_writes_it() {
        let hour = Bucket { level: 2, start: at("2026-11-28 17:00:00") };
        // hex('2026-11-28T17') in SQLite, lower-cased by the tokenizer.
        assert_eq!(hour.token(), "\"u323032362d31312d3238543137\"");
        assert_eq!(Bucket { level: 0, start: at("2026-11-01 00:00:00") }.token(), "\"u323032362d3131\"");
    }
}
