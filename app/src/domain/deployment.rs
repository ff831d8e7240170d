//! The deployment project (seed: Stakeholders Form .. Deployment Project Completion): its stages
//! in order, and the one rule for moving from one to the next.

use super::tickets::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary!(
    /// Where a deployment project stands; DOMAIN.md's order is the declaration order.
    Stage, "stage" {
        Stakeholders = "stakeholders", "Stakeholders";
        PreInstall = "pre_install", "Pre-install";
        Installation = "installation", "Installation";
        Training = "training", "Training";
        Testing = "testing", "Testing (UAT)";
        GoLive = "go_live", "Go-live";
        Warranty = "warranty", "Warranty";
        Completed = "completed", "Completed";
    }
);

impl Stage {
    /// The stage after this one; none after completion.
    pub fn next(self) -> Option<Stage> {
        let at = Stage::ALL.iter().position(|s| *s == self)?;
        Stage::ALL.get(at + 1).copied()
    }
}

/// Where each stage stands on a project's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StageState {
    Done,
    Current,
    Upcoming,
}

pub fn stage_state(stage: Stage, current: Stage) -> StageState {
    match stage.cmp(&current) {
        std::cmp::Ordering::Less => StageState::Done,
        std::cmp::Ordering::Equal if current == Stage::Completed => StageState::Done,
        std::cmp::Ordering::Equal => StageState::Current,
        std::cmp::Ordering::Greater => StageState::Upcoming,
    }
}

/// Whether a project at `current` may move to `to`: only to the very next stage, never back,
/// never past one not done. The message says why not, for the person who asked.
pub fn check_advance(current: Stage, to: Stage) -> Result<(), String> {
    match current.next() {
        None => Err("The project is complete; start a new project for a new site or a re-deployment.".into()),
        Some(next) if to == next => Ok(()),
        Some(_) if to <= current => Err(format!(
            "The project is at {} already; stages never move back (record what changed in a ticket).",
            current.label()
        )),
        Some(next) => Err(format!("Finish {} first: stages follow each other in order.", next.label())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stage::*;

    #[test]
    fn stages_follow_each_other_in_the_seed_order() {
        let order: Vec<Option<Stage>> = Stage::ALL.iter().map(|s| s.next()).collect();
        assert_eq!(
            order,
            [
                Some(PreInstall),
                Some(Installation),
                Some(Training),
                Some(Testing),
                Some(GoLive),
                Some(Warranty),
                Some(Completed),
                None
            ]
        );
    }

    #[test]
    fn a_project_moves_only_to_the_next_stage() {
        let cases: [(Stage, Stage, Option<&str>); 7] = [
            (Stakeholders, PreInstall, None),
            (Testing, GoLive, None),
            (Warranty, Completed, None),
            (Stakeholders, Installation, Some("Finish Pre-install first")),
            (Training, Training, Some("at Training already")),
            (GoLive, Stakeholders, Some("never move back")),
            (Completed, Completed, Some("The project is complete")),
        ];
        for (current, to, refusal) in cases {
            let result = check_advance(current, to);
            match refusal {
                None => assert_eq!(result, Ok(()), "{current:?} -> {to:?}"),
                Some(words) => {
                    assert!(result.as_ref().is_err_and(|m| m.contains(words)), "{current:?} -> {to:?}: {result:?}")
                }
            }
        }
    }

    #[test]
    fn the_timeline_marks_stages_done_current_and_upcoming() {
        assert_eq!(stage_state(Stakeholders, Training), StageState::Done);
        assert_eq!(stage_state(Training, Training), StageState::Current);
        assert_eq!(stage_state(GoLive, Training), StageState::Upcoming);
        assert_eq!(stage_state(Completed, Completed), StageState::Done, "a completed project has no current stage");
    }
}

vocabulary!(
    /// What a contact on the Stakeholders form answers for (seed: Stakeholders Form).
    StakeholderRole, "responsibility" {
        ProjectSponsor = "project_sponsor", "Project sponsor";
        ItContact = "it_contact", "IT contact";
        Trainer = "trainer", "Trainer and superuser";
        Billing = "billing", "Billing contact";
        AfterHours = "after_hours", "After-hours contact";
    }
);

impl StakeholderRole {
    /// Responsibilities the form must name: someone who owns the project, someone for the
    /// systems, and the trainer who becomes the organisation's superuser ("train the trainer").
    pub const REQUIRED: [StakeholderRole; 3] =
        [StakeholderRole::ProjectSponsor, StakeholderRole::ItContact, StakeholderRole::Trainer];
}

vocabulary!(
    /// Where a form stands: the client submits it, CyTrack accepts it or returns it to be mended.
    FormStatus, "form status" {
        NotSubmitted = "not_submitted", "Not submitted";
        Submitted = "submitted", "Submitted";
        Returned = "returned", "Returned for changes";
        Accepted = "accepted", "Accepted";
    }
);

/// What a form's status allows: the client (re)submits until CyTrack accepted it; CyTrack
/// decides only on a submitted form.
pub fn may_submit(status: FormStatus) -> Result<(), String> {
    match status {
        FormStatus::Accepted => Err("The form was accepted; ask your account manager to change anything on it.".into()),
        _ => Ok(()),
    }
}

pub fn may_decide(status: FormStatus) -> Result<(), String> {
    match status {
        FormStatus::Submitted => Ok(()),
        FormStatus::Accepted => Err("The form was accepted already.".into()),
        _ => Err("The client has not submitted the form yet.".into()),
    }
}

/// Which responsibilities a Stakeholders form leaves unnamed (each required one once at least;
/// exactly one trainer).
pub fn stakeholders_missing(roles: &[StakeholderRole]) -> Vec<String> {
    let mut problems: Vec<String> = StakeholderRole::REQUIRED
        .iter()
        .filter(|r| !roles.contains(r))
        .map(|r| format!("Name a {}.", r.label().to_lowercase()))
        .collect();
    if roles.iter().filter(|r| **r == StakeholderRole::Trainer).count() > 1 {
        problems.push("Name one trainer: they become the organisation's superuser.".into());
    }
    problems
}

vocabulary!(
    /// Where a user acceptance test item stands (seed: Testing, UAT).
    UatStatus, "test result" {
        Open = "open", "Not tested yet";
        Passed = "passed", "Passed";
        Failed = "failed", "Failed";
        Waived = "waived", "Waived";
    }
);

/// Test items are listed (and waived) until the project goes live.
pub fn test_items_open(stage: Stage) -> bool {
    stage <= Stage::Testing
}

/// UAT is done when there is something to test and every item passed or was waived.
pub fn uat_done(items: &[UatStatus]) -> bool {
    !items.is_empty() && items.iter().all(|s| matches!(s, UatStatus::Passed | UatStatus::Waived))
}

/// What is done on a project, as far as its stages' gates look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageChecks {
    pub stakeholders: FormStatus,
    /// A training session the organisation's superuser attended is recorded.
    pub superuser_trained: bool,
    /// Every test item passed or was waived (`uat_done`).
    pub uat_done: bool,
}

/// What a stage waits for before the project may leave it (the parts built so far).
pub fn leave_stage(stage: Stage, done: StageChecks) -> Result<(), String> {
    match stage {
        Stage::Stakeholders if done.stakeholders != FormStatus::Accepted => {
            Err("The Stakeholders form is not accepted yet: the client submits it, then CyTrack accepts it.".into())
        }
        Stage::Training if !done.superuser_trained => Err(
            "Record the superuser's training first: testing starts once the trainer has been trained (train the trainer)."
                .into(),
        ),
        Stage::Testing if !done.uat_done => Err(
            "User acceptance testing is not done: every test item must pass, or be waived by CyTrack with a reason."
                .into(),
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod form_tests {
    use super::*;
    use StakeholderRole::*;

    #[test]
    fn a_stakeholders_form_names_the_required_people_and_one_trainer() {
        let cases: [(&[StakeholderRole], usize); 5] = [
            (&[ProjectSponsor, ItContact, Trainer], 0),
            (&[ProjectSponsor, ItContact, Trainer, Billing, AfterHours, Billing], 0),
            (&[ProjectSponsor, ItContact], 1),
            (&[], 3),
            (&[ProjectSponsor, ItContact, Trainer, Trainer], 1),
        ];
        for (roles, problems) in cases {
            assert_eq!(stakeholders_missing(roles).len(), problems, "{roles:?}");
        }
    }

    #[test]
    fn forms_are_submitted_until_accepted_and_decided_once_submitted() {
        use FormStatus::*;
        let cases =
            [(NotSubmitted, true, false), (Submitted, true, true), (Returned, true, false), (Accepted, false, false)];
        for (status, submit, decide) in cases {
            assert_eq!(may_submit(status).is_ok(), submit, "{status:?}");
            assert_eq!(may_decide(status).is_ok(), decide, "{status:?}");
        }
    }

    #[test]
    fn uat_is_done_when_every_item_passed_or_was_waived() {
        use UatStatus::*;
        let cases: [(&[UatStatus], bool); 5] = [
            (&[], false),
            (&[Passed, Waived], true),
            (&[Passed, Open], false),
            (&[Passed, Failed], false),
            (&[Waived], true),
        ];
        for (items, done) in cases {
            assert_eq!(uat_done(items), done, "{items:?}");
        }
    }

    #[test]
    fn stages_wait_for_what_they_need() {
        let done = |stakeholders, superuser_trained| StageChecks { stakeholders, superuser_trained, uat_done: false };
        let cases = [
            (Stage::Stakeholders, done(FormStatus::Submitted, false), false),
            (Stage::Stakeholders, done(FormStatus::Returned, true), false),
            (Stage::Stakeholders, done(FormStatus::Accepted, false), true),
            (Stage::PreInstall, done(FormStatus::Accepted, false), true),
            (Stage::Training, done(FormStatus::Accepted, false), false),
            (Stage::Training, done(FormStatus::Accepted, true), true),
            (Stage::Testing, done(FormStatus::Accepted, true), false),
            (Stage::Testing, StageChecks { uat_done: true, ..done(FormStatus::Accepted, true) }, true),
            (Stage::GoLive, done(FormStatus::Accepted, true), true),
        ];
        for (stage, checks, leaves) in cases {
            assert_eq!(leave_stage(stage, checks).is_ok(), leaves, "{stage:?} with {checks:?}");
        }
    }
}
