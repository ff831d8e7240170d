//! The forms the client fills in and CyTrack reviews (accepts, or returns with what to mend): the
//! Stakeholders form (contacts and their responsibilities; the trainer it names becomes the
//! organisation's superuser) and the Pre-install form (each deployed module's requirements
//! acknowledged, and the site's details).

use super::*;
use crate::ssr::db::begin;

/// The client's superuser submits the Stakeholders form (again, until CyTrack accepts it): the
/// required responsibilities named, the trainer an active contact of the organisation.
pub async fn submit_stakeholders<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    req: StakeholdersRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let project = find(db, actor, project_id).await?;
    if !matches!(actor.access()?, Access::Customer(_)) {
        return Err(AppError::forbidden("The client's superuser fills in the Stakeholders form."));
    }
    if project.stage != Stage::Stakeholders.as_str() {
        return Err(AppError::rule("invalid_stage", "The project is past its Stakeholders stage."));
    }
    let current = form(db, &project.id, STAKEHOLDERS).await?;
    may_submit(form_status(current.as_ref())).map_err(|m| AppError::conflict("already_accepted", m))?;

    let mut check = FieldCheck::default();
    let mut contacts = Vec::new();
    for (i, c) in req.contacts.iter().enumerate() {
        let field = |what: &str| format!("contacts[{i}].{what}");
        let role = check.take(&field("role"), StakeholderRole::parse(c.role.trim()));
        let name = check.take(&field("name"), single_line(&c.name, "the contact's name", 100));
        let email = check.take(&field("email"), Email::parse(&c.email));
        let phone = check.take(&field("phone"), parse_phone(c.phone.as_deref().unwrap_or_default()));
        if let (Some(role), Some(name), Some(email), Some(phone)) = (role, name, email, phone) {
            contacts.push(StakeholderDto { role, name, email: email.as_str().to_string(), phone });
        }
    }
    let roles: Vec<StakeholderRole> = contacts.iter().map(|c| c.role).collect();
    let missing = stakeholders_missing(&roles);
    // Named only when every contact was read: a contact refused for its address is not "missing".
    if !missing.is_empty() && check.is_empty() {
        check.add("contacts", missing.join(" "));
    }
    if let Some(trainer) = contacts.iter().find(|c| c.role == StakeholderRole::Trainer) {
        if trainee(db, &project.organization_id, &trainer.email).await?.is_none() {
            check.add(
                "contacts",
                format!(
                    "The trainer ({}) must be an active contact of your organisation in the portal.",
                    trainer.email
                ),
            );
        }
    }
    check.finish()?;

    let txn = begin(db).await?;
    save_submitted(&txn, actor, &project.id, STAKEHOLDERS, &contacts, now).await?;
    let body = format!("{} submitted the Stakeholders form. Accept it, or return it with what to mend.", actor.name);
    tell(&txn, actor, &project, format!("{}: Stakeholders form submitted", project.name), body, now).await?;
    txn.commit().await?;
    get(db, actor, project_id).await
}

/// The active customer of the organisation with this address: the trainer to be.
pub(super) async fn trainee(
    db: &impl ConnectionTrait,
    organization_id: &str,
    email: &str,
) -> Result<Option<user::Model>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .filter(user::Column::OrganizationId.eq(organization_id))
        .filter(user::Column::Role.eq(Role::Customer.as_str()))
        .filter(user::Column::Status.eq(UserStatus::Active.as_str()))
        .one(db)
        .await?)
}

/// A form CyTrack reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reviewed {
    Stakeholders,
    PreInstall,
}

impl Reviewed {
    /// The form a page names (`stakeholders`, `pre_install`); any other name decides nothing.
    pub fn parse(name: &str) -> Result<Reviewed, AppError> {
        match name {
            STAKEHOLDERS => Ok(Reviewed::Stakeholders),
            PRE_INSTALL => Ok(Reviewed::PreInstall),
            _ => Err(AppError::bad_request("Name the form to decide on: stakeholders or pre_install.")),
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Reviewed::Stakeholders => STAKEHOLDERS,
            Reviewed::PreInstall => PRE_INSTALL,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Reviewed::Stakeholders => "Stakeholders form",
            Reviewed::PreInstall => "Pre-install form",
        }
    }
}

/// An account manager accepts a submitted form or returns it with a reason. Accepting the
/// Stakeholders form makes its trainer a superuser of the organisation (or keeps them one).
pub async fn decide<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    which: Reviewed,
    returned: Option<ReasonRequest>,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let project = find(db, actor, project_id).await?;
    actor.account_manager()?;
    let form = form(db, &project.id, which.kind()).await?;
    let status = form_status(form.as_ref());
    may_decide(status).map_err(|m| match status {
        FormStatus::Accepted => AppError::conflict("already_accepted", m),
        _ => AppError::rule("not_submitted", m),
    })?;
    let Some(form) = form else { return Err(AppError::internal()) };
    let note = match &returned {
        Some(r) => Some(single_line(&r.reason, "what to mend", 500).map_err(|m| field_error("reason", m))?),
        None => None,
    };
    let txn = begin(db).await?;
    let decided = if note.is_some() { FormStatus::Returned } else { FormStatus::Accepted };
    let mut model: project_form::ActiveModel = form.clone().into();
    model.status = Set(decided.as_str().into());
    model.decided_by = Set(Some(actor.user_id.clone()));
    model.decided_at = Set(Some(now));
    model.decision_note = Set(note.clone());
    model.update(&txn).await?;
    let (title, body) = match (&note, which) {
        (Some(note), _) => (
            format!("{}: {} returned", project.name, which.label()),
            format!("{} returned the {}: {note}", actor.name, which.label()),
        ),
        (None, Reviewed::Stakeholders) => {
            let contacts: Vec<StakeholderDto> = serde_json::from_str(&form.content).unwrap_or_default();
            if let Some(trainer) = contacts.iter().find(|c| c.role == StakeholderRole::Trainer) {
                if let Some(person) = trainee(&txn, &project.organization_id, &trainer.email).await? {
                    let mut person: user::ActiveModel = person.into();
                    person.superuser = Set(true);
                    person.updated_at = Set(now);
                    person.update(&txn).await?;
                }
            }
            (
                format!("{}: Stakeholders form accepted", project.name),
                format!("{} accepted the Stakeholders form; the trainer is the organisation's superuser.", actor.name),
            )
        }
        (None, Reviewed::PreInstall) => (
            format!("{}: Pre-install form accepted", project.name),
            format!("{} accepted the Pre-install form; installation can start.", actor.name),
        ),
    };
    tell(&txn, actor, &project, title, body, now).await?;
    txn.commit().await?;
    get(db, actor, project_id).await
}

/// The client's superuser submits the Pre-install form at the project's Pre-install stage (again,
/// until CyTrack accepts it): every requirement of every deployed module acknowledged, the site's
/// address and contact given.
pub async fn submit_pre_install<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    req: PreInstallRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let project = find(db, actor, project_id).await?;
    if !matches!(actor.access()?, Access::Customer(_)) {
        return Err(AppError::forbidden("The client's superuser fills in the Pre-install form."));
    }
    if project.stage != Stage::PreInstall.as_str() {
        return Err(AppError::rule(
            "invalid_stage",
            "The Pre-install form is filled in at the project's Pre-install stage.",
        ));
    }
    let current = form(db, &project.id, PRE_INSTALL).await?;
    may_submit(form_status(current.as_ref())).map_err(|m| AppError::conflict("already_accepted", m))?;

    let required = required_modules(db, &project).await?;
    let acknowledged: Vec<(String, String)> =
        req.acknowledged.iter().map(|a| (a.module.trim().to_string(), a.requirement.trim().to_string())).collect();
    let mut check = FieldCheck::default();
    let missing = unacknowledged(&required, &acknowledged);
    if !missing.is_empty() {
        check.add("acknowledged", format!("Acknowledge every requirement; not yet: {}.", missing.join("; ")));
    }
    let address = check.take("site.address", multi_line(&req.site.address, "the site's address", 500));
    let contact_name =
        check.take("site.contact_name", single_line(&req.site.contact_name, "the site contact's name", 100));
    let contact_phone = match parse_phone(&req.site.contact_phone) {
        Ok(Some(phone)) => Some(phone),
        Ok(None) => {
            check.add("site.contact_phone", "Give the site contact's phone number.");
            None
        }
        Err(m) => {
            check.add("site.contact_phone", m);
            None
        }
    };
    let optional = |text: &str, what: &str, max| match text.trim() {
        "" => Ok(String::new()),
        t => multi_line(t, what, max),
    };
    let remote_access =
        check.take("site.remote_access", optional(&req.site.remote_access, "how to reach the server", 500));
    let notes = check.take("site.notes", optional(&req.site.notes, "the notes", 2000));
    check.finish()?;
    let (Some(address), Some(contact_name), Some(contact_phone), Some(remote_access), Some(notes)) =
        (address, contact_name, contact_phone, remote_access, notes)
    else {
        return Err(AppError::internal());
    };
    let content = PreInstallContent {
        acknowledged: acknowledged
            .into_iter()
            .filter(|a| required.iter().any(|m| m.module == a.0 && m.requirements.contains(&a.1)))
            .collect(),
        site: SiteDetails { address, contact_name, contact_phone, remote_access, notes },
    };
    let txn = begin(db).await?;
    save_submitted(&txn, actor, &project.id, PRE_INSTALL, &content, now).await?;
    let body = format!("{} submitted the Pre-install form. Accept it, or return it with what to mend.", actor.name);
    tell(&txn, actor, &project, format!("{}: Pre-install form submitted", project.name), body, now).await?;
    txn.commit().await?;
    get(db, actor, project_id).await
}

/// What a Pre-install form keeps: the requirements acknowledged (module, requirement) and the site.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct PreInstallContent {
    pub acknowledged: Vec<(String, String)>,
    pub site: SiteDetails,
}

/// The catalogue entries of the modules the project deploys.
pub(super) async fn required_modules(
    db: &impl ConnectionTrait,
    project: &deployment_project::Model,
) -> Result<Vec<ModuleRequirements>, AppError> {
    let deployed = modules_of(project);
    Ok(settings::modules(db).await?.into_iter().filter(|m| deployed.contains(&m.module)).collect())
}

/// Module names checked against the catalogue, each once.
pub(super) async fn check_modules(db: &impl ConnectionTrait, names: &[String]) -> Result<Vec<String>, AppError> {
    let catalogue = settings::modules(db).await?;
    let mut modules: Vec<String> = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        match catalogue.iter().find(|m| m.module.eq_ignore_ascii_case(name)) {
            Some(m) if !modules.contains(&m.module) => modules.push(m.module.clone()),
            Some(_) => {}
            None => {
                let known: Vec<&str> = catalogue.iter().map(|m| m.module.as_str()).collect();
                return Err(field_error(
                    "modules",
                    format!("{name} is not in the module catalogue: {}.", known.join(", ")),
                ));
            }
        }
    }
    Ok(modules)
}

/// An account manager changes the modules a project deploys, until its Pre-install form is
/// accepted (the form lists their requirements).
pub async fn set_modules<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    project_id: &str,
    req: ModulesRequest,
    now: DateTime<Utc>,
) -> Result<ProjectDto, AppError> {
    let project = find(db, actor, project_id).await?;
    actor.account_manager()?;
    if form_status(form(db, &project.id, PRE_INSTALL).await?.as_ref()) == FormStatus::Accepted {
        return Err(AppError::rule(
            "invalid_stage",
            "The Pre-install form was accepted with these modules; they are settled.",
        ));
    }
    let modules = check_modules(db, &req.modules).await?;
    deployment_project::Entity::update_many()
        .col_expr(
            deployment_project::Column::Modules,
            Expr::value(serde_json::to_string(&modules).map_err(|_| AppError::internal())?),
        )
        .col_expr(deployment_project::Column::UpdatedAt, Expr::value(now))
        .filter(deployment_project::Column::Id.eq(project.id.as_str()))
        .exec(db)
        .await?;
    get(db, actor, project_id).await
}

/// The Pre-install form as it stands: the requirements of the deployed modules (from the
/// catalogue, ticked where the client acknowledged them) and the site.
pub(super) fn pre_install_dto(
    form: Option<project_form::Model>,
    required: &[ModuleRequirements],
    names: &HashMap<String, String>,
) -> PreInstallFormDto {
    let content: PreInstallContent =
        form.as_ref().and_then(|f| serde_json::from_str(&f.content).ok()).unwrap_or_default();
    let modules = required
        .iter()
        .map(|m| PreInstallModuleDto {
            module: m.module.clone(),
            requirements: m
                .requirements
                .iter()
                .map(|r| RequirementDto {
                    text: r.clone(),
                    acknowledged: content.acknowledged.iter().any(|(am, ar)| *am == m.module && ar == r),
                })
                .collect(),
        })
        .collect();
    PreInstallFormDto {
        status: form_status(form.as_ref()),
        modules,
        site: content.site,
        submitted_at: form.as_ref().and_then(|f| f.submitted_at),
        submitted_by_name: name_of(names, form.as_ref().and_then(|f| f.submitted_by.as_ref())),
        decided_at: form.as_ref().and_then(|f| f.decided_at),
        decided_by_name: name_of(names, form.as_ref().and_then(|f| f.decided_by.as_ref())),
        decision_note: form.and_then(|f| f.decision_note),
    }
}
