//! The page's end of the live channel (`GET /api/v1/events`): one connection per signed-in tab,
//! turned into signals pages read again by. The data itself is always read through the pages'
//! own scoped calls; the channel only says what changed.

use crate::dto::TicketEventDto;
use leptos::prelude::*;

/// How many of the newest changes are kept for pages to look through.
#[cfg(feature = "hydrate")]
const KEPT: usize = 100;

#[derive(Clone, Copy)]
pub struct LiveFeed {
    /// The newest changes heard, oldest first.
    pub changes: RwSignal<Vec<TicketEventDto>>,
    /// Bumped when a page must read everything again: after a lost connection (what was missed
    /// may be more than the stream replays), or when the server says so.
    pub resets: RwSignal<u64>,
    /// Bumped at most twice a second while changes arrive, and every half minute regardless (SLA
    /// time left keeps moving): what lists read again by.
    pub ticks: RwSignal<u64>,
    /// The ticket someone last arrived on, left, or typed on, with a counter (staff).
    pub presence: RwSignal<(String, u64)>,
    /// Whether the channel is open (a page may say it is catching up).
    pub connected: RwSignal<bool>,
}

impl LiveFeed {
    pub fn provide() -> LiveFeed {
        let feed = LiveFeed {
            changes: RwSignal::new(Vec::new()),
            resets: RwSignal::new(0),
            ticks: RwSignal::new(0),
            presence: RwSignal::new((String::new(), 0)),
            connected: RwSignal::new(false),
        };
        provide_context(feed);
        feed
    }

    pub fn get() -> LiveFeed {
        expect_context::<LiveFeed>()
    }

    /// The newest change to the ticket `ticket_id` names that someone other than `me` made, for a
    /// ticket page to read again by (its own changes it reads again after each).
    pub fn last_change_to(
        self,
        ticket_id: impl Fn() -> String + Send + Sync + 'static,
        me: String,
    ) -> Memo<Option<i64>> {
        Memo::new(move |_| {
            let id = ticket_id();
            self.changes
                .read()
                .iter()
                .rev()
                .find(|c| c.ticket_id == id && c.actor_id.as_deref() != Some(me.as_str()))
                .map(|c| c.id)
        })
    }

    /// A counter that moves when someone arrives on, leaves, or types on the ticket `ticket_id`
    /// names.
    pub fn presence_on(self, ticket_id: impl Fn() -> String + Send + Sync + 'static) -> Memo<u64> {
        Memo::new(move |previous: Option<&u64>| {
            let (id, count) = self.presence.get();
            if id == ticket_id() {
                count
            } else {
                previous.copied().unwrap_or(0)
            }
        })
    }

    /// Tickets someone other than `me` changed since this page opened.
    pub fn changed_by_others(self, me: String) -> Memo<std::collections::BTreeSet<String>> {
        Memo::new(move |_| {
            self.changes
                .read()
                .iter()
                .filter(|c| c.actor_id.as_deref() != Some(me.as_str()))
                .map(|c| c.ticket_id.clone())
                .collect()
        })
    }

    #[cfg(feature = "hydrate")]
    fn heard(self, change: TicketEventDto) {
        self.changes.update(|changes| {
            if !changes.iter().any(|c| c.id == change.id) {
                changes.push(change);
                let over = changes.len().saturating_sub(KEPT);
                changes.drain(..over);
            }
        });
    }

    /// Opens the channel for this tab (once; in the browser only) and keeps it open: the browser
    /// reconnects by itself with `Last-Event-ID`, and every reconnection reads pages again.
    pub fn connect(self) {
        #[cfg(feature = "hydrate")]
        browser::connect(self);
    }

    /// Closes it (signed out).
    pub fn disconnect(self) {
        #[cfg(feature = "hydrate")]
        browser::disconnect();
        self.connected.set(false);
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::LiveFeed;
    use crate::dto::TicketEventDto;
    use leptos::prelude::*;
    use std::cell::{Cell, RefCell};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    thread_local! {
        static SOURCE: RefCell<Option<EventSource>> = const { RefCell::new(None) };
        static DIRTY: Cell<bool> = const { Cell::new(false) };
        static TIMERS: Cell<bool> = const { Cell::new(false) };
    }

    pub fn connect(feed: LiveFeed) {
        if SOURCE.with(|s| s.borrow().is_some()) {
            return;
        }
        let Ok(source) = EventSource::new("/api/v1/events") else { return };
        let opened = Cell::new(false);
        listen(&source, "open", move |_| {
            feed.connected.set(true);
            // The first opening comes right after the page was read; every later one follows a
            // lost connection, and the page reads everything again rather than trust a replay.
            if opened.replace(true) {
                feed.resets.update(|n| *n += 1);
            }
        });
        listen(&source, "error", move |_| feed.connected.set(false));
        listen(&source, "ticket", move |event| {
            if let Some(change) = data(&event).and_then(|d| serde_json::from_str::<TicketEventDto>(&d).ok()) {
                feed.heard(change);
                DIRTY.with(|d| d.set(true));
            }
        });
        listen(&source, "presence", move |event| {
            let ticket = data(&event)
                .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
                .and_then(|v| v["ticket_id"].as_str().map(str::to_string));
            if let Some(ticket) = ticket {
                feed.presence.update(|(id, n)| {
                    *id = ticket;
                    *n += 1;
                });
            }
        });
        listen(&source, "reset", move |_| feed.resets.update(|n| *n += 1));
        SOURCE.with(|s| *s.borrow_mut() = Some(source));
        if TIMERS.with(|t| t.replace(true)) {
            return;
        }
        // Lists read again at most twice a second while changes pour in.
        set_interval(
            move || {
                if DIRTY.with(|d| d.replace(false)) {
                    feed.ticks.update(|n| *n += 1);
                }
            },
            std::time::Duration::from_millis(500),
        );
        set_interval(move || feed.ticks.update(|n| *n += 1), std::time::Duration::from_secs(30));
    }

    pub fn disconnect() {
        if let Some(source) = SOURCE.with(|s| s.borrow_mut().take()) {
            source.close();
        }
    }

    /// An event's data: the JSON the server sent.
    fn data(event: &web_sys::Event) -> Option<String> {
        event.dyn_ref::<MessageEvent>().and_then(|m| m.data().as_string())
    }

    fn listen(source: &EventSource, kind: &str, handle: impl FnMut(web_sys::Event) + 'static) {
        let callback = Closure::<dyn FnMut(web_sys::Event)>::new(handle);
        let _ = source.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        // One channel per tab, for the tab's lifetime.
        callback.forget();
    }
}
