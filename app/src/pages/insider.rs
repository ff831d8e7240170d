//! The CyTrack Insider: the list of posts (titles only, with an offer to renew, for clients without
//! Software Care), one post with its questions and answers, and the editor staff write in.

use crate::api::releases::{
    insider_post, insider_posts, AnswerQuestion, AskQuestion, NewFeedAddress, QuestionTicket, SavePost, POSTS_PER_PAGE,
};
use crate::components::layout::{Guard, Need};
use crate::components::suspend::once_loaded;
use crate::components::widgets::{field_message, short_time, ActionError, ErrorBanner, Pager, QueryError};
use crate::domain::releases::PostState;
use crate::dto::{PostDto, PostSummaryDto, QuestionDto, UserDto};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn InsiderPage() -> impl IntoView {
    view! {
        <Title text="The CyTrack Insider"/>
        <section class="hero">
            <h1>"The CyTrack Insider"</h1>
            <p class="muted">"News of our releases from the engineering team, for Software Care readers."</p>
        </section>
        <QueryError/>
        <Guard need=Need::Active children=|user: UserDto| view! { <PostList staff=user.is_staff()/> }/>
    }
}

#[component]
fn PostList(staff: bool) -> impl IntoView {
    let query = use_query_map();
    let tag = move || query.read().get("tag").filter(|t| !t.is_empty());
    let page = move || query.read().get("page").and_then(|p| p.parse::<u64>().ok());
    let posts = Resource::new(move || (tag(), page()), |(tag, page)| insider_posts(tag, page));
    view! {
        {staff.then(|| view! { <p><a class="button primary" href="/insider/new">"Write a post"</a></p> })}
        {move || tag().map(|t| view! { <p>"Posts tagged " <span class="chip">{t}</span> " · " <a href="/insider">"all posts"</a></p> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match posts.await {
                    Ok(list) => {
                        let locked = list.items.iter().any(|p| !p.readable);
                        let has_next = (page().unwrap_or(1) * POSTS_PER_PAGE) < list.total;
                        view! {
                            {locked.then(|| view! {
                                <div class="banner" role="status" data-testid="renew-offer">
                                    "The Insider is part of Software Care, included in the Issue Resolution Service. "
                                    "Renew your IRS contract with your account manager to read the posts and ask our engineers questions."
                                </div>
                            })}
                            <section class="card">
                                {if list.items.is_empty() {
                                    view! { <p class="empty">"No post yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="posts" data-testid="posts">
                                            {list.items.into_iter().map(|p| view! { <PostLine post=p/> }).collect_view()}
                                        </ul>
                                    }
                                    .into_any()
                                }}
                                <Pager path="/insider" page=page().unwrap_or(1) has_next=has_next/>
                            </section>
                            <FeedAddress/>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PostLine(post: PostSummaryDto) -> impl IntoView {
    let when = post.published_at.map(short_time).unwrap_or_else(|| "draft".into());
    view! {
        <li>
            {if post.readable {
                view! { <a href=format!("/insider/{}", post.id)><strong>{post.title.clone()}</strong></a> }.into_any()
            } else {
                view! { <strong>{post.title.clone()}</strong> }.into_any()
            }}
            {(post.state == PostState::Draft).then(|| view! { <span class="chip">"Draft"</span> })}
            <span class="muted small">" " {when} " · " {post.author_name.clone()}</span>
            {post.releases.into_iter().map(|r| view! { <a class="chip mono" href=format!("/releases/{}", r.id)>{r.number}</a> }).collect_view()}
            {post.tags.into_iter().map(|t| view! { <a class="chip" href=format!("/insider?tag={t}")>{format!("#{t}")}</a> }).collect_view()}
        </li>
    }
}

/// A private address for a feed reader; made on request, shown once.
#[component]
fn FeedAddress() -> impl IntoView {
    let make = ServerAction::<NewFeedAddress>::new();
    // The address is shown in place by the hydrated page: a plain post could only show it in an
    // address bar. Effects run in the browser only, so the button is live once it can show it.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    view! {
        <section class="card">
            <h2>"Follow in a feed reader"</h2>
            <p class="muted small">"A private Atom address: anyone who has it reads the Insider as you. Making a new one ends the old."</p>
            <ActionForm action=make attr:class="inline">
                <button type="submit" class="button small" disabled=move || !ready.get()>"Make my feed address"</button>
            </ActionForm>
            {move || make.value().get().map(|r| match r {
                Ok(feed) => view! { <p><input readonly class="mono wide" data-testid="feed-address" value=feed.url/></p> }.into_any(),
                Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
            })}
        </section>
    }
}

#[component]
pub fn PostPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    view! {
        <Title text="The CyTrack Insider"/>
        <QueryError/>
        <Guard need=Need::Active children=move |user: UserDto| view! { <PostView id=id() staff=user.is_staff()/> }/>
    }
}

#[component]
fn PostView(id: String, staff: bool) -> impl IntoView {
    let ask = ServerAction::<AskQuestion>::new();
    let answer = ServerAction::<AnswerQuestion>::new();
    let ticket = ServerAction::<QuestionTicket>::new();
    let post =
        Resource::new(move || (id.clone(), ask.version().get(), answer.version().get()), |(id, ..)| insider_post(id));
    view! {
        <ActionError value=ticket.value()/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match post.await {
                    Ok(p) => view! { <PostBody post=p staff=staff ask=ask answer=answer ticket=ticket/> }.into_any(),
                    Err(e) => view! {
                        <ErrorBanner error=e/>
                        <p><a href="/insider">"Back to the Insider"</a></p>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PostBody(
    post: PostDto,
    staff: bool,
    ask: ServerAction<AskQuestion>,
    answer: ServerAction<AnswerQuestion>,
    ticket: ServerAction<QuestionTicket>,
) -> impl IntoView {
    let s = post.post;
    let post_id = s.id.clone();
    view! {
        <article class="card post">
            <h1>{s.title.clone()} {(s.state == PostState::Draft).then(|| view! { " " <span class="chip">"Draft"</span> })}</h1>
            <p class="muted small">
                {s.published_at.map(short_time).unwrap_or_else(|| "Not published".into())} " · " {s.author_name.clone()}
                {s.releases.into_iter().map(|r| view! { " " <a class="chip mono" href=format!("/releases/{}", r.id)>{r.number}</a> }).collect_view()}
                {s.tags.into_iter().map(|t| view! { " " <a class="chip" href=format!("/insider?tag={t}")>{format!("#{t}")}</a> }).collect_view()}
            </p>
            <div class="markdown" data-testid="post-body" inner_html=post.body_html></div>
            {staff.then(|| view! { <p><a class="button small" href=format!("/insider/{}/edit", s.id)>"Edit"</a></p> })}
        </article>
        <section class="card" id="questions">
            <h2>"Questions"</h2>
            {if post.questions.is_empty() {
                view! { <p class="empty">"No question yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="questions" data-testid="questions">
                        {post.questions.into_iter().map(|q| view! { <Question question=q staff=staff post_id=post_id.clone() answer=answer ticket=ticket/> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {(!staff).then(|| view! {
                <ActionError value=ask.value()/>
                <ActionForm action=ask attr:class="form">
                    <input type="hidden" name="post_id" value=post_id.clone()/>
                    <label>"Ask the engineering team" <textarea name="body" rows="3" required maxlength="5000"></textarea></label>
                    {field_message(ask.value(), "body")}
                    <p class="muted small">"Questions and answers are public to Software Care readers; your name is shown only to your own organisation and CyTrack."</p>
                    <button type="submit" class="button primary">"Ask"</button>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn Question(
    question: QuestionDto,
    staff: bool,
    post_id: String,
    answer: ServerAction<AnswerQuestion>,
    ticket: ServerAction<QuestionTicket>,
) -> impl IntoView {
    let q = question;
    let (qid, qid_ticket) = (q.id.clone(), q.id.clone());
    view! {
        <li class="question">
            <p><strong>{q.asked_by.clone()}</strong> <span class="muted small">" " {short_time(q.created_at)}</span></p>
            <p class="pre">{q.body.clone()}</p>
            {q.answer.clone().map(|a| view! {
                <blockquote class="answer">
                    <p class="muted small">{format!("{} answered", q.answered_by.clone().unwrap_or_else(|| "CyTrack".into()))}</p>
                    <p class="pre">{a}</p>
                </blockquote>
            })}
            {q.ticket_id.clone().map(|t| view! { <p><a href=format!("/tickets/{t}")>"Followed up as a ticket"</a></p> })}
            {staff.then(|| view! {
                <ActionForm action=answer attr:class="form compact">
                    <input type="hidden" name="post_id" value=post_id.clone()/>
                    <input type="hidden" name="question_id" value=qid/>
                    <label>{if q.answer.is_some() { "Change the answer" } else { "Answer" }}
                        <textarea name="answer" rows="2" required>{q.answer.clone().unwrap_or_default()}</textarea>
                    </label>
                    <button type="submit" class="button small">"Answer"</button>
                </ActionForm>
                {q.ticket_id.is_none().then(|| view! {
                    <ActionForm action=ticket attr:class="inline">
                        <input type="hidden" name="question_id" value=qid_ticket/>
                        <button type="submit" class="button small">"Turn into a ticket"</button>
                    </ActionForm>
                })}
            })}
        </li>
    }
}

/// Writing a post (`/insider/new`) or editing one (`/insider/:id/edit`), staff only.
#[component]
pub fn PostEditorPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    view! {
        <Title text="Write for the Insider"/>
        <QueryError/>
        <Guard need=Need::Staff children=move |_user: UserDto| view! { <PostEditor id=id()/> }/>
    }
}

#[component]
fn PostEditor(id: String) -> impl IntoView {
    let save = ServerAction::<SavePost>::new();
    let existing = Resource::new(
        move || id.clone(),
        |id| async move {
            match id.is_empty() {
                true => Ok(None),
                false => insider_post(id).await.map(Some),
            }
        },
    );
    view! {
        <ActionError value=save.value()/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || once_loaded(async move {
                match existing.await {
                    Ok(p) => {
                        let (id, title, body, tags, releases, published) = match p {
                            Some(p) => (
                                p.post.id.clone(),
                                p.post.title.clone(),
                                p.body.clone(),
                                p.post.tags.join(", "),
                                p.post.releases.iter().map(|r| r.number.clone()).collect::<Vec<_>>().join(", "),
                                p.post.state == PostState::Published,
                            ),
                            None => Default::default(),
                        };
                        view! {
                            <section class="card">
                                <h1>{if id.is_empty() { "Write a post" } else { "Edit the post" }}</h1>
                                <ActionForm action=save attr:class="form">
                                    <input type="hidden" name="id" value=id/>
                                    <label>"Title" <input name="title" required maxlength="200" value=title/></label>
                                    {field_message(save.value(), "title")}
                                    <label>"Post (Markdown)" <textarea name="body" rows="14" required>{body}</textarea></label>
                                    {field_message(save.value(), "body")}
                                    <div class="row">
                                        <label>"Tags" <input name="tags" value=tags placeholder="cychat, reports"/></label>
                                        <label>"Releases" <input name="releases" value=releases placeholder="20-2.1" class="mono"/></label>
                                    </div>
                                    {field_message(save.value(), "tags")}
                                    {field_message(save.value(), "releases")}
                                    <label class="check"><input type="checkbox" name="published" value="on" checked=published/> "Published (Software Care readers see it)"</label>
                                    <button type="submit" class="button primary">"Save"</button>
                                </ActionForm>
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
