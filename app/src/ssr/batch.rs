//! Group commit: writes that arrive together are written together. Each request hands its
//! checked work to its queue and waits; one writer task per queue takes everything waiting and
//! writes it in one transaction, so N requests pay for one lock, one commit and, on SQLite, one
//! flush of the search index instead of N (issue 25; docs/architecture.md, "Writes").
//!
//! A caller is answered only after the batch holding its work has committed. The batch is written
//! by a task of its own, so a client that hangs up cannot abandon a transaction that others are
//! waiting on. Nothing waits for a batch to fill: the first piece of work starts the writer at
//! once, and whatever arrives while a batch is being written forms the next one.

use crate::error::AppError;
use sea_orm::DatabaseConnection;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::oneshot;

/// Told of every batch written: the queue's name and how many pieces it held (the server's
/// metrics, `cytrack_batch_size`).
static OBSERVER: OnceLock<fn(&'static str, usize)> = OnceLock::new();

/// Sets what is told of every batch written, once per process.
pub fn observe_with(observer: fn(&'static str, usize)) {
    let _ = OBSERVER.set(observer);
}

/// Work written in batches.
pub trait Batched: Send + Sized + 'static {
    /// What one piece of work answers once written.
    type Done: Send + 'static;
    /// The queue's name in the metrics.
    const NAME: &'static str;
    /// At most this many pieces share a transaction (its statements stay well within SQLite's
    /// limit on bound values, and its lock is held briefly).
    const MOST: usize;
    /// Writes a batch in one transaction: one answer per piece, in the batch's order. One piece's
    /// failure is its own answer; an error of the whole (the transaction did not commit) answers
    /// every piece.
    fn write(
        db: DatabaseConnection,
        batch: Vec<Self>,
    ) -> impl Future<Output = Result<Vec<Result<Self::Done, AppError>>, AppError>> + Send;
}

type Reply<J> = oneshot::Sender<Result<<J as Batched>::Done, AppError>>;

struct Waiting<J: Batched> {
    work: Vec<(J, Reply<J>)>,
    writing: bool,
}

/// This process's queue of one kind of work for one database. Cheap to clone; one per pool.
pub struct GroupCommit<J: Batched> {
    db: DatabaseConnection,
    waiting: Arc<Mutex<Waiting<J>>>,
}

impl<J: Batched> Clone for GroupCommit<J> {
    fn clone(&self) -> Self {
        GroupCommit { db: self.db.clone(), waiting: self.waiting.clone() }
    }
}

impl<J: Batched> GroupCommit<J> {
    pub fn new(db: DatabaseConnection) -> Self {
        GroupCommit { db, waiting: Arc::new(Mutex::new(Waiting { work: Vec::new(), writing: false })) }
    }

    /// The database the queue writes to (for the reads before and after a write).
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Queues a piece of work and waits until the batch holding it has committed (or failed).
    pub async fn write(&self, work: J) -> Result<J::Done, AppError> {
        let (reply, answer) = oneshot::channel();
        let start_writer = {
            let mut waiting = self.waiting.lock().map_err(|_| AppError::internal())?;
            waiting.work.push((work, reply));
            !std::mem::replace(&mut waiting.writing, true)
        };
        if start_writer {
            tokio::spawn(self.clone().write_while_waiting());
        }
        answer.await.map_err(|_| AppError::internal())?
    }

    /// Writes batches until nobody is waiting. Only one runs per queue at a time.
    async fn write_while_waiting(self) {
        let _lower = Lower(self.waiting.clone());
        loop {
            let batch: Vec<(J, Reply<J>)> = {
                let Ok(mut waiting) = self.waiting.lock() else { return };
                if waiting.work.is_empty() {
                    waiting.writing = false;
                    return;
                }
                let take = waiting.work.len().min(J::MOST);
                waiting.work.drain(..take).collect()
            };
            let (work, replies): (Vec<J>, Vec<Reply<J>>) = batch.into_iter().unzip();
            if let Some(observe) = OBSERVER.get() {
                observe(J::NAME, work.len());
            }
            match J::write(self.db.clone(), work).await {
                // A reply with no answer (fewer answers than pieces) is dropped: an internal error.
                Ok(done) => replies.into_iter().zip(done).for_each(|(reply, done)| drop(reply.send(done))),
                Err(e) => replies.into_iter().for_each(|reply| drop(reply.send(Err(e.clone())))),
            }
        }
    }
}

/// Writes `batch` with `write`, which answers each piece or fails as a whole; should the whole
/// fail, one piece may have spoilt it, so each is then written alone and answers for itself.
pub async fn each_alone_if_spoilt<'a, J, T, F, Fut>(
    batch: &'a [J],
    write: F,
) -> Result<Vec<Result<T, AppError>>, AppError>
where
    J: Batched,
    F: Fn(&'a [J]) -> Fut,
    Fut: Future<Output = Result<Vec<Result<T, AppError>>, AppError>>,
{
    match write(batch).await {
        Err(e) if batch.len() > 1 => {
            tracing::warn!(queue = J::NAME, pieces = batch.len(), error = %e.message, "a batch failed; writing each alone");
            let mut done = Vec::with_capacity(batch.len());
            for piece in batch {
                let alone = write(std::slice::from_ref(piece)).await;
                done.push(alone.and_then(|mut answers| answers.pop().unwrap_or_else(|| Err(AppError::internal()))));
            }
            Ok(done)
        }
        written => written,
    }
}

/// Should a writer ever unwind, its queue's flag is lowered and those still waiting are answered
/// (their senders dropped: an internal error), rather than left waiting for ever.
struct Lower<J: Batched>(Arc<Mutex<Waiting<J>>>);

impl<J: Batched> Drop for Lower<J> {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        if let Ok(mut waiting) = self.0.lock() {
            waiting.writing = false;
            waiting.work.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{each_alone_if_spoilt, Batched, GroupCommit};
    use crate::error::AppError;
    use crate::ssr::db::{begin, connect};
    use sea_orm::{ConnectionTrait, DatabaseConnection};

    /// A number to keep: a negative one is refused on its own, 999 fails its whole batch.
    struct Note(i64);

    impl Batched for Note {
        /// The size of the batch it was written in.
        type Done = usize;
        const NAME: &'static str = "notes";
        const MOST: usize = 8;

        async fn write(db: DatabaseConnection, batch: Vec<Note>) -> Result<Vec<Result<usize, AppError>>, AppError> {
            if batch.iter().any(|n| n.0 == 999) {
                return Err(AppError::unavailable("the batch failed", 1));
            }
            let size = batch.len();
            let txn = begin(&db).await?;
            let mut done = Vec::new();
            for Note(n) in batch {
                if n < 0 {
                    done.push(Err(AppError::bad_request("negative")));
                    continue;
                }
                txn.execute_unprepared(&format!("INSERT INTO notes (n) VALUES ({n})")).await?;
                done.push(Ok(size));
            }
            txn.commit().await?;
            Ok(done)
        }
    }

    async fn notes_db() -> DatabaseConnection {
        let path = std::env::temp_dir().join(format!("cytrack-batch-{}.db", uuid::Uuid::new_v4().simple()));
        let db = connect(&format!("sqlite://{}?mode=rwc", path.display())).await.expect("a database file");
        db.execute_unprepared("CREATE TABLE notes (n INTEGER NOT NULL)").await.expect("a table");
        db
    }

    #[tokio::test]
    async fn work_arriving_together_is_written_in_batches_and_each_piece_answers_for_itself() {
        let queue = GroupCommit::<Note>::new(notes_db().await);
        let answers = futures::future::join_all((0..50).map(|n| {
            let queue = queue.clone();
            async move { queue.write(Note(if n == 7 || n == 13 { -n } else { n })).await }
        }))
        .await;
        let mut sizes = Vec::new();
        for (n, answer) in answers.iter().enumerate() {
            match (n, answer) {
                (7 | 13, Err(e)) => assert_eq!(e.status(), 400, "piece {n} answers its own refusal"),
                (7 | 13, Ok(_)) => panic!("piece {n} was negative and still written"),
                (_, Ok(size)) => sizes.push(*size),
                (_, Err(e)) => panic!("piece {n} failed: {}", e.message),
            }
        }
        assert!(sizes.iter().all(|&s| s <= Note::MOST), "no batch is larger than allowed: {sizes:?}");
        assert!(sizes.iter().any(|&s| s > 1), "pieces waiting together share a transaction: {sizes:?}");
        let kept = queue.db().query_all(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Sqlite,
            "SELECT n FROM notes ORDER BY n",
        ));
        let kept: Vec<i64> = kept.await.unwrap().iter().map(|r| r.try_get::<i64>("", "n").unwrap()).collect();
        let expected: Vec<i64> = (0..50).filter(|n| *n != 7 && *n != 13).collect();
        assert_eq!(kept, expected, "every piece written once, the refused ones not at all");
    }

    #[tokio::test]
    async fn a_batch_one_piece_spoilt_is_written_again_each_alone() {
        let db = notes_db().await;
        db.execute_unprepared("CREATE UNIQUE INDEX one_each ON notes (n)").await.expect("an index");
        db.execute_unprepared("INSERT INTO notes (n) VALUES (2)").await.expect("a note kept before");
        let batch = [Note(1), Note(2), Note(-3), Note(4)];
        let tries = std::sync::atomic::AtomicUsize::new(0);
        let answers = each_alone_if_spoilt(&batch, |part: &[Note]| {
            tries.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let db = db.clone();
            let part: Vec<Note> = part.iter().map(|n| Note(n.0)).collect();
            async move { Note::write(db, part).await }
        })
        .await
        .expect("the pieces answer, not the batch");
        assert_eq!(tries.into_inner(), 5, "the whole batch once, then each of its four alone");
        let statuses: Vec<Option<u16>> = answers.iter().map(|a| a.as_ref().err().map(|e| e.status())).collect();
        // 2 was kept before (the database refuses it again: a 500 of its own), -3 is refused.
        assert_eq!(statuses, [None, Some(500), Some(400), None], "each answers for itself: {statuses:?}");
        let kept = db.query_all(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Sqlite,
            "SELECT n FROM notes ORDER BY n",
        ));
        let kept: Vec<i64> = kept.await.unwrap().iter().map(|r| r.try_get::<i64>("", "n").unwrap()).collect();
        assert_eq!(kept, [1, 2, 4], "the good pieces are written once, the spoilt one not at all");
    }

    #[tokio::test]
    async fn a_batch_that_fails_answers_everyone_in_it_and_the_queue_goes_on() {
        let queue = GroupCommit::<Note>::new(notes_db().await);
        let failed = futures::future::join_all([1, 999, 2].map(|n| {
            let queue = queue.clone();
            async move { queue.write(Note(n)).await }
        }))
        .await;
        // All three were waiting when the writer looked: one batch, one fate.
        assert!(failed.iter().all(|a| a.as_ref().is_err_and(|e| e.status() == 503)), "each is told");
        assert_eq!(queue.write(Note(3)).await.ok(), Some(1), "the next piece is written");
    }
}
