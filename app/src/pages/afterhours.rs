//! After-hours work: the booking form with its live quote and week view, and the bookings with
//! what each person may do next.

use crate::api::afterhours::{list_bookings, load_business_calendar, BookAfterHours, BookingStep};
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::{field_message, ActionError, ErrorBanner, Pager, QueryError};
use crate::domain::afterhours::{booking_steps, quote_window, BookingRole, BookingStatus};
use crate::domain::calendar::{BusinessCalendar, Segment};
use crate::dto::{BookingDto, BookingFilter, UserDto, PER_PAGE_DEFAULT};
use crate::error::AppError;
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AfterHoursPage() -> impl IntoView {
    view! {
        <Title text="After-hours work"/>
        <QueryError/>
        <Guard need=Need::Active children=|user: UserDto| view! { <AfterHours user/> }/>
    }
}

#[component]
fn AfterHours(user: UserDto) -> impl IntoView {
    let book = ServerAction::<BookAfterHours>::new();
    let step = ServerAction::<BookingStep>::new();
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        BookingFilter {
            status: q.get("status").filter(|s| !s.is_empty()),
            sort: q.get("sort").filter(|s| !s.is_empty()),
            page: q.get("page").and_then(|p| p.parse().ok()),
            per_page: None,
        }
    };
    let bookings = Resource::new(
        move || (filter(), book.version().get() + step.version().get()),
        |(filter, _)| list_bookings(filter),
    );
    // Times are shown in the saved calendar's zone, as the booking form reads them.
    let calendar = Resource::new(|| (), |_| load_business_calendar());
    let customer = !user.is_staff();
    view! {
        <section class="hero"><h1>"After-hours work"</h1></section>
        <ActionError value=book.value()/>
        <ActionError value=step.value()/>
        <Show when=move || customer><BookingForm book calendar/></Show>
        <section class="card">
            <h2>{if customer { "Your bookings" } else { "Booked after-hours work" }}</h2>
            <form class="filters" method="get" action="/after-hours">
                <label>"Status"
                    <select name="status">
                        <option value="">"Any status"</option>
                        {BookingStatus::ALL.iter().map(|s| {
                            let selected = query.read_untracked().get("status").as_deref() == Some(s.as_str());
                            view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>"Order"
                    <select name="sort">
                        <option value="">"Soonest first"</option>
                        <option value="latest" selected=query.read_untracked().get("sort").as_deref() == Some("latest")>"Latest first"</option>
                    </select>
                </label>
                <button type="submit" class="button">"Filter"</button>
            </form>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {
                    let user = user.clone();
                    move || {
                        let user = user.clone();
                        once_loaded(async move {
                            let zone = match calendar.await {
                                Ok(cal) => cal.time_zone,
                                Err(e) => return view! { <ErrorBanner error=e/> }.into_any(),
                            };
                            match bookings.await {
                                Ok((page, _)) if page.items.is_empty() => view! { <p class="empty">"No after-hours work booked."</p> }.into_any(),
                                Ok((page, engineers)) => {
                                    let at = filter().page.unwrap_or(1);
                                    let has_next = page.has_next(at, PER_PAGE_DEFAULT);
                                    view! {
                                        <p class="muted small">{page.total_label("booking")}</p>
                                        <div class="bookings" data-testid="bookings">
                                            {page.items.into_iter().map(|b| view! { <Booking booking=b zone user=user.clone() engineers=engineers.clone() step/> }).collect_view()}
                                        </div>
                                        <Pager path="/after-hours" page=at has_next/>
                                    }
                                    .into_any()
                                }
                                Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                            }
                        })
                    }
                }
            </Suspense>
        </section>
    }
}

/// A datetime-local value in the calendar's zone, as an instant.
fn instant(cal: &BusinessCalendar, local: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M").ok()?;
    cal.time_zone.from_local_datetime(&naive).earliest().map(|d| d.with_timezone(&Utc))
}

#[component]
fn BookingForm(
    book: ServerAction<BookAfterHours>,
    calendar: Resource<Result<BusinessCalendar, AppError>>,
) -> impl IntoView {
    let starts = RwSignal::new(String::new());
    let ends = RwSignal::new(String::new());
    view! {
        <section class="card">
            <h2>"Book a window"</h2>
            <p class="muted small">
                "Work outside business hours, booked at least two business days ahead and up to 12 hours long. "
                "It is paid from your service vouchers at the after-hours rates, reserved when your superuser approves."
            </p>
            <ActionForm action=book attr:class="form">
                <div class="row">
                    <label>"Starts" <input type="datetime-local" name="starts_at" required on:input=move |ev| starts.set(event_target_value(&ev))/></label>
                    <label>"Ends" <input type="datetime-local" name="ends_at" required on:input=move |ev| ends.set(event_target_value(&ev))/></label>
                </div>
                <Suspense fallback=|| ()>
                    {move || once_loaded(async move {
                        let Ok(cal) = calendar.await else { return ().into_any() };
                        view! { <LiveQuote cal starts ends/> }.into_any()
                    })}
                </Suspense>
                <label>"What is to be done" <textarea name="description" rows="3" required></textarea></label>
                {field_message(book.value(), "description")}
                <div class="row">
                    <label>"Contact for the night" <input name="contact_name" required/></label>
                    <label>"Their phone" <input type="tel" name="contact_phone" required/></label>
                </div>
                {field_message(book.value(), "contact_phone")}
                <button type="submit" class="button primary">"Request booking"</button>
            </ActionForm>
        </section>
    }
}

/// The quote as the window changes, from the same `quote_window` the server applies.
#[component]
fn LiveQuote(cal: BusinessCalendar, starts: RwSignal<String>, ends: RwSignal<String>) -> impl IntoView {
    let cal = StoredValue::new(cal);
    let quote = move || {
        let cal = cal.get_value();
        let (s, e) = (instant(&cal, &starts.get())?, instant(&cal, &ends.get())?);
        Some((s, quote_window(&cal, Utc::now(), s, e)))
    };
    view! {
        <div class="preview" data-testid="quote">
            {move || match quote() {
                None => view! { <span class="muted small">"Choose a start and an end to see the quote."</span> }.into_any(),
                Some((_, Err(refusal))) => view! { <span class="field-error">{refusal.message}</span> }.into_any(),
                Some((start, Ok((segments, minutes)))) => view! {
                    <p><strong>{format!("{minutes} voucher minutes")}</strong> " · " {segments.iter().map(|s| format!("{} min at x{}", (s.ends_at - s.starts_at).num_minutes(), s.multiplier as f64 / 100.0)).collect::<Vec<_>>().join(", ")}</p>
                    <WeekView cal=cal.get_value() start segments/>
                }
                .into_any(),
            }}
        </div>
    }
}

/// The week of the window: business hours shaded, the booked segments on top.
#[component]
fn WeekView(cal: BusinessCalendar, start: DateTime<Utc>, segments: Vec<Segment>) -> impl IntoView {
    let local = start.with_timezone(&cal.time_zone).date_naive();
    let monday = local - Duration::days(local.weekday().num_days_from_monday() as i64);
    let (w, h) = (70.0, 96.0);
    let days: Vec<_> = (0..7).map(|i| monday + Duration::days(i)).collect();
    let hours = |t: chrono::NaiveTime| (t.hour() as f64 + t.minute() as f64 / 60.0) * h / 24.0;
    view! {
        <svg class="week" viewBox=format!("0 0 {} {}", w * 7.0, h + 14.0) role="img" aria-label="Week view of business hours and the booked window">
            {days.iter().enumerate().map(|(i, day)| {
                let x = i as f64 * w;
                let open = if cal.is_business_day(*day) { cal.week[i] } else { None };
                view! {
                    <g>
                        <rect x=x + 1.0 y="0" width=w - 2.0 height=h class="day"/>
                        {open.map(|(o, c)| view! { <rect x=x + 1.0 y=hours(o) width=w - 2.0 height=hours(c) - hours(o) class="business"/> })}
                        <text x=x + w / 2.0 y=h + 11.0 text-anchor="middle">{day.format("%a %-d").to_string()}</text>
                    </g>
                }
            }).collect_view()}
            {segments.iter().map(|s| {
                let a = s.starts_at.with_timezone(&cal.time_zone);
                let b = s.ends_at.with_timezone(&cal.time_zone);
                let col = (a.date_naive() - monday).num_days() as f64;
                let end = if b.date_naive() == a.date_naive() { hours(b.time()) } else { h };
                view! { <rect x=col * w + 6.0 y=hours(a.time()) width=w - 12.0 height=(end - hours(a.time())).max(2.0) class="booked"/> }
            }).collect_view()}
        </svg>
    }
}

#[component]
fn Booking(
    booking: BookingDto,
    zone: Tz,
    user: UserDto,
    engineers: Vec<(String, String)>,
    step: ServerAction<BookingStep>,
) -> impl IntoView {
    let b = booking;
    let status = b.status.clone();
    // The buttons are the steps the workflow and this person's role allow (the same rule the
    // server applies).
    let who = BookingRole {
        manager: user.role.manages_accounts(),
        staff: user.is_staff(),
        superuser: user.superuser,
        requester: user.id == b.requester_id,
    };
    let steps = BookingStatus::parse(&status).map(|from| booking_steps(who, from)).unwrap_or_default();
    view! {
        <article class="booking" data-status=status.clone()>
            <header>
                <strong>{format!("{} → {}", short(b.starts_at, zone), short(b.ends_at, zone))}</strong>
                <span class=format!("chip booking-{status}")>{status.clone()}</span>
            </header>
            <p class="small">
                <a href=format!("/tickets/{}", b.ticket_id)>{b.ticket_number.clone()}</a> " · " {b.organization_name.clone()}
                " · quote " <strong>{b.quote_minutes}</strong> " min"
                {b.engineer_name.clone().map(|e| format!(" · engineer {e}"))}
                {b.actual_minutes.map(|m| format!(" · {m} min worked"))}
            </p>
            <p class="small muted">{b.description.clone()} " · night contact " {b.contact_name.clone()} " " {b.contact_phone.clone()}</p>
            <div class="actions">
                {steps.into_iter().map(|to| {
                    let id = b.id.clone();
                    let (name, label, class) = match to {
                        BookingStatus::Approved => ("approve", "Approve", "button primary small"),
                        BookingStatus::Declined => ("decline", "Decline", "button small"),
                        BookingStatus::Scheduled => ("schedule", "Schedule", "button small"),
                        BookingStatus::Completed => ("complete", "Complete", "button small"),
                        _ => ("cancel", "Cancel", "button small danger"),
                    };
                    let details = match to {
                        BookingStatus::Declined => view! { <input name="reason" placeholder="Reason to decline" required/> }.into_any(),
                        BookingStatus::Scheduled => view! {
                            <select name="engineer_id" aria-label="Engineer">
                                {engineers.iter().map(|(id, name)| view! { <option value=id.clone()>{name.clone()}</option> }).collect_view()}
                            </select>
                        }.into_any(),
                        BookingStatus::Completed => view! {
                            <input type="number" name="actual_minutes" min="1" max="1440" placeholder="Minutes worked" aria-label="Minutes worked" required/>
                        }.into_any(),
                        _ => ().into_any(),
                    };
                    view! {
                        <ActionForm action=step attr:class="inline">
                            <input type="hidden" name="booking_id" value=id/>
                            <input type="hidden" name="step" value=name/>
                            {details}
                            <button type="submit" class=class>{label}</button>
                        </ActionForm>
                    }
                }).collect_view()}
            </div>
        </article>
    }
}

fn short(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%a %-d %b %H:%M").to_string()
}
