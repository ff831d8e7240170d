//! Releases and the Insider blog. A release has its number (`YY-N.P`, kept whole for show and in
//! parts for order) and state; a ticket is slated for at most one release (for a fault, the
//! release with its fix; for an upgrade, the release to upgrade to); an organisation records the
//! release it runs (who recorded it, when). Insider posts are Markdown with tags and linked releases; readers ask
//! questions on them and staff answer; each reader may hold one private feed token (its digest).

use crate::{id, id_ref, id_ref_null, index_on};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000025_releases"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Releases::Table)
                .col(id(Releases::Id))
                .col(string_len_uniq(Releases::Number, 16))
                .col(small_integer(Releases::Year))
                .col(integer(Releases::Sequence))
                .col(integer(Releases::Point))
                .col(string_len(Releases::State, 12))
                .col(date_null(Releases::PlannedOn))
                .col(text(Releases::Notes))
                .col(timestamp_with_time_zone_null(Releases::ReleasedAt))
                .col(id_ref(Releases::CreatedBy))
                .col(timestamp_with_time_zone(Releases::CreatedAt))
                .col(timestamp_with_time_zone(Releases::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index_on(
            Releases::Table,
            "releases_order",
            &[Releases::Year, Releases::Sequence, Releases::Point],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(TicketReleases::Table)
                .col(id(TicketReleases::TicketId))
                .col(id_ref(TicketReleases::ReleaseId))
                .col(id_ref(TicketReleases::SlatedBy))
                .col(timestamp_with_time_zone(TicketReleases::SlatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index_on(TicketReleases::Table, "ticket_releases_release", &[TicketReleases::ReleaseId]))
            .await?;
        m.create_table(
            Table::create()
                .table(InstalledReleases::Table)
                .col(id(InstalledReleases::OrganizationId))
                .col(id_ref(InstalledReleases::ReleaseId))
                .col(id_ref(InstalledReleases::RecordedBy))
                .col(timestamp_with_time_zone(InstalledReleases::RecordedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(InsiderPosts::Table)
                .col(id(InsiderPosts::Id))
                .col(string_len(InsiderPosts::Title, 200))
                .col(text(InsiderPosts::Body))
                // ",tag,tag," so one tag is found with LIKE '%,tag,%'.
                .col(string_len(InsiderPosts::Tags, 300))
                .col(string_len(InsiderPosts::State, 12))
                .col(id_ref(InsiderPosts::AuthorId))
                .col(timestamp_with_time_zone_null(InsiderPosts::PublishedAt))
                .col(timestamp_with_time_zone(InsiderPosts::CreatedAt))
                .col(timestamp_with_time_zone(InsiderPosts::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index_on(
            InsiderPosts::Table,
            "insider_posts_published",
            &[InsiderPosts::State, InsiderPosts::PublishedAt],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(PostReleases::Table)
                .col(id_ref(PostReleases::PostId))
                .col(id_ref(PostReleases::ReleaseId))
                .primary_key(Index::create().col(PostReleases::PostId).col(PostReleases::ReleaseId))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PostQuestions::Table)
                .col(id(PostQuestions::Id))
                .col(id_ref(PostQuestions::PostId))
                .col(id_ref(PostQuestions::AuthorId))
                .col(id_ref_null(PostQuestions::OrganizationId))
                .col(text(PostQuestions::Body))
                .col(text_null(PostQuestions::Answer))
                .col(id_ref_null(PostQuestions::AnsweredBy))
                .col(timestamp_with_time_zone_null(PostQuestions::AnsweredAt))
                .col(id_ref_null(PostQuestions::TicketId))
                .col(timestamp_with_time_zone(PostQuestions::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index_on(
            PostQuestions::Table,
            "post_questions_post",
            &[PostQuestions::PostId, PostQuestions::CreatedAt],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(FeedTokens::Table)
                .col(id(FeedTokens::UserId))
                .col(string_len_uniq(FeedTokens::TokenHash, 64))
                .col(timestamp_with_time_zone(FeedTokens::CreatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            FeedTokens::Table.into_iden(),
            PostQuestions::Table.into_iden(),
            PostReleases::Table.into_iden(),
            InsiderPosts::Table.into_iden(),
            InstalledReleases::Table.into_iden(),
            TicketReleases::Table.into_iden(),
            Releases::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Releases {
    Table,
    Id,
    Number,
    Year,
    Sequence,
    Point,
    State,
    PlannedOn,
    Notes,
    ReleasedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TicketReleases {
    Table,
    TicketId,
    ReleaseId,
    SlatedBy,
    SlatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum InstalledReleases {
    Table,
    OrganizationId,
    ReleaseId,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum InsiderPosts {
    Table,
    Id,
    Title,
    Body,
    Tags,
    State,
    AuthorId,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PostReleases {
    Table,
    PostId,
    ReleaseId,
}

#[derive(DeriveIden, Clone, Copy)]
enum PostQuestions {
    Table,
    Id,
    PostId,
    AuthorId,
    OrganizationId,
    Body,
    Answer,
    AnsweredBy,
    AnsweredAt,
    TicketId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum FeedTokens {
    Table,
    UserId,
    TokenHash,
    CreatedAt,
}
